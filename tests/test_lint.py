"""The deck linter (`vocab_tui.lint`): one small YAML file per kind of problem, at its exact line and column.

Each text starts with the 4-line HEADER, so the first card starts on line 5. Lines and columns
are 1-based, in characters, as an editor shows them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from vocab_tui.decks import ERROR, WARNING, Problem, bundled_decks_dir, load_decks
from vocab_tui.i18n import set_language
from vocab_tui.lint import MAX_PER_FILE, LintReport, lint_files, lint_paths

from .conftest import REPO

HEADER = (
    "deck:\n"  # 1
    "  id: test\n"  # 2
    "  title: Test deck\n"  # 3
    "cards:\n"  # 4
)


def card(term: str = "download", example: str = "Download the form.", extra: str = "", **fields: str) -> str:
    """A valid card of 4 lines (term on the first), then `fields` and `extra` lines."""
    text = (
        f"  - term: {term}\n"
        f"    translation: {fields.pop('translation', 'unduh')}\n"
        "    definition: To copy a file from the internet.\n"
        f"    example: {example}\n"
    )
    return text + "".join(f"    {key}: {value}\n" for key, value in fields.items()) + extra


def write(folder: Path, text: str, name: str = "deck.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def lint(path: Path) -> list[Problem]:
    return lint_files([path]).problems


def only(problems: list[Problem], code: str) -> Problem:
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, [p.formatted() for p in problems]
    return found[0]


def at(problem: Problem) -> tuple[int, int, str]:
    return problem.line, problem.column, problem.severity


# -- a clean deck ----------------------------------------------------------------------------


def test_a_clean_deck_has_no_problems(tmp_path: Path) -> None:
    assert lint(write(tmp_path, HEADER + card())) == []


def test_the_bundled_decks_are_clean() -> None:
    report = lint_paths([bundled_decks_dir()], [bundled_decks_dir()])
    assert len(report.files) == 7
    assert [p.formatted() for p in report.problems] == []


# -- duplicate deck ids ----------------------------------------------------------------------


def test_two_files_with_one_deck_id_in_one_folder_are_both_named(tmp_path: Path) -> None:
    first = write(tmp_path, HEADER + card(), "a.yaml")
    second = write(tmp_path, "# the same deck, copied\n" + HEADER + card(), "b.yaml")
    report = lint_paths([tmp_path], [tmp_path])
    kept, skipped = (only([p for p in report.problems if p.path == str(f)], "duplicate-deck-id")
                     for f in (first, second))
    assert at(kept) == (2, 7, ERROR) and at(skipped) == (3, 7, ERROR)
    assert str(second) in kept.message and "loads this file" in kept.message
    assert str(first) in skipped.message and "skips this file" in skipped.message
    # the app agrees: it loads a.yaml and skips b.yaml
    loaded = load_decks([tmp_path])
    assert [d.path for d in loaded.decks] == [first] and loaded.skipped == [str(second)]


def test_a_deck_id_used_in_another_decks_folder(tmp_path: Path) -> None:
    first = write(tmp_path / "one", HEADER + card())
    second = write(tmp_path / "two", HEADER + card())
    report = lint_paths([second], [tmp_path / "one", tmp_path / "two"])
    problem = only(report.problems, "duplicate-deck-id")
    assert problem.path == str(second) and at(problem) == (2, 7, ERROR)
    assert str(first) in problem.message
    assert load_decks([tmp_path / "one", tmp_path / "two"]).skipped == [str(second)]


def test_a_deck_id_of_a_bundled_deck(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER.replace("id: test", "id: spbe") + card())
    report = lint_paths([path], [bundled_decks_dir(), tmp_path])
    problem = only(report.problems, "duplicate-deck-id")
    assert at(problem) == (2, 7, ERROR)
    assert str(bundled_decks_dir() / "spbe.yaml") in problem.message
    assert load_decks([bundled_decks_dir(), tmp_path]).skipped == [str(path)]


def test_the_same_file_given_twice_is_no_duplicate(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + card())
    assert lint_paths([path], [tmp_path]).problems == []


# -- values cut short by ' #' ----------------------------------------------------------------


def test_a_plain_value_cut_by_a_comment_is_a_warning_at_the_hash(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + card(example="Open port 22 # and 80"))
    problem = only(lint(path), "comment-cut")
    assert at(problem) == (8, 27, WARNING)
    assert "'Open port 22'" in problem.message and "quotes" in problem.message


@pytest.mark.parametrize(("text", "line", "column"), [
    (HEADER.replace("Test deck", "Test  #1 deck") + card(), 3, 16),  # two spaces before it
    (HEADER + card(translation="unduh\t# atau mengunduh"), 6, 24),  # a tab before it
    (HEADER + card(extra="    tags: [spbe, security # x\n      ]\n"), 9, 27),  # inside brackets
    (HEADER + card(example="Download\n      the form # now"), 9, 16),  # the last line of a folded value
], ids=["title", "after-a-tab", "in-brackets", "multi-line"])
def test_every_plain_value_cut_by_a_comment(tmp_path: Path, text: str, line: int, column: int) -> None:
    assert at(only(lint(write(tmp_path, text)), "comment-cut")) == (line, column, WARNING)


@pytest.mark.parametrize("text", [
    HEADER + card(term="port", example='"Open port 22 # and 80"'),  # double quotes
    HEADER + card(term="port", example="'Open port 22 # and 80'"),  # single quotes
    HEADER + card(term="port", example="|\n      Open port 22 # and 80"),  # a literal block
    HEADER + card(term="port", example=">\n      Open port 22 # and 80"),  # a folded block
    HEADER + "  # a comment on a line of its own\n" + card(),
    HEADER + card(extra="    # notes: to write later\n"),
    HEADER + card(translation="C# atau F#"),  # '#' right after a word is text
    HEADER + card(extra="    tags: [spbe]  # a comment after a list\n"),
    HEADER + card(example='"Download the form." # a comment after quotes'),
], ids=["double-quotes", "single-quotes", "literal-block", "folded-block", "comment-line", "comment-line-in-card",
        "hash-in-a-word", "after-brackets", "after-quotes"])
def test_a_hash_that_cuts_nothing_is_not_reported(tmp_path: Path, text: str) -> None:
    assert lint(write(tmp_path, text)) == []


def test_a_byte_order_mark_at_the_start_moves_no_column(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(("\ufeff" + HEADER + card(term="port", example="Open port 22 # and 80",
                                                translation='"por\\eta"')).encode("utf-8"))
    problems = lint(path)
    assert [(p.code, p.line, p.column) for p in problems] == [("control-character", 6, 22), ("comment-cut", 8, 27)]


# -- invisible characters and look-alike dashes ----------------------------------------------


@pytest.mark.parametrize(("term", "char", "name"), [
    ("down\u00adload", "\u00ad", "SOFT HYPHEN"),
    ("down\u200bload", "\u200b", "ZERO WIDTH SPACE"),
    ("down\u200dload", "\u200d", "ZERO WIDTH JOINER"),
    ("down\u2060load", "\u2060", "WORD JOINER"),
    ("down\ufeffload", "\ufeff", "ZERO WIDTH NO-BREAK SPACE"),
    ("down\u202eload", "\u202e", "RIGHT-TO-LEFT OVERRIDE"),
])
def test_an_invisible_character_in_a_term_is_named_at_its_column(tmp_path: Path, term: str, char: str,
                                                                  name: str) -> None:
    problems = lint(write(tmp_path, HEADER + card(term=term)))
    problem = only(problems, "invisible-character")
    assert at(problem) == (5, 15, WARNING)  # "  - term: down" is 14 characters
    assert f"U+{ord(char):04X} {name}" in problem.message
    assert char not in problem.message


def test_an_invisible_character_in_a_quoted_value_and_in_other_fields(tmp_path: Path) -> None:
    text = HEADER + card(translation='"un\\u00adduh"', extra="    notes: Lihat\u200b juga.\n    tags: [spbe\u200c]\n")
    problems = [p for p in lint(write(tmp_path, text)) if p.code == "invisible-character"]
    assert [(p.line, p.column) for p in problems] == [(6, 21), (9, 17), (10, 16)]
    assert "'translation'" in problems[0].message and "'notes'" in problems[1].message


@pytest.mark.parametrize("dash", ["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212"])
def test_a_look_alike_dash_in_a_term(tmp_path: Path, dash: str) -> None:
    path = write(tmp_path, HEADER + card(term=f"e{dash}mail", example=f"Send an e{dash}mail."))
    problem = only(lint(path), "look-alike-dash")
    assert at(problem) == (5, 12, WARNING)
    assert f"U+{ord(dash):04X}" in problem.message and "'-'" in problem.message


def test_a_look_alike_dash_inside_a_translation_word_but_not_a_spaced_one(tmp_path: Path) -> None:
    text = (HEADER + card(translation="surat\u2011menyurat")
            + card(term="upload", example="Upload the form.", translation="unggah \u2014 kirim berkas"))
    problem = only(lint(write(tmp_path, text)), "look-alike-dash")
    assert at(problem) == (6, 23, WARNING)


def test_a_term_hidden_by_an_odd_character_gets_one_warning_for_the_character(tmp_path: Path) -> None:
    text = (HEADER + card(term="e\u2011mail", example="Send an e-mail.")
            + card(term="log\u00adin", example="Please login first.", part_of_speech="verb"))
    problems = lint(write(tmp_path, text))
    assert [(p.code, p.line) for p in problems] == [("look-alike-dash", 5), ("invisible-character", 9)]


def test_dashes_in_sentences_are_typography_not_a_slip(tmp_path: Path) -> None:
    text = HEADER + card(example="Download the form \u2013 today.", extra="    notes: Istilah 2019\u20132024.\n")
    assert lint(write(tmp_path, text)) == []


# -- a term its example does not hold --------------------------------------------------------


def test_a_term_missing_from_its_example_is_a_warning_at_the_example(tmp_path: Path) -> None:
    problem = only(lint(write(tmp_path, HEADER + card(example="Save the form first."))), "no-cloze")
    assert at(problem) == (8, 14, WARNING)
    assert "'download'" in problem.message and "no-cloze" in problem.message


@pytest.mark.parametrize(("term", "example", "pos"), [
    ("download", "DOWNLOAD the form.", "verb"),  # any case
    ("submit", "She submitted the report.", "verb"),  # an inflection the cloze takes
    ("apply", "He applied for the post.", "verb"),
    ("call back", "I will call you back tomorrow.", "phrasal verb"),  # split by its object
    ("e-mail", "Send an e-mail today.", "noun"),
])
def test_the_app_s_own_cloze_match_is_used(tmp_path: Path, term: str, example: str, pos: str) -> None:
    assert lint(write(tmp_path, HEADER + card(term=term, example=example, part_of_speech=pos))) == []


def test_the_no_cloze_tag_with_a_reason_silences_it(tmp_path: Path) -> None:
    text = HEADER + card(example="Save the form first.", tags="[no-cloze]", notes="Contoh tanpa istilah.")
    assert lint(write(tmp_path, text)) == []


def test_the_no_cloze_tag_without_a_reason_or_without_need(tmp_path: Path) -> None:
    text = (HEADER + card(example="Save the form first.", tags="[no-cloze]")  # 5-9
            + card(term="upload", example="Upload the form.", tags="[no-cloze]", notes="Tidak perlu."))  # 10-15
    problems = lint(write(tmp_path, text))
    assert at(only(problems, "no-cloze-reason")) == (9, 11, WARNING)
    assert at(only(problems, "no-cloze-needless")) == (14, 11, WARNING)


def test_a_term_in_two_forms_cannot_be_one_gap(tmp_path: Path) -> None:
    text = HEADER + card(term="submit", example="Submit it, as she submitted hers.", part_of_speech="verb")
    assert at(only(lint(write(tmp_path, text)), "cloze-two-forms")) == (8, 14, WARNING)


# -- tabs and levels -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "line", "column"), [
    (HEADER + "  - term: download\n\ttranslation: unduh\n", 6, 1),
    (HEADER + "  - term: download\n  \t  translation: unduh\n", 6, 3),
    (HEADER + "\t- term: download\n", 5, 1),
    ("deck:\n\tid: x\n", 2, 1),
    (HEADER + card(extra="    notes: |\n      Satu.\n\tDua.\n"), 11, 1),
], ids=["card-key", "after-spaces", "card", "header", "in-a-block"])
def test_a_tab_in_indentation_is_called_a_tab(tmp_path: Path, text: str, line: int, column: int) -> None:
    problem = only(lint(write(tmp_path, text)), "tab-indentation")
    assert at(problem) == (line, column, ERROR)
    assert "tab" in problem.message and "spaces" in problem.message
    assert "token" not in problem.message


@pytest.mark.parametrize(("value", "hint"), [
    ("2", "A2, B2, C2"), ('"2"', "A2, B2, C2"), ("1.5", None), ("yes", None), ("B", "B1, B2"), ("D1", "A1, B1, C1"),
])
def test_a_wrong_level_suggests_the_valid_ones(tmp_path: Path, value: str, hint: str | None) -> None:
    problem = only(lint(write(tmp_path, HEADER + card(level=value))), "bad-level")
    assert at(problem) == (9, 12, ERROR)
    assert "A1, A2, B1, B2, C1, C2" in problem.message
    assert "must be text" not in problem.message and "quotes" not in problem.message
    if hint:
        assert hint in problem.message


@pytest.mark.parametrize("value", ["a2", "B2", "c1"])
def test_the_levels_the_loader_takes(tmp_path: Path, value: str) -> None:
    assert lint(write(tmp_path, HEADER + card(level=value))) == []


# -- the parser's messages -------------------------------------------------------------------

PARSER_CASES = [
    (HEADER + card(example="Note: this is it"), 8, 18, "yaml-colon", "put the value in double quotes"),
    (HEADER + '  - term: "download\n', 6, 1, "yaml-unclosed", "close it"),
    (HEADER + card(extra="    tags: [a, b\n") + card(term="upload", example="Upload it."), 10, 9, "yaml-bracket",
     "']'"),
    (HEADER + card() + "     level: B1\n", 9, 11, "yaml-colon", "line the key up"),
    (HEADER + card() + "   level: B1\n", 9, 4, "yaml-indentation", "indent"),
    (HEADER + card() + "    level B1\n    ipa: x\n", 10, 5, "yaml-syntax", "':'"),
    (HEADER + card() + "---\na: 1\n", 9, 1, "yaml-documents", "one document"),
    (HEADER + '  - term: "a\\q"\n', 5, 13, "yaml-escape", "backslash"),
    (HEADER + "  - term: @x\n", 5, 11, "yaml-character", "'@'"),
    (HEADER + "  - term: `x\n", 5, 11, "yaml-character", "'`'"),
    (HEADER + '  - term: "d" extra\n', 5, 15, "yaml-indentation", "quotes"),
    (HEADER + "  - term: !x!y d\n", 5, 11, "yaml-tag", "'!'"),
]


@pytest.mark.parametrize(("text", "line", "column", "code", "fragment"), PARSER_CASES,
                         ids=[case[3] + str(number) for number, case in enumerate(PARSER_CASES)])
def test_common_parser_problems_get_our_own_words(tmp_path: Path, text: str, line: int, column: int, code: str,
                                                  fragment: str) -> None:
    problems = lint(write(tmp_path, text))
    assert len(problems) == 1, [p.formatted() for p in problems]
    problem = problems[0]
    assert (problem.line, problem.column, problem.code, problem.severity) == (line, column, code, ERROR)
    assert problem.message.startswith("not valid YAML: ")
    assert fragment in problem.message
    for parser_words in ("cannot start any token", "did not find expected", "could not find expected",
                         "mapping values are not allowed", "while parsing", "while scanning"):
        assert parser_words not in problem.message


def test_parser_problems_are_in_indonesian_by_default(tmp_path: Path) -> None:
    set_language("id")
    messages = [lint(write(tmp_path, text))[0].message for text, *_rest in PARSER_CASES]
    tab = lint(write(tmp_path, HEADER + "  - term: download\n\ttranslation: unduh\n"))[0].message
    set_language("en")
    english = [lint(write(tmp_path, text))[0].message for text, *_rest in PARSER_CASES]
    for indonesian, original in zip(messages, english):
        assert indonesian != original
        assert indonesian.startswith("YAML tidak valid: "), indonesian
    assert "tab" in tab and "spasi" in tab


def test_a_rare_parser_problem_keeps_the_parser_s_text(tmp_path: Path) -> None:
    problem = lint(write(tmp_path, "%YAML 1.1\n%YAML 1.1\n---\n" + HEADER))[0]
    assert problem.code == "yaml-syntax"
    assert "duplicate %YAML directive" in problem.message


# -- the errors from the loader keep working, as errors --------------------------------------


def billion_laughs() -> str:
    lines = ["deck:", "  id: lol", "  title: Laughs", "  lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"  lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    lines += ["cards:", "  - term: *a9"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("text", "code", "line", "column"), [
    (HEADER + card(example='"Download\\e]0;x\\a it."'), "control-character", 8, 23),
    (HEADER + card(example="Download\x1b]0;x\x07 it."), "bad-character", 8, 22),
    (billion_laughs(), "yaml-alias", 5, 14),
    ("deck: " + "[" * 100 + "]" * 100 + "\n", "too-deep", 1, 16),
    (HEADER + card(term="yes"), "wrong-type", 5, 11),
    (HEADER + card(extra="    colour: red\n"), "unknown-key", 9, 5),
], ids=["escaped-control", "raw-control", "alias", "nesting", "type", "key"])
def test_the_loader_s_problems_are_errors_with_a_code(tmp_path: Path, text: str, code: str, line: int,
                                                      column: int) -> None:
    problems = lint(write(tmp_path, text))
    assert [(p.code, p.line, p.column, p.severity) for p in problems] == [(code, line, column, ERROR)]


def test_a_binary_file_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "photo.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 100)
    assert [(p.code, p.severity) for p in lint(path)] == [("not-utf8", ERROR)]


def test_a_file_over_the_limit_is_one_error(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + card() + "# padding\n" * 110_000)
    assert [(p.code, p.line, p.column) for p in lint(path)] == [("file-too-big", 1, 1)]


def test_a_named_pipe_is_one_error(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.yaml")
    assert [(p.code, p.severity) for p in lint_paths([tmp_path]).problems] == [("special-file", ERROR)]


def test_the_app_skips_exactly_the_files_with_errors(tmp_path: Path) -> None:
    """Whatever the loader skips is an error in the linter, and a file with only warnings loads."""
    texts = {
        "a-clean": HEADER.replace("test", "a") + card(),
        "b-warnings": HEADER.replace("test", "b") + card(example="Open it # now", term="e\u2011mail"),
        "c-tab": HEADER.replace("test", "c") + "  - term: download\n\ttranslation: unduh\n",
        "d-level": HEADER.replace("test", "d") + card(level="2"),
        "e-same-id": HEADER.replace("test", "a") + card(),
        "f-alias": billion_laughs(),
    }
    for name, text in texts.items():
        write(tmp_path, text, f"{name}.yaml")
    report = lint_paths([tmp_path], [tmp_path])
    with_errors = sorted({p.path for p in report.problems if p.severity == ERROR})
    skipped = load_decks([tmp_path]).skipped
    assert skipped == [str(tmp_path / f"{n}.yaml") for n in ("c-tab", "d-level", "e-same-id", "f-alias")]
    # every file the app skips has an error; a-clean loads, and is named only because e-same-id takes its id
    assert with_errors == sorted([*skipped, str(tmp_path / "a-clean.yaml")])
    assert str(tmp_path / "b-warnings.yaml") not in with_errors


# -- many problems ---------------------------------------------------------------------------


def test_the_report_keeps_every_problem_and_shows_the_first_fifty_per_file(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "".join(card(term=f"t{i}", example=f"T{i} # x") for i in range(120)))
    report = lint_files([path])
    assert report.warnings == 120 and report.errors == 0
    [(shown_path, shown, more)] = report.by_file()
    assert shown_path == str(path) and len(shown) == MAX_PER_FILE and more == 70
    assert [p.line for p in shown] == sorted(p.line for p in shown)
    assert not report.failed() and report.failed(strict=True)


def test_extra_sources_slot_into_the_report(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + card())

    def orphans(checks):
        for check in checks:
            assert check.deck is not None and check.deck.id == "test"
            yield Problem(str(check.path), 5, 5, "progress would be orphaned", WARNING, "orphaned-progress")

    report = lint_files([path], sources=[orphans])
    assert [(p.code, p.line) for p in report.problems] == [("orphaned-progress", 5)]
    assert isinstance(report, LintReport) and report.warnings == 1


def run_check(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vocab_tui", "--lang", "en", "decks", "check", *args],
                          capture_output=True, text=True, timeout=timeout, cwd=REPO)


def test_a_hundred_thousand_bad_lines_give_capped_output(tmp_path: Path) -> None:
    path = tmp_path / "flood.yaml"
    path.write_text("- a # b\n" * 100_000, encoding="utf-8")
    proc = run_check(str(path))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert len(lines) == MAX_PER_FILE + 1
    assert lines[-1] == f"{path}: 99951 more problems in this file are not shown (the first 50 are above)"
    assert "1 error, 100000 warnings in 1 file" in proc.stderr


@pytest.mark.parametrize("make", [
    lambda p: p.write_text(billion_laughs(), encoding="utf-8"),
    lambda p: p.write_text("deck: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8"),
    lambda p: p.write_bytes(bytes(range(256)) * 4000),
    lambda p: p.write_text("x: y\n" * 300_000, encoding="utf-8"),
], ids=["billion-laughs", "deep-nesting", "binary", "huge"])
def test_hostile_files_are_one_error_each_and_quick(tmp_path: Path, make) -> None:
    path = tmp_path / "hostile.yaml"
    make(path)
    proc = run_check(str(path), timeout=60)
    assert proc.returncode == 1
    assert len(proc.stdout.splitlines()) == 1, proc.stdout[:2000]
    assert "Traceback" not in proc.stderr


def test_check_paths_with_app_dirs_do_not_read_unrelated_cards(tmp_path: Path) -> None:
    """The other decks only lend their ids: a broken card elsewhere is not this file's problem."""
    write(tmp_path / "other", HEADER.replace("test", "other") + card(level="9"))
    path = write(tmp_path / "mine", HEADER + card())
    assert lint_paths([path], [tmp_path / "other", tmp_path / "mine"]).problems == []



# -- the command line ------------------------------------------------------------------------

from click.testing import CliRunner  # noqa: E402

from vocab_tui.cli import build_cli  # noqa: E402

LINE = r"^(?P<path>.+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning): (?P<message>.+)$"


def invoke(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(build_cli(), list(args))
    import os

    here = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(build_cli(), list(args))
    finally:
        os.chdir(here)


@pytest.fixture
def decks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ("VOCAB_TUI_DECKS", "VOCAB_TUI_LANG"):
        monkeypatch.delenv(var, raising=False)
    folder = tmp_path / "decks"
    write(folder, HEADER.replace("test", "clean") + card(), "a-clean.yaml")
    write(folder, HEADER.replace("test", "warned") + card(term="open", example="Open it # now"), "b-warned.yaml")
    return folder


def test_check_prints_path_line_column_severity_message(decks: Path) -> None:
    import re

    result = invoke("decks", "check", str(decks))
    assert result.exit_code == 0, result.output  # warnings only
    [line] = result.stdout.splitlines()
    match = re.match(LINE, line)
    assert match and match["severity"] == "warning"
    assert (match["path"], match["line"], match["column"]) == (str(decks / "b-warned.yaml"), "8", "22")
    assert "2 files checked: 1 warning in 1 file" in result.stderr


def test_strict_fails_on_warnings(decks: Path) -> None:
    assert invoke("decks", "check", "--strict", str(decks / "a-clean.yaml")).exit_code == 0
    result = invoke("decks", "check", "--strict", str(decks))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)


def test_errors_fail_with_or_without_strict(decks: Path) -> None:
    write(decks, HEADER.replace("test", "broken") + card(level="2"), "c-broken.yaml")
    for args in ([], ["--strict"]):
        result = invoke("decks", "check", *args, str(decks))
        assert result.exit_code == 1
        assert ": error: level '2'" in result.stdout


@pytest.mark.parametrize("args", [["--format", "xml"], ["/no/such/deck.yaml"], ["--strikt"]])
def test_a_wrong_command_line_exits_2(decks: Path, args: list[str]) -> None:
    result = invoke("decks", "check", *args)
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_json_output(decks: Path) -> None:
    import json

    write(decks, HEADER.replace("test", "broken") + card(level="2"), "c-broken.yaml")
    result = invoke("decks", "check", "--format", "json", str(decks))
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["problems"] == [
        {"path": str(decks / "b-warned.yaml"), "line": 8, "column": 22, "severity": "warning",
         "code": "comment-cut", "message": document["problems"][0]["message"]},
        {"path": str(decks / "c-broken.yaml"), "line": 9, "column": 12, "severity": "error",
         "code": "bad-level", "message": document["problems"][1]["message"]},
    ]
    assert "'Open it'" in document["problems"][0]["message"]
    assert document["summary"] == {"files": 3, "files_with_problems": 2, "errors": 1, "warnings": 1, "omitted": 0,
                                   "limit_per_file": MAX_PER_FILE, "failed": True}


def test_json_output_is_capped_per_file_too(decks: Path) -> None:
    import json

    write(decks, HEADER.replace("test", "many") + "".join(card(term=f"t{i}", example=f"T{i} # x")
                                                           for i in range(60)), "c-many.yaml")
    document = json.loads(invoke("decks", "check", "--format", "json", str(decks)).stdout)
    assert len(document["problems"]) == 1 + MAX_PER_FILE
    assert document["summary"]["warnings"] == 61 and document["summary"]["omitted"] == 10


def test_check_with_no_path_checks_the_app_s_decks_and_their_ids(decks: Path) -> None:
    write(decks, HEADER.replace("id: test", "id: spbe") + card(), "c-spbe.yaml")
    result = invoke("decks", "check", "--decks", str(decks))
    assert result.exit_code == 1
    assert f"{decks / 'c-spbe.yaml'}:2:7: error: deck id 'spbe' is already used by" in result.stdout
    assert "10 files checked" in result.stderr  # the seven bundled decks and the three here


def test_messages_follow_the_interface_language(decks: Path) -> None:
    write(decks, HEADER.replace("test", "tab") + "  - term: download\n\ttranslation: unduh\n", "c-tab.yaml")
    result = invoke("decks", "check", "--lang", "id", str(decks))
    set_language("en")
    assert f"{decks / 'c-tab.yaml'}:6:1: error: baris 6 menjorok dengan tab" in result.stdout
    assert ": warning: teks setelah ' #' dibaca sebagai komentar" in result.stdout  # severity words stay English
    assert "3 berkas diperiksa: 1 kesalahan, 1 peringatan di 2 berkas" in result.stderr


# -- decks new -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_new_writes_a_template_that_checks_clean(tmp_path: Path, lang: str) -> None:
    result = invoke("decks", "new", "front-office", "--lang", lang, cwd=tmp_path)
    set_language("en")
    assert result.exit_code == 0, result.output
    path = tmp_path / "front-office.yaml"
    text = path.read_text(encoding="utf-8")
    report = lint_paths([path], [bundled_decks_dir(), tmp_path])
    assert report.problems == []
    loaded = load_decks([path])
    assert [d.id for d in loaded.decks] == ["front-office"] and len(loaded.decks[0].cards) == 2
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) >= 20
    assert all(not line.split("#")[0].strip() for line in comments)  # every comment on a line of its own
    said = " ".join(line.strip().lstrip("#").strip() for line in comments)  # comments wrap over lines
    assert "A1, A2, B1, B2, C1, C2" in said and "phrasal verb" in said
    words = ("Wajib", "Opsional") if lang == "id" else ("Required", "Optional")
    assert all(word in text for word in words)


def test_new_writes_to_the_given_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "mine.yaml"
    target.parent.mkdir()
    result = invoke("decks", "new", "mine", "-o", str(target))
    assert result.exit_code == 0 and target.is_file()
    assert f"vocab-tui decks check {target}" in result.stdout


def test_new_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("my own work\n", encoding="utf-8")
    result = invoke("decks", "new", "mine", "-o", str(target))
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert target.read_text(encoding="utf-8") == "my own work\n"


@pytest.mark.parametrize("deck_id", ["My Deck", "deck!", "x-", "UPPER", "", "a--b"])
def test_new_refuses_an_invalid_id(tmp_path: Path, deck_id: str) -> None:
    result = invoke("decks", "new", deck_id, cwd=tmp_path)
    assert result.exit_code == 2
    assert "is not a deck id" in result.stderr and "lowercase letters" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_new_into_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = invoke("decks", "new", "mine", "-o", str(tmp_path / "nope" / "mine.yaml"))
    assert result.exit_code == 1 and "cannot write" in result.stderr and "Traceback" not in result.output


def test_the_template_fits_an_80_column_editor(tmp_path: Path) -> None:
    for lang in ("id", "en"):
        result = invoke("decks", "new", f"deck-{lang}", "--lang", lang, cwd=tmp_path)
        set_language("en")
        assert result.exit_code == 0
        lines = (tmp_path / f"deck-{lang}.yaml").read_text(encoding="utf-8").splitlines()
        assert max(len(line) for line in lines) <= 79, max(lines, key=len)


def test_an_unclosed_brace_is_told_with_the_brace_it_needs(tmp_path):
    """The message about '{' holds a literal '}': it must survive the message's own formatting."""
    from vocab_tui.decks import check_deck

    path = tmp_path / "brace.yaml"
    path.write_text("{.", encoding="utf-8")
    _deck, problems = check_deck(path)
    assert len(problems) == 1 and "'}'" in problems[0].message
