"""An unexpected error is a failure: exit 70, one short line, a report without personal data."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest

from vocab_tui.clock import FixedClock
from vocab_tui.crash import CRASH_EXIT_CODE, command_outline, report_text, write_report
from vocab_tui.models import LearnerSettings
from vocab_tui.store import Store
from vocab_tui.ui.app import VocabApp
from vocab_tui.ui.screens.drill import DrillScreen

from .conftest import FIXTURES, NO_FUZZ

REPO = Path(__file__).resolve().parent.parent
SECRET = "Siti Rahma typed rahasia123"  # stands for a name, a unit or an answer in a message
NOW = datetime(2026, 11, 2, 2, 0, tzinfo=timezone.utc)


def run_cli(code: str, args: list[str], log_dir: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    """Run `code` (which patches something to fail), then `vocab_tui.cli.main(args)`, in a fresh process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VOCAB_TUI_", "TEXTUAL_"))}
    env.update({"VOCAB_TUI_LANG": "en", "VOCAB_TUI_LOG_DIR": str(log_dir),
                "VOCAB_TUI_CONFIG": str(log_dir.parent / "no-config.toml"), **extra_env})
    script = textwrap.dedent(code) + "\nfrom vocab_tui.cli import main\nmain(sys.argv[1:])\n"
    return subprocess.run([sys.executable, "-c", "import sys\n" + script, *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def the_report(log_dir: Path) -> Path:
    reports = list(log_dir.iterdir())
    assert len(reports) == 1, reports
    return reports[0]


def raise_secret(*_args, **_kwargs):
    raise RuntimeError(SECRET)


# -- the command line ------------------------------------------------------------------------


def test_a_command_that_fails_exits_70_with_one_line_and_a_private_report(tmp_path: Path) -> None:
    log_dir = tmp_path / "logs"
    proc = run_cli("""
        import vocab_tui.store
        def boom(self, name, unit="", **_options):
            raise KeyError(f"{name} / {unit} / {name!r}")
        vocab_tui.store.Store.add_learner = boom
    """, ["learners", "add", "Siti Rahma", "--unit", "Diskominfo", "--db", str(tmp_path / "v.db")], log_dir)

    assert proc.returncode == CRASH_EXIT_CODE
    assert proc.stdout == ""
    [line] = proc.stderr.splitlines()
    report = the_report(log_dir)
    assert line == (f"vocab-tui stopped after an unexpected error (KeyError); your answers are saved. "
                    f"Report: {report}")
    assert "Traceback" not in proc.stderr and "Siti" not in proc.stderr

    assert stat.S_IMODE(log_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    text = report.read_text(encoding="utf-8")
    assert "command: vocab-tui learners add … --unit … --db …" in text
    assert "exception: KeyError" in text
    assert 'File "vocab_tui/cli.py"' in text and "in learners_add" in text
    assert "in boom" in text and "vocab-tui 0.1.0" in text
    for private in ("Siti", "Rahma", "Diskominfo", str(tmp_path)):
        assert private not in text


def test_a_crash_while_listing_decks_is_reported_too(tmp_path: Path) -> None:
    log_dir = tmp_path / "logs"
    proc = run_cli(f"""
        import vocab_tui.cli
        def boom(*args, **kwargs):
            raise ValueError({SECRET!r})
        vocab_tui.cli.load_decks = boom
    """, ["decks", "list"], log_dir)
    assert proc.returncode == CRASH_EXIT_CODE
    assert len(proc.stderr.splitlines()) == 1 and "(ValueError)" in proc.stderr
    text = the_report(log_dir).read_text(encoding="utf-8")
    assert "exception: ValueError" in text and "in decks_list" in text
    assert "rahasia" not in text


def test_ctrl_c_exits_130_quietly_without_a_report(tmp_path: Path) -> None:
    log_dir = tmp_path / "logs"
    proc = run_cli("""
        import vocab_tui.cli
        def interrupted(*args, **kwargs):
            raise KeyboardInterrupt
        vocab_tui.cli.load_decks = interrupted
    """, ["decks", "list"], log_dir)
    assert proc.returncode == 130
    assert proc.stdout == ""
    assert proc.stderr.strip() == ""
    assert not log_dir.exists()


def test_when_the_report_cannot_be_written_the_line_says_why(tmp_path: Path) -> None:
    blocker = tmp_path / "logs"
    blocker.write_text("a file where the log folder should be")
    proc = run_cli("""
        import vocab_tui.cli
        def boom(*args, **kwargs):
            raise OSError(5, "disk on fire")
        vocab_tui.cli.load_decks = boom
    """, ["decks", "list"], blocker)
    assert proc.returncode == CRASH_EXIT_CODE
    [line] = proc.stderr.splitlines()
    assert line.startswith("vocab-tui stopped after an unexpected error (OSError); your answers are saved. "
                           "The report could not be written: ")
    assert "disk on fire" not in line


def test_the_line_is_in_the_interface_language(tmp_path: Path) -> None:
    from vocab_tui import i18n

    log_dir = tmp_path / "logs"
    proc = run_cli("""
        import vocab_tui.cli
        def boom(*args, **kwargs):
            raise RuntimeError("x")
        vocab_tui.cli.load_decks = boom
    """, ["decks", "list"], log_dir, VOCAB_TUI_LANG="id")
    assert proc.returncode == CRASH_EXIT_CODE
    i18n.set_language("id")
    expected = i18n._("vocab-tui stopped after an unexpected error ({kind}); your answers are saved. "
                      "Report: {path}").format(kind="RuntimeError", path=the_report(log_dir))
    assert proc.stderr.splitlines() == [expected]
    assert "unexpected error" not in expected


# -- the report itself -----------------------------------------------------------------------


def test_the_report_keeps_types_and_frames_of_linked_errors_but_no_messages() -> None:
    def inner() -> None:
        raise ValueError(SECRET)

    try:
        try:
            inner()
        except ValueError as err:
            raise RuntimeError(f"while saving {SECRET}") from err
    except RuntimeError as err:
        text = report_text(err, "vocab-tui (app)", FixedClock(NOW))
    assert "exception: RuntimeError" in text
    assert "linked exception: ValueError" in text
    assert "in inner" in text and 'File "tests/test_crash.py"' not in text  # not inside the package
    assert "test_crash.py" in text
    assert "time: 2026-11-02T02:00:00+00:00" in text
    assert "rahasia" not in text and "Siti" not in text


def test_the_command_outline_hides_every_value() -> None:
    words = {"vocab-tui", "learners", "add", "decks", "check", "--unit", "--db"}
    assert command_outline(["learners", "add", "Siti", "--unit", "Diskominfo", "--db=/home/siti/v.db"], words) == (
        "vocab-tui learners add … --unit … --db=…")
    assert command_outline(["decks", "check", "decks/siti.yaml"], words) == "vocab-tui decks check …"


def test_reports_do_not_overwrite_each_other(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOCAB_TUI_LOG_DIR", str(tmp_path / "logs"))
    first = write_report(RuntimeError("a"), "vocab-tui", FixedClock(NOW))
    second = write_report(RuntimeError("b"), "vocab-tui", FixedClock(NOW))
    assert first.report and second.report and first.report != second.report
    assert first.report.name.startswith("crash-20261102T020000Z-")


# -- the app ---------------------------------------------------------------------------------


def studying_learner(store: Store):
    learner = store.add_learner("Siti Rahma", "Diskominfo")
    return store.update_settings(learner.id, LearnerSettings(default_mode="recognition"))


async def test_a_crash_in_the_app_keeps_every_answer_and_writes_a_private_report(
        workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("VOCAB_TUI_LOG_DIR", str(tmp_path / "logs"))
    learner = studying_learner(workspace.store)
    reveal = DrillScreen.action_reveal
    reveals = []

    def reveal_then_fail(screen: DrillScreen) -> None:
        reveals.append(screen)
        if len(reveals) == 3:
            raise RuntimeError(f"{SECRET} {learner.name}")
        reveal(screen)

    monkeypatch.setattr(DrillScreen, "action_reveal", reveal_then_fail)
    app = VocabApp(workspace, NO_FUZZ)
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("down", "enter", "enter")  # Siti, then study all decks
            await pilot.press("space", "4", "space", "3")
            await pilot.press("space")  # the third reveal fails
            await pilot.pause()

    assert app.return_code == CRASH_EXIT_CODE
    assert app.crash is not None and app.crash.kind == "RuntimeError"
    report = app.crash.report
    assert report is not None and report.parent == tmp_path / "logs"
    text = report.read_text(encoding="utf-8")
    assert "in reveal_then_fail" in text
    assert "Siti" not in text and "rahasia" not in text and "Diskominfo" not in text
    # Textual's own report (a traceback with every local variable) is not printed
    printed = capsys.readouterr()
    assert "Siti" not in printed.out + printed.err
    assert str(report) in app.crash.message()

    other = Store(workspace.store.path, workspace.clock)
    try:
        assert [r["rating"] for r in other.reviews(learner.id)] == [4, 3]
    finally:
        other.close()


def test_the_real_app_exits_70_after_a_crash_and_keeps_the_answers(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    store = Store(db, FixedClock(NOW))
    learner = studying_learner(store)
    store.close()
    log_dir = tmp_path / "logs"
    proc = run_cli(f"""
        from vocab_tui.ui.screens.drill import DrillScreen
        reveal, reveals = DrillScreen.action_reveal, []
        def reveal_then_fail(screen):
            reveals.append(screen)
            if len(reveals) == 3:
                raise RuntimeError({SECRET!r})
            reveal(screen)
        DrillScreen.action_reveal = reveal_then_fail
    """, ["--db", str(db), "--decks", str(FIXTURES)], log_dir,
        TEXTUAL_DRIVER="textual.drivers.headless_driver:HeadlessDriver",
        TEXTUAL_PRESS="down,enter,enter,space,4,space,3,space")

    assert proc.returncode == CRASH_EXIT_CODE, proc.stderr
    report = the_report(log_dir)
    assert proc.stderr.splitlines()[-1] == (
        f"vocab-tui stopped after an unexpected error (RuntimeError); your answers are saved. Report: {report}")
    assert "Traceback" not in proc.stderr and "Siti" not in proc.stdout + proc.stderr
    assert "rahasia" not in report.read_text(encoding="utf-8")
    store = Store(db, FixedClock(NOW))
    try:
        assert [r["rating"] for r in store.reviews(learner.id)] == [4, 3]
    finally:
        store.close()
