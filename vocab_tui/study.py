"""A study session: which card comes next, grading it, and what the session amounted to."""

from __future__ import annotations

import bisect
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from fsrs import Card as FSRSCard
from fsrs import Rating, State

from .clock import Clock
from .models import Answer, Learner, StoredCard
from .scheduling import (
    SchedulerSettings,
    day_end,
    day_start,
    interleave,
    make_scheduler,
    order_reviews,
    outcomes,
    remaining,
)
from .store import Store

MAX_ANSWER_MS = 60_000  # a card left on screen over lunch is not a minute of study


@dataclass(frozen=True)
class StudyCard:
    """The card being shown, with the learner's state for it (None when new)."""

    stored: StoredCard
    state: FSRSCard | None

    @property
    def pk(self) -> int:
        return self.stored.pk

    @property
    def is_new(self) -> bool:
        return self.state is None


@dataclass(frozen=True)
class SessionSummary:
    studied: int
    remembered: int
    time_ms: int
    due_tomorrow: int
    learning_later: int

    @property
    def remembered_percent(self) -> int:
        return round(100 * self.remembered / self.studied) if self.studied else 0


class StudySession:
    """Cards due for one learner in some decks, served one at a time; every answer is saved."""

    def __init__(
        self,
        store: Store,
        learner: Learner,
        deck_ids: list[str],
        clock: Clock,
        settings: SchedulerSettings | None = None,
    ) -> None:
        self.store = store
        self.learner = learner
        self.deck_ids = list(deck_ids)
        self.clock = clock
        self.settings = settings or SchedulerSettings()
        self.scheduler = make_scheduler(self.settings, learner.settings.desired_retention)
        self.started_at = clock.now()
        self.current: StudyCard | None = None
        self._shown_at: datetime | None = None
        self._outcomes: dict[Rating, FSRSCard] | None = None
        self._learning: list[tuple[datetime, int, FSRSCard]] = []
        self._queue: deque[tuple[int, FSRSCard | None]] = deque()
        self.studied = 0
        self.remembered = 0
        self.time_ms = 0
        self._build_queue()

    # -- the queue ----------------------------------------------------------------------------

    def _day(self) -> tuple[datetime, datetime]:
        now = self.clock.now()
        hour = self.settings.day_starts_at
        return day_start(now, self.clock.tz, hour), day_end(now, self.clock.tz, hour)

    def _build_queue(self) -> None:
        now = self.clock.now()
        start, end = self._day()
        learner = self.learner
        done = self.store.day_progress(learner.id, start)
        for card in self.store.due_states(learner.id, self.deck_ids, (State.Learning, State.Relearning), end):
            self._add_learning(card)
        reviews = self.store.due_states(learner.id, self.deck_ids, (State.Review,), end)
        review_limit = remaining(learner.settings.reviews_per_day, done.reviews_studied)
        for card in order_reviews(reviews, self.scheduler, now)[:review_limit]:
            self._queue.append((card.card_id, card))
        new_limit = remaining(learner.settings.new_per_day, done.new_studied)
        per_deck = [self.store.new_cards(learner.id, deck_id, new_limit) for deck_id in self.deck_ids]
        for pk in interleave(per_deck, new_limit):
            self._queue.append((pk, None))

    def _add_learning(self, card: FSRSCard) -> None:
        bisect.insort(self._learning, (card.due, card.card_id, card), key=lambda item: item[:2])

    def _pick(self) -> tuple[int, FSRSCard | None] | None:
        now = self.clock.now()
        if self._learning and self._learning[0][0] <= now:
            _due, pk, card = self._learning.pop(0)
            return pk, card
        if self._queue:
            return self._queue.popleft()
        if self._learning and self._learning[0][0] <= now + self.settings.learn_ahead:
            _due, pk, card = self._learning.pop(0)
            return pk, card
        return None

    @property
    def remaining(self) -> int:
        """Cards still waiting in this session (learning cards due later today included)."""
        _start, end = self._day()
        learning = sum(1 for due, _pk, _card in self._learning if due < end)
        return len(self._queue) + learning + (1 if self.current else 0)

    @property
    def learning_later(self) -> int:
        return len(self._learning)

    # -- showing and answering ----------------------------------------------------------------

    def next_card(self) -> StudyCard | None:
        """Move to the next card to show, or None when the session has nothing left now."""
        picked = self._pick()
        if picked is None:
            self.current = None
            return None
        pk, state = picked
        self.current = StudyCard(self.store.card(pk), state)
        self._shown_at = self.clock.now()
        self._outcomes = None
        return self.current

    def outcomes(self) -> dict[Rating, FSRSCard]:
        """What each grade would do to the current card; the chosen one is what gets saved."""
        if self.current is None:
            raise RuntimeError("no card is being shown")
        if self._outcomes is None:
            self._outcomes = outcomes(self.scheduler, self.current.state, self.current.pk, self.clock.now())
        return self._outcomes

    def intervals(self) -> dict[Rating, timedelta]:
        now = self.clock.now()
        return {rating: card.due - now for rating, card in self.outcomes().items()}

    def answer(self, rating: Rating, mode: str = "recognition") -> FSRSCard:
        """Grade the current card and save it before anything else happens."""
        current = self.current
        if current is None or self._shown_at is None:
            raise RuntimeError("no card is being shown")
        after = self.outcomes()[rating]
        now = self.clock.now()
        duration = min(MAX_ANSWER_MS, max(0, int((now - self._shown_at).total_seconds() * 1000)))
        lapses = self.store.lapses(self.learner.id, current.pk)
        if current.state is not None and current.state.state == State.Review and rating == Rating.Again:
            lapses += 1
        self.store.record_answer(
            Answer(
                learner_id=self.learner.id,
                card_pk=current.pk,
                rating=int(rating),
                answered_at=now,
                duration_ms=duration,
                mode=mode,
                before=current.state,
                after=after,
                lapses=lapses,
            )
        )
        self.studied += 1
        self.remembered += rating != Rating.Again
        self.time_ms += duration
        _start, end = self._day()
        if after.state in (State.Learning, State.Relearning) and after.due < end:
            self._add_learning(after)
        self.current = None
        return after

    def summary(self) -> SessionSummary:
        _start, end = self._day()
        due_tomorrow = self.store.due_before(self.learner.id, self.deck_ids, end + timedelta(days=1))
        return SessionSummary(self.studied, self.remembered, self.time_ms, due_tomorrow, len(self._learning))
