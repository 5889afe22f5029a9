"""Deck files as hostile input: control characters, files that are not regular files, size and
shape limits. Every answer must come quickly, as one clear problem, never as a hang.

Anything that could hang if the loader regressed (named pipes, alias bombs) runs in a
subprocess with a timeout, so a regression fails the test instead of stopping the suite.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from vocab_tui.decks import MAX_DECK_BYTES, Problem, check_deck, deck_files, load_decks, read_deck_file
from vocab_tui.i18n import set_language

from .test_decks import write

REPO = Path(__file__).resolve().parent.parent
HEADER = "deck:\n  id: test\n  title: Test deck\ncards:\n"  # lines 1-4
GOOD_CARD = (
    "  - term: download\n"
    "    translation: unduh\n"
    "    definition: To copy a file from the internet.\n"
    "    example: Download the form.\n"
)
ESC = "\x1b"


@pytest.fixture(autouse=True)
def _english() -> None:
    set_language("en")


def only_problem(path: Path) -> Problem:
    deck, problems = check_deck(path)
    assert deck is None
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def run_python(code: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter; a hang fails the test through the timeout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOCAB_TUI_")}
    env["VOCAB_TUI_LANG"] = "en"
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)


# -- control characters in deck text -----------------------------------------------------------


@pytest.mark.parametrize(
    ("card_lines", "line", "column", "code"),
    [
        # the example: an OSC sequence that sets the terminal's window title
        ('    translation: "\\e]0;PWNED\\a"\n', 6, 19, "U+001B"),
        ('    translation: "unduh \\x1b[2J"\n', 6, 25, "U+001B"),
        ('    translation: "ab\\u009bc"\n', 6, 21, "U+009B"),  # C1: CSI in one character
        ('    translation: "ab\\x7f"\n', 6, 21, "U+007F"),  # DEL
        ('    translation: "nul\\0"\n', 6, 22, "U+0000"),
        ("    translation: 'one\ttwo'\n", 6, 22, "U+0009"),  # a raw tab inside single quotes
        ("    translation: one\ttwo\n", 6, 21, "U+0009"),  # a raw tab inside a plain value
        ('    translation: "é é \\a"\n', 6, 23, "U+0007"),  # columns count characters, not bytes
        ("    translation: 'it''s\tx'\n", 6, 24, "U+0009"),  # after a doubled quote
    ],
    ids=["osc-title", "clear-screen", "c1-csi", "del", "nul", "tab-single-quoted", "tab-plain", "unicode-before",
         "quote-before"],
)
def test_a_control_character_is_refused_at_its_exact_position(tmp_path: Path, card_lines: str, line: int,
                                                                column: int, code: str) -> None:
    path = write(tmp_path, HEADER + "  - term: download\n" + card_lines
                 + "    definition: A definition.\n    example: An example.\n")
    problem = only_problem(path)
    assert (problem.line, problem.column) == (line, column), str(problem)
    assert "'translation'" in problem.message and code in problem.message
    assert ESC not in str(problem) and "\x07" not in str(problem)


def test_the_message_says_what_to_do(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + GOOD_CARD.replace("unduh", '"\\e]0;PWNED\\a"'))
    message = only_problem(path).message
    assert "control character U+001B" in message
    assert "delete it" in message


@pytest.mark.parametrize(
    ("text", "line", "column", "what"),
    [
        ('deck:\n  id: test\n  title: "Test\\e"\ncards:\n' + GOOD_CARD, 3, 15, "'title'"),
        ('deck:\n  id: test\n  title: Test\n  description: "a\\x1b"\ncards:\n' + GOOD_CARD, 4, 18, "'description'"),
        ('deck:\n  id: test\n  title: Test\n  tags: [ok, "b\\ad"]\ncards:\n' + GOOD_CARD, 4, 16, "'tags'"),
        (HEADER + GOOD_CARD + '    tags: [spbe, "x\\e"]\n', 9, 20, "'tags'"),
        (HEADER + GOOD_CARD + '    "no\\ey": value\n', 9, 8, "a key"),
        (HEADER + GOOD_CARD + '    ipa: "/\\x9d/"\n', 9, 12, "'ipa'"),
        (HEADER + GOOD_CARD + '    notes: "fine\\n\\e"\n', 9, 19, "'notes'"),
    ],
    ids=["title", "description", "deck-tag", "card-tag", "key", "ipa", "notes"],
)
def test_every_field_and_key_is_checked(tmp_path: Path, text: str, line: int, column: int, what: str) -> None:
    problem = only_problem(write(tmp_path, text))
    assert (problem.line, problem.column) == (line, column), str(problem)
    assert problem.message.startswith(what), problem.message


def test_a_tab_in_a_block_is_pointed_at_exactly(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + GOOD_CARD + "    notes: |\n      first line\n      second\tline\n")
    problem = only_problem(path)
    assert (problem.line, problem.column) == (11, 13)
    assert "tab (U+0009)" in problem.message and "use a space" in problem.message


def test_a_line_break_is_refused_where_a_field_is_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + GOOD_CARD.replace("unduh\n", "|\n      unduh\n      mengunduh\n"))
    problem = only_problem(path)
    assert (problem.line, problem.column) == (7, 12)  # the end of 'unduh', where the break is
    assert "'translation' must be one line" in problem.message
    assert "definition" in problem.message  # says which fields may have several lines


def test_line_breaks_are_allowed_in_definition_example_and_notes(tmp_path: Path) -> None:
    text = HEADER + (
        "  - term: download\n"
        "    translation: unduh\n"
        "    definition: |\n      To copy a file\n      from the internet.\n"
        '    example: "Download it.\\nThen open it."\n'
        "    notes: |\n      Line one.\n      Line two.\n"
    )
    deck, problems = check_deck(write(tmp_path, text))
    assert problems == []
    card = deck.cards[0]
    assert card.definition == "To copy a file\nfrom the internet."
    assert card.example == "Download it.\nThen open it."
    assert card.notes == "Line one.\nLine two."


def test_a_multi_line_scalar_is_pointed_at_its_start(tmp_path: Path) -> None:
    text = HEADER + GOOD_CARD + '    notes: "first line\n      second \\e line"\n'
    problem = only_problem(write(tmp_path, text))
    assert (problem.line, problem.column) == (9, 12)
    assert "U+001B" in problem.message


def test_spaces_and_line_breaks_around_a_value_are_dropped_not_refused(tmp_path: Path) -> None:
    deck, problems = check_deck(write(tmp_path, HEADER + GOOD_CARD.replace("unduh", '"  unduh\\n"')))
    assert problems == []
    assert deck.cards[0].translation == "unduh"


def test_bundled_decks_hold_no_control_characters() -> None:
    result = load_decks([REPO / "decks"])
    assert result.problems == []
    assert result.decks


def test_problems_never_carry_a_raw_control_character(tmp_path: Path) -> None:
    # the tag of a value is quoted in its message; YAML lets it hold an ESC through %1B
    path = write(tmp_path, HEADER + GOOD_CARD.replace("unduh", "!<tag:yaml.org,2002:str%1B> unduh"),
                 name=f"bad{ESC}]0;x.yaml")
    _deck, problems = check_deck(path)
    assert problems
    for problem in problems:
        assert ESC not in problem.message
        assert ESC not in str(problem)
        assert "\\x1b" in str(problem)  # the file name, shown with a visible escape
        assert problem.path == str(path)  # the data itself is kept, for tools that match paths


def test_a_problem_path_is_shown_with_visible_escapes() -> None:
    assert str(Problem(f"decks/a{ESC}b.yaml", 1, 2, "boom")) == "decks/a\\x1bb.yaml:1:2: boom"


# -- regular files only --------------------------------------------------------------------------


def test_a_named_pipe_in_a_deck_folder_is_skipped_not_waited_on(tmp_path: Path) -> None:
    folder = tmp_path / "decks"
    folder.mkdir()
    write(folder, HEADER + GOOD_CARD, name="a-good.yaml")
    os.mkfifo(folder / "x.yaml")
    os.symlink(folder / "x.yaml", folder / "y.yaml")
    proc = run_python(f"""
        from pathlib import Path
        from vocab_tui.decks import check_deck, load_decks
        result = load_decks([Path({str(folder)!r})])
        print(result.deck_ids)
        for problem in result.problems:
            print(problem)
        print(check_deck(Path({str(folder / "x.yaml")!r})))
    """)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "['test']"
    assert lines[1] == f"{folder / 'x.yaml'}:1:1: not a regular file (a named pipe); skipped"
    assert lines[2] == f"{folder / 'y.yaml'}:1:1: not a regular file (a named pipe); skipped"
    assert "not a regular file (a named pipe)" in lines[3] and lines[3].startswith("(None, [")


def test_a_folder_a_socket_and_a_device_named_yaml_are_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "decks"
    (folder / "folder.yaml").mkdir(parents=True)
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(folder / "socket.yaml"))
        os.symlink("/dev/null", folder / "device.yaml")
        result = load_decks([folder])
    finally:
        server.close()
    messages = {Path(p.path).name: p.message for p in result.problems}
    assert messages == {
        "device.yaml": "not a regular file (a device); skipped",
        "folder.yaml": "not a regular file (a folder); skipped",
        "socket.yaml": "not a regular file (a socket); skipped",
    }


def test_deck_files_lists_entries_without_opening_them(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.yaml")
    (tmp_path / "notes.txt").write_text("not a deck")
    assert deck_files([tmp_path]) == [tmp_path / "x.yaml"]


def test_a_missing_file_is_one_problem(tmp_path: Path) -> None:
    raw, problem = read_deck_file(tmp_path / "gone.yaml")
    assert raw is None
    assert problem is not None and "cannot read the file" in problem.message


# -- size, aliases and nesting -------------------------------------------------------------------


def test_a_file_over_the_limit_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# " + b"x" * MAX_DECK_BYTES)
    problem = only_problem(path)
    assert problem.message == (
        f"the file is too big: {MAX_DECK_BYTES + 2} bytes, and a deck file may be at most {MAX_DECK_BYTES} "
        "bytes (1 MiB); split it into smaller decks"
    )
    assert MAX_DECK_BYTES == 1024 * 1024


def test_a_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "full.yaml"
    path.write_bytes(b"#" * (MAX_DECK_BYTES - 1) + b"\n")
    raw, problem = read_deck_file(path)
    assert problem is None and raw is not None and len(raw) == MAX_DECK_BYTES
    assert "the file is empty" in only_problem(path).message


def test_bytes_over_the_limit_given_directly_are_refused(tmp_path: Path) -> None:
    _deck, problems = check_deck(tmp_path / "x.yaml", b"#" * (MAX_DECK_BYTES + 1))
    assert len(problems) == 1 and "too big" in problems[0].message


def test_load_decks_skips_a_file_over_the_limit(tmp_path: Path) -> None:
    write(tmp_path, HEADER + GOOD_CARD, name="a.yaml")
    (tmp_path / "b.yaml").write_bytes(b"#" * (MAX_DECK_BYTES + 1))
    result = load_decks([tmp_path])
    assert result.deck_ids == ["test"]
    assert [Path(p.path).name for p in result.problems] == ["b.yaml"]
    assert "too big" in result.problems[0].message


def billion_laughs() -> str:
    lines = ["deck:", "  id: lol", "  title: Laughs", "  lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"  lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    lines += ["cards:", "  - *a9: x", "    term: *a9", "    tags: *a9"]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_one_error_at_the_first_alias(tmp_path: Path) -> None:
    path = write(tmp_path, billion_laughs())
    proc = run_python(f"""
        from pathlib import Path
        from vocab_tui.decks import check_deck
        deck, problems = check_deck(Path({str(path)!r}))
        assert deck is None
        for problem in problems:
            print(problem)
    """)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        f"{path}:5:14: '*a0' is a YAML alias; decks may not use aliases: write the value out in full"
    ]


def test_any_alias_is_refused(tmp_path: Path) -> None:
    text = HEADER + GOOD_CARD.replace("unduh", "&t unduh") + GOOD_CARD.replace("download", "upload").replace(
        "unduh", "*t")
    problem = only_problem(write(tmp_path, text))
    assert (problem.line, problem.column) == (10, 18)
    assert "'*t' is a YAML alias" in problem.message


def test_ten_thousand_levels_of_nesting_are_one_error(tmp_path: Path) -> None:
    path = write(tmp_path, "deck: " + "[" * 10_000 + "]" * 10_000 + "\n")
    proc = run_python(f"""
        from pathlib import Path
        from vocab_tui.decks import check_deck
        deck, problems = check_deck(Path({str(path)!r}))
        assert deck is None
        print(len(problems), problems[0].line, problems[0].message)
    """)
    assert proc.returncode == 0, proc.stderr
    count, line, message = proc.stdout.split(" ", 2)
    assert (count, line) == ("1", "1")
    assert "nest" in message


def test_deep_block_nesting_is_one_error_naming_the_limit(tmp_path: Path) -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(30)) + "  " * 30 + "end\n"
    problem = only_problem(write(tmp_path, text))
    assert "more than 10 levels deep" in problem.message
    assert problem.line == 11
