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
