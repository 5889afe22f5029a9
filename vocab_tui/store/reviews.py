"""A learner's card states and review log: the queue's reads, saving an answer, undo, suspend and bury."""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from fsrs import Card as FSRSCard
from fsrs import State

from ..clock import from_ms, iso, parse_iso, to_ms
from ..i18n import _
from ..models import (
    NEW,
    Answer,
    CardFlags,
)
from .daily import DailyMixin
from .errors import LearnerGoneError, StaleCardError, StoreError
from .schema import REVIEW_ID_RANDOM_BITS, mode_code, mode_name, new_review_id, review_id_bounds

if TYPE_CHECKING:
    from sqlite_utils import Database

# `undo_review` leaves the card's suspend and bury flags as they are.
KEEP_FLAGS = object()

# A card the learner has suspended, or buried until later, stays out of every queue.
_AVAILABLE = (
    "NOT EXISTS (SELECT 1 FROM card_flags f WHERE f.learner_id = {learner} AND f.card_pk = {card} "
    "AND (f.suspended = 1 OR f.buried_until > {now}))"
)


@dataclass(frozen=True)
class SavedAnswer:
    """What `Store.record_answer` wrote: the answer as applied, and the card's lapse count after it."""

    review_id: int
    answer: Answer  # its `before` is the stored state it was applied to
    lapses: int
    rebased: bool = False  # the card had moved on elsewhere; `answer` was worked out again from its state


_FOREIGN_KEY_FAILED = 787  # SQLITE_CONSTRAINT_FOREIGNKEY: a row for a learner (or card) that is not there


def _identity(card: FSRSCard | None) -> tuple | None:
    """A card state as stored (instants to the millisecond): equal identities are the same progress."""
    if card is None:
        return None
    last = iso(card.last_review) if card.last_review else None
    return (int(card.state), card.step, card.stability, card.difficulty, iso(card.due), last)


def _lapsed(before: FSRSCard | None, rating: int) -> bool:
    """Forgetting a card in review is a lapse (a leech is a card with many)."""
    return before is not None and before.state == State.Review and rating == 1


class ReviewsMixin(DailyMixin):
    # -- a learner's cards ------------------------------------------------------------------

    @staticmethod
    def _fsrs_card(row: dict) -> FSRSCard:
        return FSRSCard(
            card_id=row["card_pk"],
            state=State(row["state"]),
            step=row["step"],
            stability=row["stability"],
            difficulty=row["difficulty"],
            due=parse_iso(row["due"]),
            last_review=parse_iso(row["last_review"]) if row["last_review"] else None,
        )

    def card_state(self, learner_id: int, card_pk: int) -> FSRSCard | None:
        row = self._one("SELECT * FROM card_states WHERE learner_id = ? AND card_pk = ?", [learner_id, card_pk])
        return self._fsrs_card(row) if row else None

    def lapses(self, learner_id: int, card_pk: int) -> int:
        row = self.db.execute(
            "SELECT lapses FROM card_states WHERE learner_id = ? AND card_pk = ?", [learner_id, card_pk]
        ).fetchone()
        return int(row[0]) if row else 0

    def due_states(
        self, learner_id: int, deck_ids: list[str], states: tuple[State, ...], due_before: datetime
    ) -> list[FSRSCard]:
        """The learner's active cards in `states` due before `due_before`, in no particular order."""
        available = _AVAILABLE.format(learner="s.learner_id", card="s.card_pk", now=":now")
        rows = self.db.query(
            "SELECT s.* FROM card_states s "
            "WHERE s.learner_id = :learner AND s.deck_id IN (SELECT value FROM json_each(:decks)) "
            "AND s.state IN (SELECT value FROM json_each(:states)) AND s.due < :before "
            f"AND {available}",
            {
                "learner": learner_id,
                "states": json.dumps([int(s) for s in states]),
                "before": iso(due_before),
                "decks": json.dumps(deck_ids),
                "now": iso(self.clock.now()),
            },
        )
        return [self._fsrs_card(row) for row in rows]

    def due_reviews(
        self, learner_id: int, deck_ids: list[str], due_before: datetime, now: datetime, limit: int | None
    ) -> list[FSRSCard]:
        """The learner's active review cards due before `due_before`, least retrievable at `now` first.

        At most `limit` cards (None: all) leave the database. The order is `scheduling.order_reviews`,
        worked out in SQL: FSRS-6 retrievability (1 + factor * t / S) ** -decay falls as t / S grows,
        t being the whole days elapsed since the last review, so t / S descending is the same order;
        a card without a last review or stability counts as retrievability 0 (first). Ties: due, key.
        """
        available = _AVAILABLE.format(learner="s.learner_id", card="s.card_pk", now=":now")
        elapsed_days = (
            "max(0, CAST(round((julianday(:now) - julianday(s.last_review)) * 86400000) AS INTEGER) / 86400000)"
        )
        rows = self.db.query(
            "SELECT s.* FROM card_states s "
            "WHERE s.learner_id = :learner AND s.deck_id IN (SELECT value FROM json_each(:decks)) "
            f"AND s.state = :review AND s.due < :before AND {available} "
            "ORDER BY s.last_review IS NOT NULL AND s.stability IS NOT NULL, "
            f"{elapsed_days} * 1.0 / s.stability DESC, s.due, s.card_pk LIMIT :limit",
            {
                "learner": learner_id,
                "review": int(State.Review),
                "before": iso(due_before),
                "decks": json.dumps(deck_ids),
                "now": iso(now),
                "limit": -1 if limit is None else max(0, limit),
            },
        )
        return [self._fsrs_card(row) for row in rows]

    def new_cards(self, learner_id: int, deck_id: str, limit: int) -> list[int]:
        """Keys of cards of `deck_id` the learner has never studied, in deck order."""
        if limit <= 0:
            return []
        available = _AVAILABLE.format(learner=":learner", card="c.pk", now=":now")
        rows = self.db.execute(
            "SELECT c.pk FROM cards c WHERE c.deck_id = :deck AND c.retired_at IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM card_states s WHERE s.learner_id = :learner AND s.card_pk = c.pk) "
            f"AND {available} ORDER BY c.position LIMIT :limit",
            {"deck": deck_id, "learner": learner_id, "limit": limit, "now": iso(self.clock.now())},
        )
        return [row[0] for row in rows]

    def _stored_state(self, db: Database, learner_id: int, card_pk: int) -> tuple[FSRSCard | None, int]:
        """The card's stored state (None when new) and lapse count; call it inside the write that uses it."""
        row = self._one("SELECT * FROM card_states WHERE learner_id = ? AND card_pk = ?", [learner_id, card_pk])
        return (self._fsrs_card(row), int(row["lapses"] or 0)) if row else (None, 0)

    def record_answer(
        self, answer: Answer, rebase: Callable[[FSRSCard | None], Answer] | None = None
    ) -> SavedAnswer:
        """Save one answer durably (card state and review log in one transaction).

        The answer is applied only to the state it was worked out from (`answer.before`). When the
        stored state has moved on (the learner studied the card on another screen meanwhile),
        `rebase` works the answer out again from the stored state, within the same transaction;
        without `rebase`, StaleCardError is raised and nothing is written. The lapse count is read
        and raised here too, so two screens never lose each other's lapses.
        """
        with self._writing() as db:
            try:
                return self._record_answer(db, answer, rebase)
            except sqlite3.IntegrityError as err:
                if getattr(err, "sqlite_errorcode", None) == _FOREIGN_KEY_FAILED:
                    self._require_learner(db, answer.learner_id)  # the profile was removed meanwhile: say so
                raise

    def _record_answer(
        self, db: Database, answer: Answer, rebase: Callable[[FSRSCard | None], Answer] | None
    ) -> SavedAnswer:
        current, lapses = self._stored_state(db, answer.learner_id, answer.card_pk)
        rebased = _identity(current) != _identity(answer.before)
        if rebased:
            if rebase is None:
                raise StaleCardError(
                    _("This card was studied on another screen after it was shown here; "
                      "show it again to answer it"),
                    current,
                )
            answer = rebase(current)
        # The card was last reviewed when it was answered, the moment the log keeps (`answered_at`), not
        # when its grades were worked out (as the answer was revealed, often seconds before): otherwise
        # the state would disagree with its log, and undo or the card's next answer would take it for
        # progress made on another screen.
        answer = replace(answer, after=replace(answer.after, last_review=answer.answered_at))
        lapses += _lapsed(answer.before, answer.rating)
        after = answer.after
        db.execute(
            """
            INSERT INTO card_states (learner_id, card_pk, state, step, stability, difficulty,
                due, last_review, reps, lapses, deck_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, (SELECT deck_id FROM cards WHERE pk = ? AND retired_at IS NULL))
            ON CONFLICT (learner_id, card_pk) DO UPDATE SET
                state = excluded.state, step = excluded.step, stability = excluded.stability,
                difficulty = excluded.difficulty, due = excluded.due,
                last_review = excluded.last_review, reps = card_states.reps + 1,
                lapses = excluded.lapses
            """,
            [
                answer.learner_id, answer.card_pk, int(after.state), after.step, after.stability,
                after.difficulty, iso(after.due),
                iso(after.last_review) if after.last_review else None, lapses, answer.card_pk,
            ],
        )
        review_id = self._insert_review(db, answer)
        return SavedAnswer(review_id, answer, lapses, rebased)

    def _insert_review(self, db: Database, answer: Answer) -> int:
        """Log one answer under a new globally unique id (see REVIEW_ID_RANDOM_BITS), counting it in its
        day's daily_activity row; returns the id."""
        before, after = answer.before, answer.after
        shown = None
        if before is not None and before.last_review is not None:
            shown = round((before.due - before.last_review).total_seconds() * 1000) / 86400000
        answered_at = to_ms(answer.answered_at)
        # Two answers of one learner stamped with the same millisecond (a fast hand, a frozen clock) keep the
        # order they were given in: the later one takes an id above the earlier one's.
        last = db.execute(
            "SELECT id FROM reviews WHERE learner_id = ? AND id >= ? AND id < ? AND answered_at = ? "
            "ORDER BY id DESC LIMIT 1",
            [answer.learner_id, *review_id_bounds(answered_at, answered_at + 1), answered_at],
        ).fetchone()
        while True:
            review_id = new_review_id(answer.answered_at)
            if last is not None and review_id <= last[0]:
                review_id = last[0] + 1 + random.getrandbits(REVIEW_ID_RANDOM_BITS // 2)
            try:
                db.execute(
                    "INSERT INTO reviews (id, learner_id, card_pk, rating, answered_at, duration_ms, mode, "
                    "state_before, state_after, interval_days, step, stability, difficulty, due) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        review_id, answer.learner_id, answer.card_pk, answer.rating, answered_at,
                        answer.duration_ms, mode_code(answer.mode), NEW if before is None else int(before.state),
                        int(after.state), shown, after.step, after.stability, after.difficulty, to_ms(after.due),
                    ],
                )
            except sqlite3.IntegrityError:
                continue  # the same millisecond and random bits as another review: draw again
            self._count_answer(db, review_id, answer.learner_id, answer.card_pk, answer.answered_at,
                               state_before=NEW if before is None else int(before.state), shown_days=shown,
                               rating=answer.rating, duration_ms=answer.duration_ms)
            return review_id

    @staticmethod
    def _state_after(row: dict) -> FSRSCard:
        """The card state a review row left (its after columns), as the scheduler's card."""
        return FSRSCard(
            card_id=row["card_pk"], state=State(row["state_after"]), step=row["step"], stability=row["stability"],
            difficulty=row["difficulty"], due=from_ms(row["due"]), last_review=from_ms(row["answered_at"]),
        )

    def _state_before(self, db: Database, review: dict) -> FSRSCard | None:
        """The card state a review was applied to: the state after the learner's previous answer to that card."""
        if review["state_before"] == NEW:
            return None
        rows = list(db.query(
            "SELECT * FROM reviews WHERE card_pk = ? AND learner_id = ? AND (answered_at, id) < (?, ?) "
            "ORDER BY answered_at DESC, id DESC LIMIT 1",
            [review["card_pk"], review["learner_id"], review["answered_at"], review["id"]],
        ))
        if not rows:
            raise StoreError(_("This answer cannot be taken back: the card's earlier history is not on this terminal."))
        return self._state_after(rows[0])

    def reviews(self, learner_id: int) -> list[dict]:
        """The learner's review log, oldest first (for tests, undo and exports)."""
        return [{**row, "mode": mode_name(row["mode"])} for row in self.db.query(
            "SELECT * FROM reviews WHERE learner_id = ? ORDER BY answered_at, id", [learner_id])]

    # -- undo, suspend, bury ------------------------------------------------------------------

    def undo_review(self, review_id: int, flags_before: CardFlags | None | object = KEEP_FLAGS, *,
                    learner_id: int | None = None) -> FSRSCard | None:
        """Take back one answer: restore the card's state before it and delete the review, atomically.

        Only while the card still holds the state that answer gave it: if the card has been studied
        since (on another screen), StaleCardError is raised and nothing changes, so newer progress
        is never overwritten by an older state. `flags_before`, when given, are the card's suspend
        and bury flags to put back (a put-away that came with the answer), in the same transaction.
        `learner_id`, when given, is whose answer it must be: an answer that has moved to another profile
        since (the two profiles were joined on another terminal) is not taken back, and LearnerGoneError
        says why.
        """
        with self._writing() as db:
            rows = list(db.query("SELECT * FROM reviews WHERE id = ?", [review_id]))
            if not rows:
                if db.execute("SELECT 1 FROM erased_reviews WHERE id = ?", [review_id]).fetchone():
                    raise LearnerGoneError(None)  # erased with its profile, on another terminal
                raise StoreError(_("That answer was already taken back"))
            review = rows[0]
            if learner_id is not None and review["learner_id"] != learner_id:
                self._require_learner(db, learner_id)  # gone: joined with the profile that holds the answer now
                raise StoreError(_("That answer now belongs to another profile; it was not taken back."))
            learner_id, card_pk = review["learner_id"], review["card_pk"]
            produced = self._state_after(review)
            current, _lapses = self._stored_state(db, learner_id, card_pk)
            if _identity(current) != _identity(produced):
                raise StaleCardError(
                    _("This answer cannot be taken back: the card has been studied again since, "
                      "on another screen. Your answer stays saved."),
                    current,
                )
            before = self._state_before(db, review)
            if before is None:
                db.execute("DELETE FROM card_states WHERE learner_id = ? AND card_pk = ?", [learner_id, card_pk])
            else:
                db.execute(
                    "UPDATE card_states SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, "
                    "last_review = ?, reps = max(0, reps - 1), lapses = max(0, lapses - ?) "
                    "WHERE learner_id = ? AND card_pk = ?",
                    [
                        int(before.state), before.step, before.stability, before.difficulty, iso(before.due),
                        iso(before.last_review) if before.last_review else None,
                        int(_lapsed(before, review["rating"])), learner_id, card_pk,
                    ],
                )
            db.execute("DELETE FROM reviews WHERE id = ?", [review_id])
            self._recount(db, [learner_id])  # the learner's days, without this answer
            if flags_before is not KEEP_FLAGS:
                self.restore_card_flags(learner_id, card_pk, flags_before)  # type: ignore[arg-type]
        return before

    def set_suspended(self, learner_id: int, card_pk: int, suspended: bool) -> None:
        with self._writing() as db:
            self._require_learner(db, learner_id)
            db.execute(
                "INSERT INTO card_flags (learner_id, card_pk, suspended) VALUES (?, ?, ?) "
                "ON CONFLICT (learner_id, card_pk) DO UPDATE SET suspended = excluded.suspended",
                [learner_id, card_pk, int(suspended)],
            )

    def bury(self, learner_id: int, card_pk: int, until: datetime) -> None:
        with self._writing() as db:
            self._require_learner(db, learner_id)
            db.execute(
                "INSERT INTO card_flags (learner_id, card_pk, buried_until) VALUES (?, ?, ?) "
                "ON CONFLICT (learner_id, card_pk) DO UPDATE SET buried_until = excluded.buried_until",
                [learner_id, card_pk, iso(until)],
            )

    # Undo of a suspend or bury puts the flags back exactly as they were before it.

    def card_flags(self, learner_id: int, card_pk: int) -> CardFlags | None:
        """The learner's flags on a card, or None when the card was never put away."""
        row = self.db.execute(
            "SELECT suspended, buried_until FROM card_flags WHERE learner_id = ? AND card_pk = ?",
            [learner_id, card_pk],
        ).fetchone()
        if row is None:
            return None
        return CardFlags(bool(row[0]), parse_iso(row[1]) if row[1] else None)

    def restore_card_flags(self, learner_id: int, card_pk: int, flags: CardFlags | None) -> None:
        """Set the learner's flags on a card back to `flags` (None: as if it was never put away)."""
        with self._writing() as db:
            self._require_learner(db, learner_id)
            if flags is None:
                db.execute("DELETE FROM card_flags WHERE learner_id = ? AND card_pk = ?", [learner_id, card_pk])
                return
            db.execute(
                "INSERT INTO card_flags (learner_id, card_pk, suspended, buried_until) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (learner_id, card_pk) DO UPDATE SET suspended = excluded.suspended, "
                "buried_until = excluded.buried_until",
                [learner_id, card_pk, int(flags.suspended),
                 iso(flags.buried_until) if flags.buried_until else None],
            )

    def is_suspended(self, learner_id: int, card_pk: int) -> bool:
        row = self.db.execute(
            "SELECT suspended FROM card_flags WHERE learner_id = ? AND card_pk = ?", [learner_id, card_pk]
        ).fetchone()
        return bool(row and row[0])

    def card_history(self, learner_id: int, card_pk: int) -> list[dict]:
        """The learner's answers to one card, oldest first: answered_at (Unix ms), rating, mode (its name),
        duration_ms, state_before, state_after."""
        return [{**row, "mode": mode_name(row["mode"])} for row in self.db.query(
            "SELECT answered_at, rating, mode, duration_ms, state_before, state_after FROM reviews "
            "WHERE learner_id = ? AND card_pk = ? ORDER BY answered_at, id", [learner_id, card_pk])]
