"""Properties that must hold for any input: the loader never crashes, answers judge sanely."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from vocab_tui.decks import check_deck
from vocab_tui.modes import check_typed, normalise

words = st.text(alphabet=string.ascii_lowercase + "éü", min_size=1, max_size=12)
terms = st.lists(words, min_size=1, max_size=3).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_any_file_gives_a_deck_or_problems_never_an_exception(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("fuzz") / "deck.yaml"
    deck, problems = check_deck(path, raw)
    assert (deck is None) == bool(problems)
    for problem in problems:
        assert problem.line >= 1 and problem.column >= 1 and "\n" not in problem.message


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_a_deck_or_problems_never_an_exception(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("fuzz") / "deck.yaml"
    deck, problems = check_deck(path, ("deck:\n  id: x\n  title: X\ncards:\n" + text).encode())
    assert (deck is None) == bool(problems)


@given(terms, st.sampled_from([str.upper, str.title, str.lower]), st.integers(0, 3))
def test_the_term_itself_is_always_right_whatever_the_case_and_spacing(term, case, pad):
    typed = " " * pad + case(term).replace(" ", "  ") + " " * pad
    assert check_typed(typed, [term]).verdict == "correct"


@given(terms, terms)
def test_a_verdict_is_one_of_three_and_matches_its_grade(term, typed):
    result = check_typed(typed, [term])
    assert (result.verdict, int(result.rating)) in {("correct", 3), ("close", 2), ("wrong", 1)}
    if normalise(typed) != normalise(term):
        assert result.verdict != "correct"
