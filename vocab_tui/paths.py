"""Where things live on disk: the database and the deck folders."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path


def bundled_decks_dir() -> Path:
    """The decks that ship with the app (inside the wheel, or `decks/` in a checkout)."""
    # The package's own folder, as importlib.resources.files("vocab_tui") gives it for an installed
    # package, without importing importlib.resources and zipfile at every start (about 5 ms).
    packaged = Path(__file__).parent / "_decks"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "decks"


APP_NAME = "vocab-tui"


def make_private_folders(folder: Path) -> None:
    """Create `folder` and its missing parents, each readable by its owner only (0700, whatever the umask).

    Folders that already exist are left as they are. Raises OSError when one cannot be made.
    """
    missing = []
    for parent in (folder, *folder.parents):
        if parent.exists():
            break
        missing.append(parent)
    for parent in reversed(missing):
        try:
            os.mkdir(parent, 0o700)
        except FileExistsError:
            continue  # another process made it at the same moment
        os.chmod(parent, 0o700)


def default_db_path() -> Path:
    """The learners' database in the user data directory (e.g. ~/.local/share/vocab-tui)."""
    return user_data_path(APP_NAME, appauthor=False) / "vocab.db"


def deck_dirs(extra: tuple[str | Path, ...] = ()) -> list[Path]:
    """The bundled decks, then every folder the trainer added (--decks or VOCAB_TUI_DECKS)."""
    dirs = [bundled_decks_dir()]
    dirs.extend(Path(p).expanduser() for p in extra if str(p))
    return dirs


def env_deck_dirs() -> tuple[str, ...]:
    value = os.environ.get("VOCAB_TUI_DECKS", "")
    return tuple(p for p in value.split(os.pathsep) if p)
