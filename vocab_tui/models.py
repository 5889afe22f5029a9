"""Plain records passed between the store, the domain and the interface."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from .i18n import N_, _

if TYPE_CHECKING:  # annotations only: the store's errors import this module, and start-up needs no YAML
    from fsrs import Card as FSRSCard

    from .decks import Card

NEW = 0  # review-log code for "the card had never been studied"; fsrs has no New state


@dataclass(frozen=True)
class LearnerSettings:
    new_per_day: int = 20
    reviews_per_day: int = 200
    desired_retention: float = 0.90
    default_mode: str = "mixed"


@dataclass(frozen=True)
class Learner:
    id: int
    name: str
    unit: str
    created_at: datetime
    settings: LearnerSettings = field(default_factory=LearnerSettings)
    nip: str | None = None  # Nomor Induk Pegawai, 18 digits
    role: str = "learner"  # one of ROLES
    has_pin: bool = False


ROLES = ("learner", "trainer", "manager")
# The roles as people read them (the stored words are codes; CSV and JSON exports keep the codes).
ROLE_NAMES = {"learner": N_("learner"), "trainer": N_("trainer"), "manager": N_("manager")}


def role_name(role: str) -> str:
    """A role as the interface calls it, in the interface language (an unknown role as it is stored)."""
    return _(ROLE_NAMES[role]) if role in ROLE_NAMES else role


@dataclass(frozen=True)
class DeckInfo:
    id: str
    title: str
    description: str
    card_count: int


@dataclass(frozen=True)
class StoredCard:
    """A card as stored: its database key and its content."""

    pk: int
    card: Card
    retired: bool = False  # gone from its deck file: kept with its history, never scheduled


@dataclass(frozen=True)
class DeckCounts:
    """What a learner has waiting in one deck today."""

    deck_id: str
    title: str
    new: int
    learning: int
    due: int
    total: int


@dataclass(frozen=True)
class DayProgress:
    """What a learner has done since the study day began."""

    reviewed: int = 0
    new_studied: int = 0
    reviews_studied: int = 0
    remembered: int = 0
    time_ms: int = 0


@dataclass(frozen=True)
class Answer:
    """One graded answer, as it goes into the review log: `after` is worked out from `before`.

    The card's lapse count is not part of it: the store reads and raises it in the same
    transaction that saves the answer.
    """

    learner_id: int
    card_pk: int
    rating: int
    answered_at: datetime
    duration_ms: int
    mode: str
    before: FSRSCard | None
    after: FSRSCard


@dataclass(frozen=True)
class CardFlags:
    """How a learner has put a card away: suspended, or buried until a moment."""

    suspended: bool = False
    buried_until: datetime | None = None


@dataclass(frozen=True)
class TermStats:
    """How hard one card was for the learners who studied it (`Store.term_stats`).

    `lapse_rate`: answers Again to the card while it was in review / answers while it was in review
    (None without any). `first_again`: answers Again given while the card was new (each learner's first
    answer) / answers given while it was new (None without any). `average_ms`: mean time to answer
    over the answers with a recorded time (None without any).
    """

    card_pk: int
    deck_id: str
    card_id: str
    term: str
    translation: str
    learners: int  # distinct learners who answered it
    answers: int
    review_answers: int  # answers while the card was in review (state before = 2)
    lapses: int  # of those, answered Again
    first_answers: int  # answers while the card was new (state before = 0)
    first_again: int  # of those, answered Again
    average_ms: float | None

    @property
    def lapse_rate(self) -> float | None:
        return self.lapses / self.review_answers if self.review_answers else None

    @property
    def first_again_share(self) -> float | None:
        return self.first_again / self.first_answers if self.first_answers else None
