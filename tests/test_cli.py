"""Tests of the click command line (`vocab_tui.cli.build_cli`)."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from vocab_tui.cli import build_cli
from vocab_tui.i18n import set_language

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "tests" / "fixtures"
PROBLEM_LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning): (?P<message>.+)$")

GOOD_DECK = (
    "deck:\n"
    "  id: good\n"
    "  title: Good deck\n"
    "cards:\n"
    "  - term: download\n"
    "    translation: unduh\n"
    "    definition: To copy a file from the internet.\n"
    "    example: Download the form.\n"
)
BROKEN_DECK = (
    "deck:\n"
    "  id: broken\n"
    "  title: Broken deck\n"
    "cards:\n"
    "  - term: yes\n"  # 5:11 must be text
    "    translation: ya\n"
    "    definition: A word for agreeing.\n"
    "    example: Yes, I will come.\n"
    "    level: D1\n"  # 9:12 not a CEFR level
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("VOCAB_TUI_DB", "VOCAB_TUI_DECKS", "VOCAB_TUI_LANG"):
        monkeypatch.delenv(var, raising=False)
    set_language("en")


def invoke(args: list[str], **kwargs) -> Result:
    return CliRunner().invoke(build_cli(), args, **kwargs)


def assert_clean_exit(result: Result, code: int) -> None:
    """Exit with `code` through sys.exit, never through an uncaught exception."""
    assert result.exit_code == code, (result.output, result.exception)
    if code == 0:
        assert result.exception is None
    else:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


@pytest.fixture
def broken_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "a-good.yaml").write_text(GOOD_DECK, encoding="utf-8")
    (folder / "b-broken.yaml").write_text(BROKEN_DECK, encoding="utf-8")
    return folder


# -- decks check -----------------------------------------------------------------------------


def test_decks_check_fixtures_has_no_problems() -> None:
    result = invoke(["decks", "check", str(FIXTURES)])
    assert_clean_exit(result, 0)
    assert result.stdout == ""
    assert "1 file checked" in result.stderr
    assert "no problems" in result.stderr


def test_decks_check_broken_folder_prints_one_line_per_problem(broken_folder: Path) -> None:
    result = invoke(["decks", "check", str(broken_folder)])
    assert_clean_exit(result, 1)

    broken = str(broken_folder / "b-broken.yaml")
    lines = result.stdout.splitlines()
    assert len(lines) == 2, result.stdout
    parsed = [PROBLEM_LINE.match(line) for line in lines]
    assert all(parsed), lines
    assert [(m["path"], int(m["line"]), int(m["column"])) for m in parsed] == [(broken, 5, 11), (broken, 9, 12)]
    assert "'term' must be text" in parsed[0]["message"]
    assert "level 'D1'" in parsed[1]["message"]
    # the summary goes to stderr, so stdout stays machine-readable
    assert "2 files checked: 2 errors in 1 file" in result.stderr


def test_decks_check_a_single_file(broken_folder: Path) -> None:
    result = invoke(["decks", "check", str(broken_folder / "a-good.yaml")])
    assert_clean_exit(result, 0)
    assert "no problems" in result.stderr


def test_decks_check_missing_path_is_a_usage_error() -> None:
    result = invoke(["decks", "check", "/no/such/path"])
    assert result.exit_code == 2
    assert "/no/such/path" in result.stderr
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.output


# -- decks list ------------------------------------------------------------------------------


def test_decks_list_with_extra_folder_shows_the_mini_deck() -> None:
    result = invoke(["decks", "list", "--decks", str(FIXTURES)])
    assert_clean_exit(result, 0)
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["ID", "TITLE", "CARDS", "FILE"]
    mini = [row for row in rows if row.startswith("mini ")]
    assert len(mini) == 1, result.stdout
    assert re.match(r"^mini\s+Mini deck\s+8\s+\S*mini\.yaml$", mini[0]), mini[0]


def test_decks_list_skips_a_broken_deck_and_lists_the_good_one(broken_folder: Path) -> None:
    result = invoke(["decks", "list", "--decks", str(broken_folder)])
    assert_clean_exit(result, 0)
    assert re.search(r"^good\s+Good deck\s+1\s", result.stdout, re.MULTILINE), result.stdout
    deck_ids = [line.split()[0] for line in result.stdout.splitlines()[1:-1]]
    assert "good" in deck_ids and "broken" not in deck_ids
    broken = str(broken_folder / "b-broken.yaml")
    assert f"{broken}:5:11: " in result.stderr
    assert f"{broken}:9:12: " in result.stderr
    assert "1 deck file was skipped" in result.stderr


# -- learners --------------------------------------------------------------------------------


def test_learners_add_then_list(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    added = invoke(["learners", "add", "Siti Rahma", "--unit", "Diskominfo", "--db", str(db)])
    assert_clean_exit(added, 0)
    assert "Siti Rahma" in added.stdout and "Diskominfo" in added.stdout
    assert db.is_file()

    listed = invoke(["learners", "list", "--db", str(db)])
    assert_clean_exit(listed, 0)
    assert re.search(r"^1\s+Siti Rahma\s+Diskominfo\s+learner\s+\d{4}-\d{2}-\d{2}$", listed.stdout, re.MULTILINE), listed.stdout


def test_learners_list_on_a_new_database_says_how_to_add_one(tmp_path: Path) -> None:
    result = invoke(["learners", "list", "--db", str(tmp_path / "new.db")])
    assert_clean_exit(result, 0)
    assert "No learners yet" in result.stdout
    assert "learners add" in result.stdout


def test_learner_without_a_name_is_an_error(tmp_path: Path) -> None:
    result = invoke(["learners", "add", "   ", "--db", str(tmp_path / "v.db")])
    assert_clean_exit(result, 1)
    assert result.stderr.splitlines() == ["Error: A learner needs a name"]


def test_db_option_given_to_the_group(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    assert_clean_exit(invoke(["--db", str(db), "learners", "add", "Siti Rahma", "--unit", "Diskominfo"]), 0)
    result = invoke(["--db", str(db), "learners", "list"])
    assert_clean_exit(result, 0)
    assert re.search(r"Siti Rahma\s+Diskominfo", result.stdout), result.stdout


def test_subcommand_db_option_wins_over_the_group(tmp_path: Path) -> None:
    group_db, command_db = tmp_path / "group.db", tmp_path / "command.db"
    assert_clean_exit(invoke(["learners", "add", "Siti Rahma", "--db", str(group_db)]), 0)
    result = invoke(["--db", str(group_db), "learners", "list", "--db", str(command_db)])
    assert_clean_exit(result, 0)
    assert "Siti Rahma" not in result.stdout
    assert "No learners yet" in result.stdout


def test_db_from_environment_variable(tmp_path: Path) -> None:
    db = tmp_path / "env.db"
    env = {"VOCAB_TUI_DB": str(db)}
    assert_clean_exit(invoke(["learners", "add", "Siti Rahma", "--unit", "Diskominfo"], env=env), 0)
    assert db.is_file()
    result = invoke(["learners", "list"], env=env)
    assert_clean_exit(result, 0)
    assert re.search(r"Siti Rahma\s+Diskominfo", result.stdout), result.stdout


def _parent_is_a_file(tmp_path: Path) -> tuple[Path, Path, bytes]:
    blocker = tmp_path / "notes.txt"
    blocker.write_bytes(b"just a text file\n")
    return blocker / "v.db", blocker, blocker.read_bytes()


def _garbage_file(tmp_path: Path) -> tuple[Path, Path, bytes]:
    garbage = tmp_path / "v.db"
    garbage.write_bytes(b"This is not a SQLite database, just some bytes.\n" * 100)
    return garbage, garbage, garbage.read_bytes()


def _a_folder(tmp_path: Path) -> tuple[Path, Path, bytes | None]:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder, folder, None


@pytest.mark.parametrize("make", [_parent_is_a_file, _garbage_file, _a_folder], ids=["parent-is-file", "garbage", "folder"])
@pytest.mark.parametrize("command", [["learners", "list"], ["learners", "add", "Siti Rahma"]], ids=["list", "add"])
def test_unusable_database_is_one_clear_error(tmp_path: Path, make, command: list[str]) -> None:
    db, existing, before = make(tmp_path)

    result = invoke([*command, "--db", str(db)])

    assert_clean_exit(result, 1)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert str(existing) in lines[0]
    if before is not None:
        assert existing.read_bytes() == before, "the user's file was changed"


# -- the real entry point --------------------------------------------------------------------


def test_python_dash_m_entry_point() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOCAB_TUI_")}
    env["VOCAB_TUI_LANG"] = "en"
    proc = subprocess.run(
        [sys.executable, "-m", "vocab_tui", "decks", "check", "tests/fixtures"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "no problems" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


# -- nothing reaches the terminal as a control code ------------------------------------------

ESC = "\x1b"
TITLE_ATTACK = f"{ESC}]0;PWNED\x07"  # an OSC sequence that sets the terminal's window title


def assert_no_raw_controls(text: str) -> None:
    assert ESC not in text and "\x07" not in text, repr(text)


def run_main(args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
             tmp_path: Path) -> tuple[int, str, str]:
    """The real entry point (`vocab_tui.cli.main`, as the `vocab-tui` script runs it), in this process."""
    from vocab_tui.cli import main

    monkeypatch.setenv("VOCAB_TUI_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("VOCAB_TUI_LANG", "en")
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out = capsys.readouterr()
    return exit_info.value.code, out.out, out.err


def test_decks_list_shows_a_file_name_holding_esc_with_visible_escapes(tmp_path: Path) -> None:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / f"good{TITLE_ATTACK}.yaml").write_text(GOOD_DECK, encoding="utf-8")
    (folder / f"broken{TITLE_ATTACK}.yaml").write_text(BROKEN_DECK, encoding="utf-8")

    result = invoke(["decks", "list", "--decks", str(folder)])

    assert_clean_exit(result, 0)
    assert_no_raw_controls(result.stdout + result.stderr)
    shown = f"{folder}/good\\x1b]0;PWNED\\x07.yaml"
    assert re.search(r"^good\s+Good deck\s+1\s+" + re.escape(shown) + "$", result.stdout, re.MULTILINE), result.stdout
    assert f"{folder}/broken\\x1b]0;PWNED\\x07.yaml:5:11: " in result.stderr


def test_decks_check_reports_esc_in_a_file_and_in_its_name_visibly(tmp_path: Path) -> None:
    path = tmp_path / f"deck{TITLE_ATTACK}.yaml"
    path.write_text(GOOD_DECK.replace("unduh", '"\\e]0;PWNED\\a"'), encoding="utf-8")

    result = invoke(["decks", "check", str(tmp_path)])

    assert_clean_exit(result, 1)
    assert_no_raw_controls(result.stdout + result.stderr)
    [line] = result.stdout.splitlines()
    match = PROBLEM_LINE.match(line)
    assert match, line
    assert match["path"] == f"{tmp_path}/deck\\x1b]0;PWNED\\x07.yaml"
    assert (int(match["line"]), int(match["column"])) == (6, 19)
    assert "U+001B" in match["message"]


def test_decks_list_skips_a_deck_holding_esc_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "evil.yaml").write_text(GOOD_DECK.replace("id: good", "id: evil").replace(
        "Good deck", '"Evil \\e]0;PWNED\\a"'), encoding="utf-8")
    result = invoke(["decks", "list", "--decks", str(tmp_path)])
    assert_clean_exit(result, 0)
    assert_no_raw_controls(result.stdout + result.stderr)
    assert "evil" not in result.stdout
    assert f"{tmp_path / 'evil.yaml'}:3:16: 'title' contains the control character U+001B" in result.stderr


def test_learners_list_shows_names_from_the_database_with_visible_escapes(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "v.db"
    assert_clean_exit(invoke(["learners", "add", "Siti Rahma", "--unit", "Diskominfo", "--db", str(db)]), 0)
    # written by another program (or an older version) straight into the file
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO learners (name, unit, created_at) VALUES (?, ?, ?)",
                     (f"Agus{TITLE_ATTACK}", f"Bappeda{ESC}[2J", "2026-11-02T02:00:00.000+00:00"))
    conn.close()

    result = invoke(["learners", "list", "--db", str(db)])

    assert_clean_exit(result, 0)
    assert_no_raw_controls(result.stdout)
    rows = result.stdout.splitlines()
    agus = next(row for row in rows if row.startswith("2 "))
    siti = next(row for row in rows if row.startswith("1 "))
    assert "Agus\\x1b]0;PWNED\\x07" in agus and "Bappeda\\x1b[2J" in agus
    # columns are measured on what is printed, so they still line up
    assert rows[0].index("UNIT") == agus.index("Bappeda") == siti.index("Diskominfo")


def test_learners_add_never_echoes_a_raw_esc(tmp_path: Path) -> None:
    result = invoke(["learners", "add", f"Agus{TITLE_ATTACK}", "--unit", f"Bappeda{ESC}[2J",
                     "--db", str(tmp_path / "v.db")])
    assert result.exit_code == 1, result.output  # refused: names and units hold no control characters
    assert_no_raw_controls(result.stdout + result.stderr)
    assert result.stderr.startswith("Error: The name holds a control character (U+001B) at position 5")


def test_a_config_value_holding_esc_is_warned_about_with_visible_escapes(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('theme = "\\u001b]0;PWNED\\u0007"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOCAB_TUI_")}
    env.update(VOCAB_TUI_CONFIG=str(config), VOCAB_TUI_LANG="en")
    proc = subprocess.run([sys.executable, "-m", "vocab_tui", "decks", "check", str(FIXTURES)], cwd=REPO_ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert_no_raw_controls(proc.stdout + proc.stderr)
    assert "'theme' must be one of default, high-contrast, ansi, not '\\x1b]0;PWNED\\x07'" in proc.stderr


def test_click_usage_errors_quote_what_was_typed_with_visible_escapes(tmp_path: Path, capsys, monkeypatch) -> None:
    code, out, err = run_main(["decks", "list", TITLE_ATTACK], capsys, monkeypatch, tmp_path)
    assert code == 2
    assert_no_raw_controls(out + err)
    assert "Got unexpected extra argument (\\x1b]0;PWNED\\x07)" in err
    assert err.startswith("Usage: vocab-tui decks list")


def test_the_entry_point_exits_with_the_command_code(tmp_path: Path, capsys, monkeypatch) -> None:
    assert run_main(["decks", "check", str(FIXTURES)], capsys, monkeypatch, tmp_path)[0] == 0
    assert run_main(["--help"], capsys, monkeypatch, tmp_path)[0] == 0
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "b.yaml").write_text(BROKEN_DECK, encoding="utf-8")
    code, out, _err = run_main(["decks", "check", str(folder)], capsys, monkeypatch, tmp_path)
    assert code == 1 and out.count("b.yaml:") == 2


# -- named pipes never make a command wait -----------------------------------------------------


def run_with_timeout(args: list[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOCAB_TUI_")}
    env["VOCAB_TUI_LANG"] = "en"
    return subprocess.run([sys.executable, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def folder_with_a_pipe(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "a-good.yaml").write_text(GOOD_DECK, encoding="utf-8")
    os.mkfifo(folder / "x.yaml")
    return folder


def test_decks_check_skips_a_named_pipe(folder_with_a_pipe: Path) -> None:
    proc = run_with_timeout(["-m", "vocab_tui", "decks", "check", str(folder_with_a_pipe)])
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == [f"{folder_with_a_pipe / 'x.yaml'}:1:1: error: not a regular file (a named pipe); skipped"]
    assert "2 files checked: 1 error in 1 file" in proc.stderr


def test_decks_check_given_the_pipe_itself(folder_with_a_pipe: Path) -> None:
    proc = run_with_timeout(["-m", "vocab_tui", "decks", "check", str(folder_with_a_pipe / "x.yaml")])
    assert proc.returncode == 1, proc.stderr
    assert "not a regular file (a named pipe)" in proc.stdout


def test_decks_list_skips_a_named_pipe(folder_with_a_pipe: Path) -> None:
    proc = run_with_timeout(["-m", "vocab_tui", "decks", "list", "--decks", str(folder_with_a_pipe)])
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"^good\s+Good deck\s+1\s", proc.stdout, re.MULTILINE), proc.stdout
    assert f"{folder_with_a_pipe / 'x.yaml'}:1:1: not a regular file (a named pipe); skipped" in proc.stderr
    assert "1 deck file was skipped" in proc.stderr


def test_the_app_start_skips_a_named_pipe(folder_with_a_pipe: Path, tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path\n"
        "from vocab_tui.clock import SystemClock\n"
        "from vocab_tui.workspace import open_workspace\n"
        "ws = open_workspace(Path(sys.argv[1]), [Path(sys.argv[2])], SystemClock())\n"
        "print(ws.deck_ids); print(ws.skipped)\n"
    )
    proc = run_with_timeout(["-c", code, str(tmp_path / "v.db"), str(folder_with_a_pipe)])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["['good']", f"[{str(folder_with_a_pipe / 'x.yaml')!r}]"]


# -- usage errors in the interface language, naming what the user set ---------------------------


def run_entry(argv: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> tuple[int, str]:
    """The real entry point in this process: (exit code, what was written to stderr)."""
    from vocab_tui.cli import main

    monkeypatch.setenv("VOCAB_TUI_CONFIG", str(tmp_path / "no-config.toml"))
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    stderr = __import__("io").StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    return int(exit_info.value.code or 0), stderr.getvalue()


def test_unknown_lang_option_is_refused_in_the_terminals_language(monkeypatch, tmp_path) -> None:
    code, err = run_entry(["--lang", "fr", "learners", "list", "--db", str(tmp_path / "v.db")], monkeypatch,
                         tmp_path, LANG="id_ID.UTF-8")
    assert code == 2
    assert "Kesalahan: Nilai tidak valid untuk '--lang': 'fr'" in err
    assert "Invalid value" not in err


def test_unknown_language_in_the_environment_names_the_variable(monkeypatch, tmp_path) -> None:
    code, err = run_entry(["learners", "list", "--db", str(tmp_path / "v.db")], monkeypatch, tmp_path,
                         VOCAB_TUI_LANG="xx", LANG="en_US.UTF-8")
    assert code == 2
    assert "Error: Invalid value for the environment variable VOCAB_TUI_LANG: 'xx'" in err
    assert "--lang" not in err.split("Error:")[1]
    code, err = run_entry(["learners", "list", "--db", str(tmp_path / "v.db")], monkeypatch, tmp_path,
                         VOCAB_TUI_LANG="xx")  # a terminal naming no language: Bahasa Indonesia
    assert "Nilai tidak valid untuk variabel lingkungan VOCAB_TUI_LANG: 'xx'" in err


def test_deck_folder_from_the_environment_is_named_when_it_is_a_file(monkeypatch, tmp_path) -> None:
    a_file = tmp_path / "decks.txt"
    a_file.write_text("not a folder", encoding="utf-8")
    code, err = run_entry(["decks", "list"], monkeypatch, tmp_path, VOCAB_TUI_DECKS=str(a_file),
                         VOCAB_TUI_LANG="en")
    assert code == 2
    assert "Invalid value for the environment variable VOCAB_TUI_DECKS" in err
    assert "--decks" not in err.split("Error:")[1]


def test_language_names_are_accepted_in_any_case(monkeypatch, tmp_path, capsys) -> None:
    code, _err = run_entry(["--lang", "ID", "learners", "list", "--db", str(tmp_path / "v.db")], monkeypatch,
                          tmp_path)
    assert code == 0
    assert "Belum ada" in capsys.readouterr().out


def test_tables_line_up_names_with_wide_and_combining_characters(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    for name, unit in (("Rina 😀 Wati", "Diskominfo"), ("Budi", "Bappeda"), ("Ana 名字 e\u0301", "Dinas Kesehatan")):
        assert invoke(["learners", "add", name, "--unit", unit, "--db", str(db)]).exit_code == 0
    out = invoke(["learners", "list", "--db", str(db)])
    assert out.exit_code == 0, out.output
    from rich.cells import cell_len

    lines = [line for line in out.output.splitlines() if line.strip()]
    starts = {cell_len(line[:line.index(unit)]) for line in lines
              for unit in ("Diskominfo", "Bappeda", "Dinas Kesehatan") if unit in line}
    assert len(starts) == 1, out.output  # the unit column begins at the same terminal column on every row


def test_decks_list_reads_unchanged_decks_from_the_database_and_parses_a_changed_one(tmp_path: Path) -> None:
    from vocab_tui.clock import SystemClock
    from vocab_tui.workspace import open_workspace

    from .helpers import write_deck

    folder = tmp_path / "decks"
    for deck_id, n in (("alpha", 3), ("beta", 4), ("gamma", 5)):
        write_deck(folder, deck_id, n, title=f"{deck_id.title()} deck")
    db = tmp_path / "v.db"
    open_workspace(db, [folder], SystemClock()).store.close()  # every file stored as it is

    def listed() -> list[list[str]]:
        result = invoke(["decks", "list", "--db", str(db), "--decks", str(folder)])
        assert_clean_exit(result, 0)
        return [line.split()[:3] for line in result.stdout.splitlines()[1:] if "deck" in line and "/" in line
                and (folder.name in line)]

    assert [row for row in listed() if row[0] in ("alpha", "beta", "gamma")] == [
        ["alpha", "Alpha", "deck"], ["beta", "Beta", "deck"], ["gamma", "Gamma", "deck"]]
    write_deck(folder, "beta", 7, title="Beta again")  # changed after the sync: parsed, in file order
    result = invoke(["decks", "list", "--db", str(db), "--decks", str(folder)])
    assert_clean_exit(result, 0)
    rows = [line.split() for line in result.stdout.splitlines() if str(folder) in line]
    assert [(r[0], r[-2]) for r in rows] == [("alpha", "3"), ("beta", "7"), ("gamma", "5")], result.stdout
    assert "Beta again" in result.stdout


def test_restore_refuses_a_file_it_cannot_use_before_asking(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    assert invoke(["learners", "add", "Budi", "--unit", "Bappeda", "--db", str(db)]).exit_code == 0
    notes = tmp_path / "notes.txt"
    notes.write_text("hello " * 50)
    result = invoke(["restore", str(notes), "--db", str(db)], input="y\n")
    assert result.exit_code == 1
    assert "Restore?" not in result.output and "not a vocab-tui database" in result.output
    assert "--db" not in result.stderr


@pytest.mark.parametrize(("typed", "erased"), [("ya\n", True), ("Y\n", True), ("tidak\n", False), ("t\n", False),
                                               ("\n", False), ("mungkin\nyes\n", True)])
def test_questions_take_yes_and_no_in_indonesian_and_english(tmp_path: Path, typed: str, erased: bool) -> None:
    db = tmp_path / "v.db"
    assert invoke(["learners", "add", "Budi", "--unit", "Bappeda", "--db", str(db)]).exit_code == 0
    result = invoke(["learners", "remove", "1", "--db", str(db)], input=typed)
    assert result.exit_code == (0 if erased else 1), result.output
    assert ("Budi" in invoke(["learners", "list", "--db", str(db)]).stdout) is not erased
    if "mungkin" in typed:
        assert "Answer y (yes) or n (no)." in result.output


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200b", "\ufeff"])
def test_a_name_that_would_look_like_another_is_refused(tmp_path: Path, char: str) -> None:
    db = tmp_path / "v.db"
    result = invoke(["learners", "add", f"Ahmad {char}kebalik", "--unit", "Bappeda", "--db", str(db)])
    assert result.exit_code == 1 and f"U+{ord(char):04X}" in result.output and "position 7" in result.output
    emoji = invoke(["learners", "add", "Dewi \U0001F469\u200d\U0001F4BB", "--unit", "Bappeda", "--db", str(db)])
    assert emoji.exit_code == 0  # the joiner inside an emoji is not one


def test_printed_text_shows_reordering_characters_as_escapes() -> None:
    from vocab_tui.text import visible

    assert visible("Ahmad \u202ekebalik") == "Ahmad \\u202ekebalik"


def test_decks_list_only_reads_the_database(tmp_path: Path) -> None:
    from vocab_tui.clock import SystemClock
    from vocab_tui.store import DeckShelf
    from vocab_tui.workspace import open_workspace

    from .helpers import write_deck

    folder = tmp_path / "decks"
    write_deck(folder, "alpha", 3, title="Alpha deck")
    db = tmp_path / "v.db"
    open_workspace(db, [folder], SystemClock()).store.close()
    files = sorted(tmp_path.glob("v.db*"))
    before = {f: f.stat().st_mtime_ns for f in files}
    shelf = DeckShelf(db)
    assert [deck_id for _hash, deck_id in shelf.deck_sources().values()] == ["alpha"]
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        shelf.conn.execute("CREATE TABLE x (y)")  # the shelf cannot write, whatever a command would try
    shelf.close()
    result = invoke(["decks", "list", "--db", str(db), "--decks", str(folder)])
    assert_clean_exit(result, 0)
    assert re.search(r"^alpha\s+Alpha deck\s+3\s", result.stdout, re.M), result.stdout
    assert {f: f.stat().st_mtime_ns for f in files if f.exists()} == {f: t for f, t in before.items() if f.exists()}
