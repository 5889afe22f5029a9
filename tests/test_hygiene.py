"""Security hygiene: YAML only through safe loaders; no name, NIP or PIN in a crash report or log."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vocab_tui.crash import command_outline

from .conftest import REPO
from .test_crash import run_cli, the_report

# A loader that can build Python objects from a file's tags: a deck file would run code.
UNSAFE_YAML = re.compile(r"yaml\.(load|load_all|unsafe_load|unsafe_load_all|full_load|full_load_all)\s*\(|"
                         r"yaml\.(Loader|UnsafeLoader|FullLoader|CLoader|CUnsafeLoader|CFullLoader)\b|"
                         r"Loader\s*=\s*yaml\.(Loader|UnsafeLoader|FullLoader)")


def python_sources() -> list[Path]:
    files = []
    for folder in ("vocab_tui", "bench", "tools", "tests"):
        files += [p for p in (REPO / folder).rglob("*") if p.is_file() and (
            p.suffix == ".py" or (p.parent.name == "tools" and not p.suffix))]
    return [p for p in files if p.resolve() != Path(__file__).resolve()]


def test_yaml_is_read_only_through_safe_loaders():
    sources = python_sources()
    assert any(p.name == "decks.py" for p in sources)
    found = [f"{p.relative_to(REPO)}:{n}: {line.strip()}"
             for p in sources
             for n, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
             if UNSAFE_YAML.search(line)]
    assert found == []
    # The pattern does catch what it is meant to.
    for bad in ("yaml.load(text)", "yaml.load(f, Loader=yaml.Loader)", "yaml.unsafe_load(x)", "yaml.full_load(x)",
                "loader = yaml.UnsafeLoader", "yaml.CLoader"):
        assert UNSAFE_YAML.search(bad), bad
    for good in ("yaml.safe_load(text)", "yaml.CSafeLoader", "yaml.SafeLoader", "yaml.safe_dump(x)"):
        assert not UNSAFE_YAML.search(good), good


def test_a_value_that_looks_like_an_option_is_hidden_in_the_outline():
    words = {"learners", "add", "--unit", "--db"}
    assert command_outline(["learners", "add", "--", "-Siti"], words) == "vocab-tui learners add -- …"
    assert command_outline(["learners", "add", "Budi", "--unit", "-Bappeda"], words) == (
        "vocab-tui learners add … --unit …")
    assert command_outline(["learners", "add", "-uBappeda", "--nama=Siti"], words) == "vocab-tui learners add … …"
    assert command_outline(["add", "--", "add", "--unit"], words) == "vocab-tui add -- … …"


def test_a_crash_report_holds_no_name_or_unit_given_on_the_command_line(tmp_path):
    log_dir = tmp_path / "logs"
    proc = run_cli("""
        import vocab_tui.store
        def boom(self, name, unit="", **_options):
            raise KeyError(name + unit)
        vocab_tui.store.Store.add_learner = boom
    """, ["learners", "add", "--unit", "-Bappeda", "--db", str(tmp_path / "v.db"), "--", "-Siti Rahma"], log_dir)
    assert proc.returncode == 70, proc.stderr
    text = the_report(log_dir).read_text(encoding="utf-8")
    assert "command: vocab-tui learners add --unit … --db … -- …" in text
    for private in ("Siti", "Rahma", "Bappeda"):
        assert private not in text and private not in proc.stderr


async def test_an_app_crash_while_a_pin_is_typed_reports_no_pin_or_name(workspace, tmp_path, monkeypatch):
    from vocab_tui.ui.app import VocabApp
    from vocab_tui.ui.screens.pins import PinPrompt

    from .conftest import NO_FUZZ

    monkeypatch.setenv("VOCAB_TUI_LOG_DIR", str(tmp_path / "logs"))
    learner = workspace.store.add_learner("Siti Rahma", "Diskominfo")
    workspace.store.set_pin(learner.id, "48151623")
    hashed = workspace.store.db.execute("SELECT pin_hash FROM learners").fetchone()[0]

    said = [hashed, learner.name, learner.unit]

    def boom(learner_id, pin):  # its own lines appear in the report: the data is not written in them
        raise RuntimeError(" ".join([pin, *said]))

    app = VocabApp(workspace, NO_FUZZ)
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("down", "enter")
            await pilot.pause()
            assert isinstance(app.screen, PinPrompt)
            monkeypatch.setattr(workspace.store, "verify_pin", boom)
            await pilot.press(*"48151623", "enter")
            await pilot.pause()
    assert app.crash is not None and app.crash.report is not None
    text = app.crash.report.read_text(encoding="utf-8")
    assert "exception: RuntimeError" in text and "in submitted" in text
    for private in ("48151623", hashed.split("$")[-1], "Siti", "Rahma", "Diskominfo"):
        assert private not in text
