"""The shipped curriculum: every deck valid, complete and consistent."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from vocab_tui.decks import LEVELS, PARTS_OF_SPEECH, bundled_decks_dir, check_deck, deck_files
from vocab_tui.modes import cloze

MINIMUM_CARDS = {
    "spbe": 150,
    "cybersecurity": 80,
    "digital-workplace": 100,
    "office-english": 150,
    "digital-leadership": 60,
    "false-friends": 40,
}
INTENTIONAL_REPEAT = "cross-deck"  # tag on every copy of a term that two decks teach on purpose
PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME|lorem|xxx)\b|\.\.\.|…$", re.IGNORECASE)
REQUIRED = ("term", "translation", "definition", "example", "example_translation", "part_of_speech", "level")


@pytest.fixture(scope="module")
def decks():
    loaded = {}
    for path in deck_files([bundled_decks_dir()]):
        deck, problems = check_deck(path)
        assert not problems, "\n".join(map(str, problems))
        loaded[deck.id] = deck
    return loaded


def test_the_six_decks_are_shipped_with_enough_cards(decks):
    assert set(decks) == set(MINIMUM_CARDS)
    for deck_id, minimum in MINIMUM_CARDS.items():
        assert len(decks[deck_id].cards) >= minimum, deck_id
    assert sum(len(d.cards) for d in decks.values()) >= 600


def test_no_term_is_taught_twice_unless_tagged_intentional(decks):
    where = defaultdict(list)
    for deck in decks.values():
        for card in deck.cards:
            where[card.term.casefold()].append(card)
    repeated = {
        term: [c.deck_id for c in cards]
        for term, cards in where.items()
        if len(cards) > 1 and not all(INTENTIONAL_REPEAT in c.tags for c in cards)
    }
    assert not repeated


def test_every_card_is_complete_with_no_placeholder(decks):
    problems = []
    for deck in decks.values():
        for card in deck.cards:
            for field in REQUIRED:
                value = getattr(card, field)
                if not value or PLACEHOLDER.search(value):
                    problems.append(f"{deck.id}/{card.id}: {field} = {value!r}")
            if not card.tags:
                problems.append(f"{deck.id}/{card.id}: no tags")
            if card.level not in LEVELS or card.part_of_speech not in PARTS_OF_SPEECH:
                problems.append(f"{deck.id}/{card.id}: level {card.level}, part of speech {card.part_of_speech}")
            if card.term.casefold() in card.definition.casefold().split():
                problems.append(f"{deck.id}/{card.id}: the definition gives the term away")
    assert not problems, "\n".join(problems)


def test_every_example_uses_its_term(decks):
    missing = [
        f"{deck.id}/{card.id}: {card.term!r} not in {card.example!r}"
        for deck in decks.values()
        for card in deck.cards
        if cloze(card) is None
    ]
    assert not missing, "\n".join(missing)


def test_acronyms_say_what_they_stand_for(decks):
    bare = [
        f"{deck.id}/{card.id}"
        for deck in decks.values()
        for card in deck.cards
        if re.fullmatch(r"[A-Z]{2,6}", card.term) and not card.acronym_of
    ]
    assert not bare


def test_official_spelling_of_pelindungan_data_pribadi(decks):
    wrong = [
        f"{deck.id}/{card.id}"
        for deck in decks.values()
        for card in deck.cards
        if "perlindungan data pribadi" in card.translation.lower()
    ]
    assert not wrong
