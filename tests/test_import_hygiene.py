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
