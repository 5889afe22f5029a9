"""The domain never imports the interface: it must work (and be tested) without Textual."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO

DOMAIN = ["clock", "decks", "i18n", "models", "paths", "progress", "scheduling", "store", "study", "workspace", "cli"]


def test_domain_modules_import_without_textual():
    code = (
        "import sys\n"
        + "".join(f"import vocab_tui.{name}\n" for name in DOMAIN)
        + "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == ""


def test_the_command_line_loads_no_yaml_sqlite_layer_or_scheduler_before_a_command_needs_them():
    """`vocab-tui --help` and the command tree stay fast: decks, the store and FSRS load on first use."""
    code = (
        "import sys\n"
        "from vocab_tui.cli import build_cli\n"
        "build_cli()\n"
        "heavy = ('yaml', 'sqlite_utils', 'fsrs', 'textual', 'vocab_tui.decks', 'vocab_tui.store.core', "
        "'openpyxl', 'xlsxwriter', 'genanki', 'textual_serve', 'aiohttp')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == ""


# What the first screen, `--help` and `decks list` must not load (start-up is measured against a one-label
# Textual app and a one-command click program: bench/compare_anki.py). Each is run in a fresh interpreter,
# the way the `vocab-tui` command runs, and the modules loaded are read from sys.modules at its end.
NOT_FOR_THE_FIRST_SCREEN = (
    "yaml", "sqlite_utils", "importlib.resources", "rapidfuzz", "vocab_tui.yaml_messages", "vocab_tui.study", "vocab_tui.modes", "vocab_tui.progress",
    "vocab_tui.reports", "vocab_tui.term_report", "vocab_tui.commands", "vocab_tui.ui.screens.home",
    "vocab_tui.ui.screens.drill", "vocab_tui.ui.screens.browse", "vocab_tui.ui.screens.stats",
    "vocab_tui.ui.screens.dashboard", "vocab_tui.ui.screens.help", "vocab_tui.ui.screens.settings",
    "vocab_tui.ui.screens.terms", "vocab_tui.ui.screens.preview", "vocab_tui.ui.screens.pins",
    "textual.widgets._data_table", "vocab_tui.crash", "tomllib", "openpyxl", "xlsxwriter", "genanki", "textual_serve",
)
NOT_FOR_HELP = (
    "sqlite3", "sqlite_utils", "yaml", "fsrs", "textual", "zoneinfo", "tomllib", "json", "shlex", "traceback",
    "vocab_tui.models", "vocab_tui.nip", "vocab_tui.crash", "vocab_tui.decks", "vocab_tui.store.core", "openpyxl", "xlsxwriter",
    "genanki", "textual_serve", "aiohttp",
)
NOT_FOR_DECKS_LIST = ("yaml", "sqlite_utils", "fsrs", "textual", "rapidfuzz", "vocab_tui.study", "vocab_tui.modes",
                      "vocab_tui.decks", "vocab_tui.models", "vocab_tui.store.cards", "zoneinfo",
                      "vocab_tui.scheduling", "vocab_tui.store.database", "vocab_tui.store.reviews",
                      "vocab_tui.store.learners", "vocab_tui.commands", "importlib.resources", "tomllib", "openpyxl",
                      "xlsxwriter", "genanki", "textual_serve")

# Modules the interpreter itself loaded before the code ran (a site .pth file may import certifi, which
# imports importlib.resources) are not the code's doing: only what the code loaded counts.
_BASELINE = "import sys\n_before = set(sys.modules)\n"
_REPORT = "print('LOADED ' + ','.join(m for m in {names!r} if m in sys.modules and m not in _before))\n"


def _loaded(code: str, names: tuple[str, ...], tmp_path, db=None) -> list[str]:
    """Run `code` in a fresh interpreter (no config file, `db` as VOCAB_TUI_DB); the `names` it loaded."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("VOCAB_TUI_", "TEXTUAL"))}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               VOCAB_TUI_LANG="en")
    if db is not None:
        env["VOCAB_TUI_DB"] = str(db)
    out = subprocess.run([sys.executable, "-c", _BASELINE + code + _REPORT.format(names=names)], capture_output=True, text=True,
                         cwd=REPO, env=env, timeout=120)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    line = next(line for line in out.stdout.splitlines() if line.startswith("LOADED "))
    return [m for m in line.removeprefix("LOADED ").split(",") if m]


def _database_with_the_bundled_decks(tmp_path):
    from vocab_tui.clock import SystemClock
    from vocab_tui.decks import bundled_decks_dir
    from vocab_tui.workspace import open_workspace

    db = tmp_path / "vocab.db"
    workspace = open_workspace(db, [bundled_decks_dir()], SystemClock())
    workspace.store.add_learner("Siti", "Bappeda")
    workspace.store.close()
    return db


def test_help_loads_no_database_decks_scheduler_or_interface(tmp_path):
    code = (
        "from vocab_tui.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit as exit:\n    assert exit.code == 0, exit.code\n"
    )
    assert _loaded(code, NOT_FOR_HELP, tmp_path) == []


def test_decks_list_reads_the_stored_decks_without_parsing_yaml(tmp_path):
    db = _database_with_the_bundled_decks(tmp_path)
    code = (
        "from vocab_tui.cli import main\n"
        "try:\n    main(['decks', 'list'])\nexcept SystemExit as exit:\n    assert exit.code == 0, exit.code\n"
    )
    assert _loaded(code, NOT_FOR_DECKS_LIST, tmp_path, db) == []


def test_the_first_screen_loads_no_other_screen_study_code_or_deck_parser(tmp_path):
    """`vocab-tui` up to its profile screen, headless: what the first paint does not need stays unloaded."""
    db = _database_with_the_bundled_decks(tmp_path)
    code = (
        "import asyncio\n"
        "from vocab_tui.ui import app as ui_app\n"
        "def run(self):\n"
        "    async def shown():\n"
        "        async with self.run_test(size=(100, 30)) as pilot:\n"
        "            await pilot.pause()\n"
        "            assert type(self.screen).__name__ == 'ProfileScreen', self.screen\n"
        "            assert 'Siti' in str(self.screen.query_one('#profiles').get_option_at_index(0).prompt)\n"
        "    asyncio.run(shown())\n"
        "ui_app.VocabApp.run = run  # headless: the rest is the `vocab-tui` command as it starts\n"
        "from vocab_tui.cli import main\n"
        "try:\n    main([])\nexcept SystemExit as exit:\n    assert exit.code in (0, None), exit.code\n"
    )
    assert _loaded(code, NOT_FOR_THE_FIRST_SCREEN, tmp_path, db) == []
