"""Study modes: which one a card gets, and how a typed or chosen answer is judged."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from fsrs import Card as FSRSCard
from fsrs import Rating, State
from rapidfuzz.distance import OSA, Levenshtein

from .decks import Card
from .i18n import N_


class Mode(StrEnum):
    RECOGNITION = "recognition"  # English -> Indonesian, flip and self-grade
    PRODUCTION = "production"  # Indonesian -> English, flip and self-grade
    TYPED = "typed"  # Indonesian -> type the English
    CHOICE = "choice"  # English -> pick the Indonesian among four
    CLOZE = "cloze"  # the example with the term blanked -> type it
    MIXED = "mixed"  # not a mode of its own: each card gets one by its maturity


MODE_LABELS = {
    Mode.MIXED: N_("Mixed (follows how well you know each card)"),
    Mode.RECOGNITION: N_("Recognition: English → Indonesian"),
    Mode.PRODUCTION: N_("Production: Indonesian → English"),
    Mode.TYPED: N_("Typed answer: type the English word"),
    Mode.CHOICE: N_("Multiple choice"),
    Mode.CLOZE: N_("Cloze: fill the gap in the example"),
}
SELF_GRADED = (Mode.RECOGNITION, Mode.PRODUCTION)
ARTICLES = ("a ", "an ", "the ")
BLANK = "_____"


def mode_for(card: Card, state: FSRSCard | None, choice_possible: bool = True) -> Mode:
    """The mixed-mode choice: easy modes while a card is new, harder ones as its memory grows."""
    if state is None:
        return Mode.CHOICE if choice_possible else Mode.RECOGNITION
    if state.state != State.Review or state.stability is None:
        return Mode.RECOGNITION
    if state.stability < 4:
        return Mode.PRODUCTION
    if state.stability < 15:
        return Mode.TYPED
    return Mode.CLOZE if cloze(card) is not None else Mode.TYPED


# -- typed answers ------------------------------------------------------------------------------


def allows_article(card: Card) -> bool:
    """A noun may be typed with or without 'a', 'an' or 'the' in front."""
    return card.part_of_speech in (None, "noun") and not card.term.lower().startswith(ARTICLES)


def normalise(text: str, drop_article: bool = False) -> str:
    """Compare answers the way a teacher would: ignore case, spacing and final punctuation."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = " ".join(text.split()).strip(" .!?,;:\"")
    if drop_article:
        for article in ARTICLES:
            if text.startswith(article):
                text = text[len(article):]
                break
    return text


@dataclass(frozen=True)
class Segment:
    """One piece of the character diff between what was typed and the answer."""

    kind: str  # "same", "extra" (typed, not in the answer), "missing" (in the answer, not typed)
    text: str


@dataclass(frozen=True)
class TypedResult:
    verdict: str  # "correct", "close" or "wrong"
    rating: Rating
    expected: str
    typed: str
    diff: tuple[Segment, ...] = ()

    @property
    def correct(self) -> bool:
        return self.verdict == "correct"


def allowed_edits(answer: str) -> int:
    """About one slip per six letters, at least one."""
    return max(1, round(len(answer) / 6))


def check_typed(typed: str, answers: Sequence[str], drop_article: bool = False) -> TypedResult:
    """Judge a typed answer against the accepted answers: Good, Hard (a near miss) or Again."""
    expected = answers[0]
    given = normalise(typed, drop_article)
    if not given:
        return TypedResult("wrong", Rating.Again, expected, typed)
    best: tuple[int, str] | None = None
    for answer in answers:
        target = normalise(answer, drop_article)
        if given == target:
            return TypedResult("correct", Rating.Good, answer, typed)
        distance = OSA.distance(given, target)  # a swapped pair of letters is one slip
        if best is None or distance < best[0]:
            best = (distance, answer)
    assert best is not None
    distance, answer = best
    target = normalise(answer, drop_article)
    diff = char_diff(given, target)
    if distance <= allowed_edits(target):
        return TypedResult("close", Rating.Hard, answer, typed, diff)
    return TypedResult("wrong", Rating.Again, answer, typed, diff)


def char_diff(typed: str, expected: str) -> tuple[Segment, ...]:
    segments: list[Segment] = []
    for op in Levenshtein.opcodes(typed, expected):
        if op.tag == "equal":
            segments.append(Segment("same", typed[op.src_start:op.src_end]))
            continue
        if op.tag in ("delete", "replace"):
            segments.append(Segment("extra", typed[op.src_start:op.src_end]))
        if op.tag in ("insert", "replace"):
            segments.append(Segment("missing", expected[op.dest_start:op.dest_end]))
    return tuple(segments)


# -- cloze --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cloze:
    sentence: str  # the example with the term replaced by a blank
    answer: str  # the form of the term as it stands in the example


def _word_forms(word: str, part_of_speech: str | None) -> list[str]:
    """The inflected forms of one word of a term, longest first (regular English spelling rules)."""
    w = word.lower()
    forms = {w, w + "s", w + "es", w + "ed", w + "ing"}
    if w.endswith("e"):
        forms |= {w + "d", w[:-1] + "ing"}
    if len(w) > 2 and w.endswith("y") and w[-2] not in "aeiou":
        forms |= {w[:-1] + "ies", w[:-1] + "ied"}
    if len(w) > 2 and w[-1] not in "aeiouwxy" and w[-2] in "aeiou" and w[-3] not in "aeiou":
        forms |= {w + w[-1] + "ed", w + w[-1] + "ing"}  # stop -> stopped, plan -> planning
    if part_of_speech == "adjective":  # only adjectives compare: large -> larger, not manage -> manager
        forms |= {w + "er", w + "est", w + "r", w + "st"}
        if w.endswith("y"):
            forms |= {w[:-1] + "ier", w[:-1] + "iest"}
    return sorted(forms, key=len, reverse=True)


def _word_pattern(word: str, part_of_speech: str | None) -> str:
    return "(?:" + "|".join(re.escape(form) for form in _word_forms(word, part_of_speech)) + ")"


def cloze(card: Card) -> Cloze | None:
    """Blank the term (or its inflected form) in the card's example; None if it is not there.

    A phrasal verb may be split by its object ("call you back"): each part gets its own blank.
    """
    words = card.term.rstrip(".?!").split()
    if not words:
        return None
    joiner = r"((?:\s+[\w'’]+){0,2}?\s+|[\s-]+)" if card.part_of_speech == "phrasal verb" else r"([\s-]+)"
    pattern = r"(?<![\w-])" + joiner.join(f"({_word_pattern(w, card.part_of_speech)})" for w in words)
    pattern += r"(?![\w-])"
    match = re.search(pattern, card.example, flags=re.IGNORECASE)
    if match is None:
        return None
    groups = match.groups()
    parts, gaps = groups[0::2], groups[1::2]
    if all(gap.strip(" -") == "" for gap in gaps):  # one unbroken phrase: one blank
        blanked = BLANK
    else:
        blanked = BLANK + "".join(gap + BLANK for gap in gaps)
    sentence = card.example[: match.start()] + blanked + card.example[match.end():]
    answer = match.group(0) if blanked == BLANK else " ".join(parts)
    return Cloze(sentence, answer)


# -- multiple choice ----------------------------------------------------------------------------


def choose_options(card: Card, pool: Sequence[Card], rng: random.Random, n: int = 4) -> list[Card]:
    """The card and up to n-1 distractors, shuffled; no two options share a translation.

    Distractors come from the same deck, with the same part of speech where possible, and from
    other decks only when the deck is too small.
    """
    seen = {normalise(card.translation), normalise(card.term)}
    options = [card]

    def take(candidates: list[Card]) -> None:
        rng.shuffle(candidates)
        for other in candidates:
            if len(options) >= n:
                return
            keys = {normalise(other.translation), normalise(other.term)}
            if keys & seen:
                continue
            seen.update(keys)
            options.append(other)

    same_deck = [c for c in pool if c.deck_id == card.deck_id and c.id != card.id]
    take([c for c in same_deck if c.part_of_speech == card.part_of_speech])
    take(same_deck)
    take([c for c in pool if c.deck_id != card.deck_id])
    rng.shuffle(options)
    return options
