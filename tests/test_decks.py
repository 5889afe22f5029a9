"""Unit tests of the deck loader and validator (`check_deck`, `load_decks`).

Every test writes a small YAML file into `tmp_path`. Line and column numbers in the
assertions are 1-based, as a trainer sees them in an editor; each YAML text below starts
with the 4-line HEADER, so the first card always starts on line 5.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vocab_tui.decks import Deck, Problem, check_deck, load_decks, slugify
from vocab_tui.i18n import set_language

FIXTURES = Path(__file__).parent / "fixtures"

HEADER = (
    "deck:\n"  # 1
    "  id: test\n"  # 2
    "  title: Test deck\n"  # 3
    "cards:\n"  # 4
)


def card(term: str, extra: str = "") -> str:
    """One valid 4-line card (term on its first line), plus `extra` lines."""
    return (
        f"  - term: {term}\n"
        "    translation: terjemahan\n"
        "    definition: A definition.\n"
        "    example: An example.\n"
    ) + extra


@pytest.fixture(autouse=True)
def _english() -> None:
    set_language("en")


def write(tmp_path: Path, text: str, name: str = "deck.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[Problem]:
    deck, problems = check_deck(path)
    assert deck is None, "a file with problems must not give a deck"
    assert problems, "a broken file must give at least one problem"
    return problems


def assert_one(problems: list[Problem], path: Path, line: int, column: int, *fragments: str) -> Problem:
    """Exactly one problem, at line:column of `path`, whose message contains every fragment."""
    assert len(problems) == 1, [str(p) for p in problems]
    return assert_has(problems, path, line, column, *fragments)


def assert_has(problems: list[Problem], path: Path, line: int, column: int, *fragments: str) -> Problem:
    """Some problem at line:column of `path` whose message contains every fragment."""
    for problem in problems:
        if (problem.line, problem.column) == (line, column) and all(f in problem.message for f in fragments):
            assert problem.path == str(path)
            return problem
    raise AssertionError(f"no problem at {line}:{column} with {fragments!r} in {[str(p) for p in problems]}")


# -- Problem ---------------------------------------------------------------------------------


def test_problem_str_is_path_line_column_message() -> None:
    assert str(Problem("decks/office.yaml", 12, 7, "boom")) == "decks/office.yaml:12:7: boom"


def test_problem_str_of_a_real_problem(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + card("download", "    level: D1\n"))
    [problem] = problems_of(path)
    assert str(problem).startswith(f"{path}:9:12: level 'D1'")


# -- unknown keys ----------------------------------------------------------------------------


def test_unknown_card_key_suggests_the_nearest_known_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + "  - term: download\n"  # 5
        "    transaltion: unduh\n"  # 6
        "    definition: A definition.\n"  # 7
        "    example: An example.\n",  # 8
    )
    problems = problems_of(path)
    assert_has(problems, path, 6, 5, "unknown key 'transaltion'", "did you mean 'translation'?")
    # the misspelt key also leaves the card without its translation, reported at the card
    assert_has(problems, path, 5, 5, "missing the required key 'translation'")
    assert len(problems) == 2


def test_unknown_header_key_suggests_the_nearest_known_key(tmp_path: Path) -> None:
    path = write(tmp_path, "deck:\n  id: test\n  title: Test deck\n  descripton: Hi\ncards:\n" + card("a"))
    problems = problems_of(path)
    assert_one(problems, path, 4, 3, "unknown key 'descripton'", "did you mean 'description'?")


def test_unknown_key_with_no_near_match_lists_the_known_keys(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + card("download", "    zzzzzz: 1\n"))
    [problem] = problems_of(path)
    assert (problem.line, problem.column) == (9, 5)
    assert "unknown key 'zzzzzz'" in problem.message
    assert "known keys:" in problem.message and "translation" in problem.message


# -- wrong types -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [("yes", "a yes/no value"), ("2024", "a number"), ("3.5", "a number"), ("2024-01-31", "a date")],
)
def test_term_that_yaml_reads_as_non_text_must_be_quoted(tmp_path: Path, value: str, kind: str) -> None:
    path = write(tmp_path, HEADER + card(value))
    problems = problems_of(path)
    assert_one(problems, path, 5, 11, "'term' must be text", kind, f'put it in quotes: "{value}"')


def test_text_field_given_a_list_must_be_text(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + "  - term: download\n"
        "    translation: unduh\n"
        "    definition: [one, two]\n"  # 7
        "    example: An example.\n",
    )
    assert_one(problems_of(path), path, 7, 17, "'definition' must be text, not a list")


def test_card_tags_must_be_a_list(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + card("download", "    tags: spbe\n"))
    assert_one(problems_of(path), path, 9, 11, "'tags' must be a list")


def test_deck_tags_must_be_a_list(tmp_path: Path) -> None:
    path = write(tmp_path, "deck:\n  id: test\n  title: Test deck\n  tags: spbe\ncards:\n" + card("a"))
    assert_one(problems_of(path), path, 4, 9, "'tags' must be a list")


# -- missing and empty fields ----------------------------------------------------------------


def test_missing_required_card_field_is_reported_at_the_card(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + card("download")  # 5-8
        + "  - term: upload\n"  # 9
        "    translation: unggah\n"
        "    example: An example.\n",
    )
    assert_one(problems_of(path), path, 9, 5, "card 2", "missing the required key 'definition'")


def test_missing_deck_title_is_reported_at_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, "deck:\n  id: test\ncards:\n" + card("a"))
    assert_one(problems_of(path), path, 2, 3, "'deck' header", "missing the required key 'title'")


def test_missing_cards_list_is_reported_at_the_top_of_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "deck:\n  id: test\n  title: Test deck\n")
    assert_one(problems_of(path), path, 1, 1, "missing the required key 'cards'")


@pytest.mark.parametrize(
    ("written", "column"),
    [('""', 17), ("''", 17), ('"   "', 17), ("", 16)],
    ids=["double-quoted", "single-quoted", "blank", "no-value"],
)
def test_empty_definition(tmp_path: Path, written: str, column: int) -> None:
    path = write(
        tmp_path,
        HEADER
        + "  - term: download\n"
        "    translation: unduh\n"
        f"    definition: {written}\n".replace(": \n", ":\n")  # 7
        + "    example: An example.\n",
    )
    assert_one(problems_of(path), path, 7, column, "'definition' is empty")


def test_empty_cards_list(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER.replace("cards:\n", "cards: []\n"))
    assert_one(problems_of(path), path, 4, 8, "'cards' is empty")


# -- duplicates ------------------------------------------------------------------------------


def test_duplicate_explicit_card_id(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + card("download", "    id: same\n")  # 5-9
        + card("upload", "    id: same\n"),  # 10-14
    )
    assert_one(problems_of(path), path, 14, 9, "duplicate card id 'same'", "card 1")


def test_duplicate_card_id_from_two_terms_with_the_same_slug(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + card("Two-factor authentication") + card("two factor authentication"))
    assert_one(problems_of(path), path, 9, 11, "duplicate card id 'two-factor-authentication'", "card 1")


def test_duplicate_term_is_case_insensitive(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + card("Firewall", "    id: firewall-1\n")  # 5-9
        + card("firewall", "    id: firewall-2\n"),  # 10-14
    )
    assert_one(problems_of(path), path, 10, 11, "duplicate term 'firewall'", "card 1")


def test_duplicate_key_in_a_card(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + card("download", "    translation: unduh lagi\n"))
    assert_one(problems_of(path), path, 9, 5, "duplicate key 'translation'")


def test_duplicate_key_in_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, "deck:\n  id: test\n  title: A\n  title: B\ncards:\n" + card("a"))
    assert_one(problems_of(path), path, 4, 3, "duplicate key 'title'")


# -- levels and parts of speech --------------------------------------------------------------


def test_level_outside_a1_to_c2(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + card("download", "    level: D1\n"))
    assert_one(problems_of(path), path, 9, 12, "level 'D1' is not a CEFR level", "A1, A2, B1, B2, C1, C2")


@pytest.mark.parametrize("level", ["A1", "A2", "B1", "B2", "C1", "C2"])
def test_every_cefr_level_is_accepted(tmp_path: Path, level: str) -> None:
    deck, problems = check_deck(write(tmp_path, HEADER + card("download", f"    level: {level}\n")))
    assert problems == []
    assert deck is not None and deck.cards[0].level == level


def test_unknown_part_of_speech_suggests_the_nearest(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + card("download", "    part_of_speech: nuon\n"))
    assert_one(problems_of(path), path, 9, 21, "unknown part of speech 'nuon'", "did you mean 'noun'?")


def test_unknown_part_of_speech_without_near_match_lists_them(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + card("download", "    part_of_speech: xyz\n"))
    [problem] = problems_of(path)
    assert (problem.line, problem.column) == (9, 21)
    assert "unknown part of speech 'xyz'" in problem.message
    assert "phrasal verb" in problem.message


# -- files that are not a deck at all --------------------------------------------------------


def test_unbalanced_bracket_is_a_yaml_error_with_its_position(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + card("download", "    tags: [spbe, security\n")  # 5-9, bracket never closed
        + card("upload"),  # 10: the parser notices here, at the ':' after 'term'
    )
    [problem] = problems_of(path)
    assert (problem.line, problem.column) == (10, 9)
    assert problem.message.startswith("not valid YAML:")
    assert "']'" in problem.message
    assert "\n" not in problem.message


def test_tab_indentation_is_a_yaml_error_with_its_position(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "  - term: download\n\ttranslation: unduh\n")
    assert_one(problems_of(path), path, 6, 1, "indented with a tab", "spaces")


def test_control_character_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    # a vertical tab, as pasted from a word processor, in the example sentence
    example_line = "    example: Open the\x0bportal.\n"
    path = write(
        tmp_path,
        HEADER
        + "  - term: portal\n"  # 5
        "    translation: portal\n"  # 6
        "    definition: A website.\n"  # 7
        + example_line,  # 8
    )
    [problem] = problems_of(path)
    assert (problem.line, problem.column) == (8, example_line.index("\x0b") + 1)
    assert "\n" not in problem.message


def test_not_utf8_gives_the_position_of_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes((HEADER + card("café")).encode("latin-1"))
    # line 5 is "  - term: café": the é (0xe9 in latin-1) is at column 14
    assert_one(problems_of(path), path, 5, 14, "not UTF-8", "0xe9")


def test_utf8_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + card("download")).encode("utf-8"))
    deck, problems = check_deck(path)
    assert problems == []
    assert deck is not None and [c.term for c in deck.cards] == ["download"]


@pytest.mark.parametrize("text", ["- download\n- upload\n", "just some words\n"], ids=["list", "scalar"])
def test_top_level_that_is_not_a_mapping(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    assert_one(problems_of(path), path, 1, 1, "the file must be a mapping")


def test_cards_that_is_not_a_list(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "  term: download\n")
    assert_one(problems_of(path), path, 5, 3, "'cards' must be a list")


def test_card_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "  - download\n")
    assert_one(problems_of(path), path, 5, 5, "card 1 must be a mapping")


@pytest.mark.parametrize("text", ["", "\n\n", "# nothing here yet\n"], ids=["empty", "blank-lines", "comment"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    assert_one(problems_of(path), path, 1, 1, "the file is empty")


def test_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    assert_one(problems_of(path), path, 1, 1, "cannot read the file")


# -- all problems at once --------------------------------------------------------------------


def test_all_problems_in_a_file_are_reported_sorted_by_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + "  - term: download\n"  # 5: no 'example'
        "    level: D1\n"  # 6: not a CEFR level
        "    translation: unduh\n"  # 7
        '    definition: ""\n',  # 8: empty
    )
    problems = problems_of(path)
    assert [(p.line, p.column) for p in problems] == [(5, 5), (6, 12), (8, 17)]
    assert "missing the required key 'example'" in problems[0].message
    assert "level 'D1'" in problems[1].message
    assert "'definition' is empty" in problems[2].message


def test_problems_in_header_and_several_cards_are_all_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "deck:\n"  # 1
        "  id: Office English\n"  # 2: not a valid deck id
        "  title: Test deck\n"  # 3
        "cards:\n"  # 4
        + card("yes")  # 5-8: term read as yes/no
        + card("upload", "    part_of_speech: nuon\n"),  # 9-13
    )
    problems = problems_of(path)
    assert [(p.line, p.column) for p in problems] == [(2, 7), (5, 11), (13, 21)]
    assert "deck id 'Office English'" in problems[0].message
    assert "'term' must be text" in problems[1].message
    assert "part of speech 'nuon'" in problems[2].message


# -- valid decks -----------------------------------------------------------------------------


def test_valid_deck_gives_a_deck_with_its_cards(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "deck:\n"
        "  id: office-english\n"
        "  title: Office English\n"
        "  description: Words for the office.\n"
        "  version: 2\n"
        "  tags: [office, spbe]\n"
        "cards:\n"
        "  - term: Two-factor Authentication\n"
        "    translation: autentikasi dua faktor\n"
        "    definition: Proving who you are in two ways.\n"
        "    example: Turn on two-factor authentication today.\n"
        "    example_translation: Aktifkan autentikasi dua faktor hari ini.\n"
        "    part_of_speech: phrase\n"
        "    level: B1\n"
        "    tags: [security, login]\n"
        "    ipa: /tuː ˈfæktər/\n"
        "    notes: Sering disingkat 2FA.\n"
        "  - term: API\n"
        "    id: app-interface\n"
        "    translation: antarmuka pemrograman aplikasi\n"
        "    definition: Rules that let programs exchange data.\n"
        "    example: The app uses an API.\n"
        "    acronym_of: application programming interface\n"
        "  - term: deadline\n"
        "    translation: tenggat waktu\n"
        "    definition: The last day to do something.\n"
        "    example: The deadline is Friday.\n",
    )
    deck, problems = check_deck(path)
    assert problems == []
    assert isinstance(deck, Deck)
    assert (deck.id, deck.title, deck.description) == ("office-english", "Office English", "Words for the office.")
    assert deck.version == "2"
    assert deck.tags == ("office", "spbe")
    assert deck.path == path

    assert [c.id for c in deck.cards] == ["two-factor-authentication", "app-interface", "deadline"]
    assert [c.position for c in deck.cards] == [0, 1, 2]
    assert all(c.deck_id == "office-english" for c in deck.cards)

    first, second, third = deck.cards
    assert first.term == "Two-factor Authentication"
    assert first.translation == "autentikasi dua faktor"
    assert first.example_translation == "Aktifkan autentikasi dua faktor hari ini."
    assert first.part_of_speech == "phrase"
    assert first.level == "B1"
    assert first.tags == ("security", "login")
    assert first.ipa == "/tuː ˈfæktər/"
    assert first.notes == "Sering disingkat 2FA."
    assert first.acronym_of is None
    assert second.acronym_of == "application programming interface"
    assert (third.example_translation, third.part_of_speech, third.level, third.tags) == (None, None, None, ())


def test_deck_defaults_when_optional_header_fields_are_left_out(tmp_path: Path) -> None:
    deck, problems = check_deck(write(tmp_path, HEADER + card("download")))
    assert problems == []
    assert deck is not None
    assert (deck.description, deck.language, deck.translation_language, deck.version, deck.tags) == (
        "",
        "en",
        "id",
        "1",
        (),
    )


def test_mini_fixture_loads_in_file_order() -> None:
    deck, problems = check_deck(FIXTURES / "mini.yaml")
    assert problems == []
    assert deck is not None
    assert (deck.id, deck.title) == ("mini", "Mini deck")
    assert [c.id for c in deck.cards] == [
        "download", "upload", "browser", "deadline", "minutes", "attachment", "phishing", "api",
    ]
    assert [c.position for c in deck.cards] == list(range(8))
    assert deck.cards[-1].term == "API"
    assert deck.cards[-1].acronym_of == "application programming interface"


@pytest.mark.parametrize(
    ("term", "slug"),
    [
        ("Two-factor Authentication", "two-factor-authentication"),
        ("e-KTP (electronic ID card)", "e-ktp-electronic-id-card"),
        ("Café", "cafe"),
    ],
)
def test_slugify(term: str, slug: str) -> None:
    assert slugify(term) == slug


# -- load_decks ------------------------------------------------------------------------------


def test_load_decks_keeps_good_decks_and_returns_problems_of_broken_ones(tmp_path: Path) -> None:
    # the broken file sorts first, so loading must go on after it
    broken = write(tmp_path, HEADER + card("download", "    level: D1\n"), name="a-broken.yaml")
    write(tmp_path, HEADER.replace("id: test", "id: good") + card("download") + card("upload"), name="b-good.yaml")
    (tmp_path / "README.md").write_text("not a deck")

    result = load_decks([tmp_path])

    assert [d.id for d in result.decks] == ["good"]
    assert [c.term for c in result.decks[0].cards] == ["download", "upload"]
    [problem] = result.problems
    assert (problem.path, problem.line, problem.column) == (str(broken), 9, 12)
    assert "level 'D1'" in problem.message
    assert result.skipped == [str(broken)]


def test_load_decks_reads_yml_files_and_single_files(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    write(folder, HEADER.replace("id: test", "id: from-folder") + card("a"), name="x.yml")
    single = write(tmp_path, HEADER.replace("id: test", "id: single") + card("a"), name="single.yaml")
    result = load_decks([folder, single])
    assert result.problems == []
    assert [d.id for d in result.decks] == ["from-folder", "single"]


def test_load_decks_skips_a_second_deck_with_the_same_id(tmp_path: Path) -> None:
    first = write(tmp_path, HEADER + card("download"), name="a.yaml")
    second = write(tmp_path, HEADER + card("upload"), name="b.yaml")

    result = load_decks([tmp_path])

    assert len(result.decks) == 1
    assert result.decks[0].path == first
    assert [c.term for c in result.decks[0].cards] == ["download"]
    [problem] = result.problems
    assert (problem.path, problem.line, problem.column) == (str(second), 1, 1)
    assert "deck id 'test'" in problem.message
    assert str(first) in problem.message
    assert "skipped" in problem.message


# -- safety ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "line", "column"),
    [
        (HEADER + card("download", '    notes: !!python/object/apply:os.system ["touch {marker}"]\n'), 9, 12),
        (HEADER + card("download", '    notes: !!python/object/apply:os.system "touch {marker}"\n'), 9, 12),
        ('!!python/object/apply:os.system ["touch {marker}"]\n', 1, 1),
    ],
    ids=["card-value-sequence", "card-value-scalar", "whole-document"],
)
def test_python_tags_are_a_problem_and_never_run(tmp_path: Path, template: str, line: int, column: int) -> None:
    marker = tmp_path / "pwned"
    path = write(tmp_path, template.format(marker=marker))

    problems = problems_of(path)

    assert not marker.exists(), "loading a deck ran a shell command"
    assert any((p.line, p.column) == (line, column) for p in problems), [str(p) for p in problems]


def test_python_tags_in_load_decks_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    write(tmp_path, HEADER + card("download", f'    notes: !!python/object/apply:os.system ["touch {marker}"]\n'))
    result = load_decks([tmp_path])
    assert not marker.exists()
    assert result.decks == []
    assert len(result.problems) == 1
