"""A study session: which card comes next, grading it, and what the session amounted to."""

from __future__ import annotations

import bisect
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from fsrs import Card as FSRSCard
from fsrs import Rating, State

from .clock import Clock
from .decks import Card
from .models import Answer, CardFlags, Learner, StoredCard
from .modes import Cloze, Mode, TypedResult, allows_article, check_typed, choose_options, cloze, mode_for
from .scheduling import (
    SchedulerSettings,
    day_end,
    day_start,
    grade,
    interleave,
    make_scheduler,
    outcomes,
    remaining,
)
from .store import KEEP_FLAGS, StaleCardError, Store

MAX_ANSWER_MS = 60_000  # a card left on screen over lunch is not a minute of study


@dataclass(frozen=True)
class StudyCard:
    """The card being shown, with the learner's state for it (None when new) and how it is asked."""

    stored: StoredCard
    state: FSRSCard | None
    mode: Mode = Mode.RECOGNITION
    options: tuple[Card, ...] = ()  # multiple choice: the card's own and the distractors, shuffled
    cloze: Cloze | None = None

    @property
    def card(self) -> Card:
        return self.stored.card

    def answers(self) -> list[str]:
        """What counts as right when the term is typed (the cloze form first, for a cloze)."""
        term = self.stored.card.term
        if self.cloze is not None and self.cloze.answer.lower() != term.lower():
            return [self.cloze.answer, term]
        return [term]

    def check(self, typed: str) -> TypedResult:
        """Judge what the learner typed against this card's accepted answers."""
        return check_typed(typed, self.answers(), drop_article=allows_article(self.stored.card))

    @property
    def pk(self) -> int:
        return self.stored.pk

    @property
    def is_new(self) -> bool:
        return self.state is None


@dataclass(frozen=True)
class Answered:
    """What an answer did: the card's new state, and whether it has just become a leech.

    `rebased` tells that the card had been studied on another screen after it was shown here:
    the grade was applied to that newer progress instead of the state on screen. `review_id` is
    the answer's row in the review log (committed before `answer` returns).
    """

    after: FSRSCard
    rating: Rating
    became_leech: bool = False
    rebased: bool = False
    review_id: int | None = None


@dataclass
class _Step:
    """Enough about one answer, or one card put away unanswered, to take it back with all it caused."""

    card: StudyCard
    review_id: int | None = None  # None: the card was suspended or buried without an answer
    duration_ms: int = 0
    rating: Rating | None = None
    learning_entry: tuple[datetime, int, FSRSCard] | None = None
    flags_changed: bool = False  # the card was suspended or buried with this step
    flags_before: CardFlags | None = None  # its flags before that, to put back on undo


@dataclass(frozen=True)
class CardsLeft:
    """What is still waiting in a session today, the card on screen included (as Anki counts)."""

    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass(frozen=True)
class SessionSummary:
    studied: int
    remembered: int
    time_ms: int
    due_tomorrow: int
    learning_later: int
    left: int = 0  # cards the session still had for today when it ended

    @property
    def remembered_percent(self) -> int:
        return round(100 * self.remembered / self.studied) if self.studied else 0


def prepare_card(stored: StoredCard, state: FSRSCard | None, mode: Mode, pool: Callable[[], list[Card]],
                 rng: random.Random) -> StudyCard:
    """How a card is asked in `mode` (by maturity in mixed mode), as a session would ask it.

    `pool()` gives the cards to draw multiple-choice distractors from (called only when a choice may
    be asked). A cloze without the term in the example falls back to a typed answer, a choice with
    fewer than two options to recognition.
    """
    options: tuple[Card, ...] = ()
    # Options are drawn only where a choice may be asked: mixed mode asks it of new cards only.
    if mode == Mode.CHOICE or (mode == Mode.MIXED and state is None):
        options = tuple(choose_options(stored.card, pool(), rng))
    if mode == Mode.MIXED:
        mode = mode_for(stored.card, state, choice_possible=len(options) >= 4)
    gap = cloze(stored.card) if mode == Mode.CLOZE else None
    if mode == Mode.CLOZE and gap is None:
        mode = Mode.TYPED
    if mode == Mode.CHOICE and len(options) < 2:
        mode = Mode.RECOGNITION
    return StudyCard(stored, state, mode, options if mode == Mode.CHOICE else (), gap)


class StudySession:
    """Cards due for one learner in some decks, served one at a time; every answer is saved."""

    def __init__(
        self,
        store: Store,
        learner: Learner,
        deck_ids: list[str],
        clock: Clock,
        settings: SchedulerSettings | None = None,
        *,
        mode: Mode | str | None = None,
        extra_new: int = 0,
        review_ahead_days: int = 0,
        rng: random.Random | None = None,
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
        self.mode = Mode(mode or learner.settings.default_mode)
        self.extra_new = extra_new
        self.review_ahead_days = review_ahead_days
        self.rng = rng or random.Random()
        self._undo: list[_Step] = []
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
        done = self.store.day_progress(learner.id, start, end)
        for card in self.store.due_states(learner.id, self.deck_ids, (State.Learning, State.Relearning), end):
            self._add_learning(card)
        ahead = end + timedelta(days=self.review_ahead_days)
        # Only what today's limit allows leaves the database, least retrievable first (order_reviews's order).
        review_limit = None if self.review_ahead_days else remaining(learner.settings.reviews_per_day,
                                                                      done.reviews_studied)
        for card in self.store.due_reviews(learner.id, self.deck_ids, ahead, now, review_limit):
            self._queue.append((card.card_id, card))
        if self.review_ahead_days:  # reviewing ahead is for cards already learned: no new ones
            return
        new_limit = remaining(learner.settings.new_per_day, done.new_studied) + self.extra_new
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

    def left(self) -> CardsLeft:
        """The cards left today by kind: new, learning (and relearning) and review."""
        _start, end = self._day()
        new = sum(1 for _pk, state in self._queue if state is None)
        review = len(self._queue) - new
        learning = sum(1 for due, _pk, _card in self._learning if due < end)
        current = self.current
        if current is not None:
            if current.state is None:
                new += 1
            elif current.state.state in (State.Learning, State.Relearning):
                learning += 1
            else:
                review += 1
        return CardsLeft(new, learning, review)

    @property
    def learning_later(self) -> int:
        return len(self._learning)

    # -- showing and answering ----------------------------------------------------------------

    def next_card(self) -> StudyCard | None:
        """Move to the next card to show, or None when the session has nothing left now."""
        while True:
            picked = self._pick()
            if picked is None:
                self.current = None
                return None
            pk, state = picked
            stored = self.store.card(pk)
            if not stored.retired:  # a deck reloaded during the session may have retired it: skip it
                break
        self._show(self._prepare(stored, state))
        return self.current

    def _show(self, card: StudyCard) -> None:
        self.current = card
        self._shown_at = self.clock.now()
        self._outcomes = None

    def _prepare(self, stored: StoredCard, state: FSRSCard | None) -> StudyCard:
        """Decide how the card is asked: the session's mode, or by maturity in mixed mode."""
        return prepare_card(stored, state, self.mode, lambda: self.pool(stored), self.rng)

    def pool(self, stored: StoredCard) -> list[Card]:
        """Cards to draw the distractors for `stored` from: a small random sample, never the whole deck."""
        return self.store.choice_candidates(stored, self.deck_ids, self.rng)

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

    def answer(self, rating: Rating) -> Answered:
        """Grade the current card and save it before anything else happens.

        The grade is applied to the card's stored progress: if another screen of the same learner
        studied the card after it was shown here, the grade is worked out again from that newer
        state (in the same transaction) and `Answered.rebased` says so.
        """
        current = self.current
        if current is None or self._shown_at is None:
            raise RuntimeError("no card is being shown")
        now = self.clock.now()
        duration = min(MAX_ANSWER_MS, max(0, int((now - self._shown_at).total_seconds() * 1000)))

        def answer_to(before: FSRSCard | None, after: FSRSCard) -> Answer:
            return Answer(self.learner.id, current.pk, int(rating), now, duration, str(current.mode), before, after)

        def rebase(stored: FSRSCard | None) -> Answer:
            return answer_to(stored, grade(self.scheduler, stored, current.pk, rating, now))

        saved = self.store.record_answer(answer_to(current.state, self.outcomes()[rating]), rebase)
        before, after = saved.answer.before, saved.answer.after
        if saved.rebased:  # undo shows the card as it really was before this answer
            current = replace(current, state=before)
        self.studied += 1
        self.remembered += rating != Rating.Again
        self.time_ms += duration
        step = _Step(current, saved.review_id, duration, rating)
        _start, end = self._day()
        if after.state in (State.Learning, State.Relearning) and after.due < end:
            step.learning_entry = (after.due, after.card_id, after)
            self._add_learning(after)
        self._undo.append(step)
        self.current = None
        leech = (
            rating == Rating.Again
            and before is not None
            and before.state == State.Review
            and saved.lapses >= self.settings.leech_threshold
        )
        return Answered(after, rating, leech, saved.rebased, saved.review_id)

    # -- taking back, suspending, burying -------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def undo_is_answer(self) -> bool:
        """Whether undo would take back an answer (rather than a card put away unanswered)."""
        return bool(self._undo) and self._undo[-1].review_id is not None

    @property
    def last_put_away(self) -> StudyCard | None:
        """The card that undo would bring back after a suspend or bury without an answer."""
        if self._undo and self._undo[-1].review_id is None:
            return self._undo[-1].card
        return None

    def undo(self) -> StudyCard | None:
        """Take back the last answer (or suspend, or bury) of this session, with everything it caused.

        The card is shown again as it was before; a suspend or bury that came with the answer is
        reversed too. If the card has been studied on another screen since, the store refuses
        (StaleCardError) and nothing changes but this: the answer leaves the undo list, as it can
        no longer be taken back; the answer before it still can.
        """
        if not self._undo:
            return None
        step = self._undo[-1]
        pk = step.card.pk
        if step.review_id is not None:
            try:  # the answer and any put-away that came with it are taken back in one transaction
                self.store.undo_review(step.review_id, step.flags_before if step.flags_changed else KEEP_FLAGS,
                                       learner_id=self.learner.id)
            except StaleCardError:
                self._undo.pop()
                raise
        elif step.flags_changed:
            self.store.restore_card_flags(self.learner.id, pk, step.flags_before)
        self._undo.pop()
        # The card is shown again as it was: no later copy of it may stay queued.
        self._learning = [item for item in self._learning if item[1] != pk]
        self._queue = deque(item for item in self._queue if item[0] != pk)
        if self.current is not None and self.current.pk != pk:  # the card that came next goes back first
            self._queue.appendleft((self.current.pk, self.current.state))
        if step.review_id is not None:
            self.studied -= 1
            self.remembered -= step.rating != Rating.Again
            self.time_ms -= step.duration_ms
        self._show(step.card)
        return self.current

    def suspend_current(self) -> StudyCard | None:
        """Keep the current card out of every future session (until resumed in Browse); show the next."""
        if self.current is not None:
            self._put_away(_Step(self.current), suspend=True)
        return self.next_card()

    def bury_current(self) -> StudyCard | None:
        """Put the current card away until the next study day; show the next."""
        if self.current is not None:
            self._put_away(_Step(self.current), suspend=False)
        return self.next_card()

    def suspend_last(self) -> None:
        """Suspend the card answered last (e.g. after it was marked a leech); undo reverses both."""
        if self._undo:
            self._put_away(self._undo[-1], suspend=True)

    def bury_last(self) -> None:
        """Put the card answered last away until the next study day; undo reverses both."""
        if self._undo:
            self._put_away(self._undo[-1], suspend=False)

    def _put_away(self, step: _Step, suspend: bool) -> None:
        pk = step.card.pk
        flags = self.store.card_flags(self.learner.id, pk)
        if suspend:
            self.store.set_suspended(self.learner.id, pk, True)
        else:
            self.store.bury(self.learner.id, pk, self._day()[1])
        if not step.flags_changed:  # the first put-away of this step: what undo restores
            step.flags_changed, step.flags_before = True, flags
        if not self._undo or self._undo[-1] is not step:
            self._undo.append(step)
        # Put away means gone from this session too: no copy of it is left to be shown.
        self._learning = [item for item in self._learning if item[1] != pk]
        self._queue = deque(item for item in self._queue if item[0] != pk)
        if self.current is not None and self.current.pk == pk:
            self.current = None

    def summary(self) -> SessionSummary:
        _start, end = self._day()
        tomorrow_end = day_end(end, self.clock.tz, self.settings.day_starts_at)
        due_tomorrow = self.store.due_before(self.learner.id, self.deck_ids, tomorrow_end)
        return SessionSummary(self.studied, self.remembered, self.time_ms, due_tomorrow, len(self._learning),
                              self.remaining)
