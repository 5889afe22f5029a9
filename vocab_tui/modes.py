"""Study modes: which one a card gets, and how a typed or chosen answer is judged."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

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
# Small words a learner may put before any term ("a firewall", "to approve"); one is dropped.
FUNCTION_WORDS = ("a ", "an ", "the ", "to ")
# Characters that look like a dash or a quote on screen compare as the plain one.
LOOK_ALIKES = str.maketrans(
    {**dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d", "-"),
     **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4\u0060\uff07", "'"),
     **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\uff02", '"')}
)
EDGE_PUNCTUATION = " .!?,;:\""
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
    """Any term may be typed with or without 'a', 'an', 'the' or 'to' in front, unless it starts with one."""
    return not normalise(card.term).startswith(FUNCTION_WORDS)


def fold(text: str) -> str:
    """What the eye sees: invisible format characters (soft hyphen, zero-width space) gone,
    look-alike dashes and quotes made plain, compatibility forms (full-width letters) made ordinary."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return text.translate(LOOK_ALIKES)


def _drop_function_word(text: str) -> str:
    for word in FUNCTION_WORDS:
        if text.startswith(word):
            return text[len(word):]
    return text


@lru_cache(maxsize=8192)  # options, answers and distractors are the same few thousand texts again and again
def normalise(text: str, drop_article: bool = False) -> str:
    """Compare answers the way a teacher would: ignore case, spacing, final punctuation and
    characters that look alike; with drop_article, one leading 'a', 'an', 'the' or 'to'."""
    text = fold(text).casefold()
    text = " ".join(text.split()).strip(EDGE_PUNCTUATION)
    return _drop_function_word(text) if drop_article else text


@dataclass(frozen=True)
class Segment:
    """One piece of the character diff between what was typed and the answer."""

    kind: str  # "same", "extra" (typed, not in the answer), "missing" (in the answer, not typed)
    text: str  # in a typed diff, "same" and "extra" hold exactly what was typed


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
    diff = typed_diff(typed, answer, drop_article)
    target = normalise(answer, drop_article)
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


def typed_diff(typed: str, answer: str, drop_article: bool = False) -> tuple[Segment, ...]:
    """What the learner typed, as typed, against the answer as compared.

    Joining the "same" and "extra" texts gives back what was typed (its outer spacing and final
    punctuation aside), so the screen can show the learner's own typing with the differing letters
    marked; "same" and "missing" give the compared answer.
    """
    shown = "".join(ch for ch in " ".join(typed.split()).strip(EDGE_PUNCTUATION)
                    if unicodedata.category(ch) != "Cf")
    keys = [fold(ch).casefold() for ch in shown]
    target = normalise(answer, drop_article)
    segments: list[Segment] = []
    start = 0
    if drop_article:  # a leading 'the' or 'to' the check accepts is not a difference
        folded = "".join(keys)
        dropped = len(folded) - len(_drop_function_word(folded))
        while dropped > 0 and start < len(keys):
            dropped -= len(keys[start])
            start += 1
        if start:
            segments.append(Segment("same", shown[:start]))
    for op in Levenshtein.opcodes(keys[start:], list(target)):
        src = shown[start + op.src_start:start + op.src_end]
        if op.tag == "equal":
            segments.append(Segment("same", src))
            continue
        if op.tag in ("delete", "replace"):
            segments.append(Segment("extra", src))
        if op.tag in ("insert", "replace"):
            segments.append(Segment("missing", target[op.dest_start:op.dest_end]))
    merged: list[Segment] = []
    for segment in segments:
        if merged and merged[-1].kind == segment.kind:
            merged[-1] = Segment(segment.kind, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return tuple(merged)


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


def _term_matches(card: Card) -> list[re.Match[str]]:
    """Every place the term (in any form the cloze accepts, any case) stands in the card's example."""
    words = card.term.rstrip(".?!").split()
    if not words:
        return []
    joiner = r"((?:\s+[\w'’]+){0,2}?\s+|[\s-]+)" if card.part_of_speech == "phrasal verb" else r"([\s-]+)"
    pattern = r"(?<![\w-])" + joiner.join(f"({_word_pattern(w, card.part_of_speech)})" for w in words)
    pattern += r"(?![\w-])"
    return list(re.finditer(pattern, card.example, flags=re.IGNORECASE))


def example_uses_term(card: Card) -> bool:
    """True when the example holds the term in a form the cloze mode can blank ('submitted' for 'submit')."""
    return bool(_term_matches(card))


def cloze(card: Card) -> Cloze | None:
    """Blank the term (or its inflected form) wherever it stands in the card's example.

    None if the example lacks the term, or uses it in two different forms (one typed answer
    could not fill both gaps). A phrasal verb may be split by its object ("call you back"):
    each part gets its own blank.
    """
    matches = _term_matches(card)
    if not matches:
        return None
    pieces: list[str] = []
    answers: list[str] = []
    end = 0
    for match in matches:  # every occurrence: a term left standing elsewhere would give the answer away
        groups = match.groups()
        parts, gaps = groups[0::2], groups[1::2]
        if all(gap.strip(" -") == "" for gap in gaps):  # one unbroken phrase: one blank
            blanked = BLANK
            answers.append(match.group(0))
        else:
            blanked = BLANK + "".join(gap + BLANK for gap in gaps)
            answers.append(" ".join(parts))
        pieces += [card.example[end:match.start()], blanked]
        end = match.end()
    if len({normalise(answer) for answer in answers}) > 1:
        return None
    return Cloze("".join(pieces) + card.example[end:], answers[0])


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
