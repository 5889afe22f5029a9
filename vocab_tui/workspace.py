"""Opening what every command needs: the database and the decks, synced."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .clock import Clock
from .decks import Problem, load_decks
from .scheduling import day_start
from .store import DailyBackup, Store


@dataclass
class Workspace:
    store: Store
    clock: Clock
    deck_ids: list[str]
    problems: list[Problem] = field(default_factory=list)
    # What the person starting the app should know about the database (see Store.warnings).
    warnings: list[str] = field(default_factory=list)
    # Today's rotating backup, when this process made (or is making, in a thread) it.
    backup: DailyBackup | None = None

    @property
    def skipped(self) -> list[str]:
        return sorted({p.path for p in self.problems})


def open_workspace(db_path: Path, deck_dirs: list[Path], clock: Clock) -> Workspace:
    """Open (or create) the database and bring it in line with the deck files.

    Raises StoreError when the database cannot be used; bad decks never raise.
    """
    store = Store(db_path, clock)
    try:
        with store.explained():
            result = load_decks(deck_dirs, known=store.deck_sources())
        store.sync_decks(result.decks)
    except BaseException:
        store.close()
        raise
    # The first process of the study day copies the database (see store/backup.py); a failed copy is a warning.
    backup = store.daily_backup(day_start(clock.now(), clock.tz))
    return Workspace(store, clock, result.deck_ids, result.problems, warnings=list(store.warnings), backup=backup)
