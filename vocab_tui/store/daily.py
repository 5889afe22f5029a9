"""The daily roll-up of the review log (table `daily_activity`): one row per learner x deck x study day.

Reports add up days instead of answers, so their cost follows learners x decks x days, not the log.
Beside a learner's rows per deck, rows with deck_id ALL_DECKS ('') hold the learner's day over every deck
(its sums, and its run of days in a row), so that a report over all decks reads one row per learner-day.
The rows are counted under one way of counting study days (`StudyDays`: time zone and day start), kept
in `meta` under STUDY_DAYS_KEY. Every write of the log keeps them true in the same transaction:

- saving an answer adds it to its day's row (`_count_answer`); a day that arrives after a later one
  (a terminal whose clock ran behind) counts the learner's days again;
- undo, merging databases, merging or erasing learners count the learners' days again from the log
  (`_recount`), as does a change of the way days are counted (`use_study_days`).

Row (see schema._DAILY_ACTIVITY): reviews; introduced (answers to new cards); study_ms;
retention_reviews (of the answers given to a card in review shown at an interval of MATURE_DAYS or
more, the card's first of the study day); retention_passed (of those, not Again); last_at (Unix ms);
run (study days in a row of the learner and deck ending with this one: streaks are read from it,
without walking the days). Until a way of counting is set, nothing is counted: `Store` sets it when it
opens a file without one (new, or upgraded from schema 4) and counts the whole log once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..clock import from_ms, to_ms
from ..study_days import StudyDays, day_shifts
from .core import StoreBase
from .schema import MATURE_DAYS

if TYPE_CHECKING:
    import sqlite3

    from sqlite_utils import Database

STUDY_DAYS_KEY = "study_days"  # meta key: how the days of daily_activity were counted (StudyDays.key())
ALL_DECKS = ""  # the deck_id of a learner's rows over every deck (no deck has an empty id)

_REVIEW = 2  # fsrs State.Review
_NEW = 0  # models.NEW

_UPSERT = (
    "INSERT INTO daily_activity (learner_id, deck_id, day, reviews, introduced, study_ms, retention_reviews, "
    "retention_passed, last_at, run) VALUES (:learner, :deck, :day, 1, :introduced, :ms, :kept, :passed, :at, "
    "1 + coalesce((SELECT run FROM daily_activity WHERE learner_id = :learner AND deck_id = :deck "
    "AND day = :day - 1), 0)) "
    "ON CONFLICT (learner_id, deck_id, day) DO UPDATE SET reviews = reviews + 1, "
    "introduced = introduced + excluded.introduced, study_ms = study_ms + excluded.study_ms, "
    "retention_reviews = retention_reviews + excluded.retention_reviews, "
    "retention_passed = retention_passed + excluded.retention_passed, last_at = max(last_at, excluded.last_at)"
)


def day_sql(days: StudyDays, column: str, start: datetime, end: datetime) -> str:
    """SQL for the study day number (days since 1970-01-01) of `column`, a Unix time in ms in `[start, end)`.

    One shift per stretch between the zone's transitions (`day_shifts`); the shifts are whole seconds,
    so the ms are cut to seconds first.
    """
    shifts = day_shifts(days.tz, days.hour, start, end)
    if len(shifts) == 1:
        return f"(({column}) / 1000 + {int(shifts[0][1])}) / 86400"
    parts = [f"WHEN ({column}) < {to_ms(datetime.fromisoformat(following))} "
             f"THEN (({column}) / 1000 + {int(seconds)}) / 86400"
             for (_s, seconds), (following, _n) in zip(shifts, shifts[1:])]
    return f"CASE {' '.join(parts)} ELSE (({column}) / 1000 + {int(shifts[-1][1])}) / 86400 END"


class DailyMixin(StoreBase):
    def study_days(self) -> StudyDays | None:
        """How the days of daily_activity are counted (None only before `Store` has set it)."""
        return self._study_days(self.conn)

    def _study_days(self, db: Database | sqlite3.Connection) -> StudyDays | None:
        """The way of counting days, read once per Store. It changes only through `use_study_days`
        (`vocab-tui study-days --zone`), perhaps in another process: every answer checks, in a statement it
        makes anyway, that the rule kept in `meta` is still the one read, and reads it again if not."""
        known = getattr(self, "_counted_days", None)
        if known is not None:
            return known
        row = db.execute("SELECT value FROM meta WHERE key = ?", [STUDY_DAYS_KEY]).fetchone()
        self._counted_days = StudyDays.from_key(row[0]) if row else None
        self._counted_days_key = row[0] if row else None
        return self._counted_days

    def use_study_days(self, days: StudyDays, *, replace: bool = True) -> bool:
        """Count daily_activity's days as `days` from now on; True when the log was counted again for it.

        Without `replace`, a way already set is kept (a terminal whose zone differs does not recount an
        office's days on every start). Counting again reads the whole log in one write transaction.
        """
        def kept(row: tuple | None) -> bool:  # a rule that cannot be read (an unknown zone) is replaced
            return row is not None and StudyDays.from_key(row[0]) is not None and (row[0] == days.key() or not replace)

        if kept(self.conn.execute("SELECT value FROM meta WHERE key = ?", [STUDY_DAYS_KEY]).fetchone()):
            return False  # the common case, decided without the write lock
        self._counted_days = None
        with self._writing() as db:
            if kept(db.execute("SELECT value FROM meta WHERE key = ?", [STUDY_DAYS_KEY]).fetchone()):
                return False
            db.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [STUDY_DAYS_KEY, days.key()])
            self._recount(db, None)
        return True

    def logged_answers(self) -> int:
        """How many answers the review log holds: what counting the days again reads (`use_study_days`)."""
        return int(self.conn.execute("SELECT count(*) FROM reviews").fetchone()[0])

    def recount_daily_activity(self, learner_ids: Sequence[int] | None = None) -> None:
        """Count daily_activity again from the review log, for `learner_ids` (None: everybody), in one write.

        For rows written to the log by other means than the store (a bulk load, a repair).
        """
        with self._writing() as db:
            self._recount(db, learner_ids)

    def _recount(self, db: Database, learner_ids: Sequence[int] | None) -> None:
        """Count daily_activity again from the log for `learner_ids` (None: everybody), inside the caller's
        write transaction. A learner's days are counted whole: a run of days in a row depends on the days
        before it."""
        way = self._study_days(db)
        where = "" if learner_ids is None else f" WHERE learner_id IN ({', '.join('?' * len(learner_ids))})"
        params = [] if learner_ids is None else list(learner_ids)
        db.execute("DELETE FROM daily_activity" + where, params)
        if way is None:
            return
        span = db.execute("SELECT min(answered_at), max(answered_at) FROM reviews" + where, params).fetchone()
        if span[0] is None:
            return
        start, end = from_ms(span[0]) - timedelta(days=1), from_ms(span[1]) + timedelta(days=1)
        day, previous_day = day_sql(way, "r.answered_at", start, end), day_sql(way, "r.previous", start, end)
        columns = "reviews, introduced, study_ms, retention_reviews, retention_passed, last_at"
        sums = ("sum(reviews) AS reviews, sum(introduced) AS introduced, sum(study_ms) AS study_ms, "
                "sum(retention_reviews) AS retention_reviews, sum(retention_passed) AS retention_passed, "
                "max(last_at) AS last_at")
        db.execute(
            f"INSERT INTO daily_activity (learner_id, deck_id, day, {columns}, run) "
            # a run of days in a row: a day minus its rank is constant along it (gaps and islands)
            f"SELECT learner_id, deck_id, day, {columns}, "
            "day - min(day) OVER (PARTITION BY learner_id, deck_id, island) + 1 FROM ("
            f"SELECT *, day - row_number() OVER (PARTITION BY learner_id, deck_id ORDER BY day) AS island FROM ("
            "SELECT learner_id, deck_id, day, count(*) AS reviews, sum(state_before = 0) AS introduced, "
            "sum(coalesce(duration_ms, 0)) AS study_ms, sum(kept) AS retention_reviews, "
            "sum(kept AND rating > 1) AS retention_passed, max(answered_at) AS last_at FROM ("
            f"  SELECT r.learner_id AS learner_id, c.deck_id AS deck_id, {day} AS day, r.state_before AS state_before, "
            "  r.duration_ms AS duration_ms, r.rating AS rating, r.answered_at AS answered_at, "
            f"  (r.state_before = {_REVIEW} AND r.interval_days >= {MATURE_DAYS} "
            f"   AND (r.previous IS NULL OR {previous_day} < {day})) AS kept "
            "  FROM (SELECT learner_id, card_pk, rating, answered_at, duration_ms, state_before, interval_days, "
            # the card's last earlier answer that counted for retention, if any
            f"        max(CASE WHEN state_before = {_REVIEW} AND interval_days >= {MATURE_DAYS} THEN answered_at END) "
            "        OVER (PARTITION BY card_pk, learner_id ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) "
            f"        AS previous FROM reviews{where}) r JOIN cards c ON c.pk = r.card_pk"
            ") GROUP BY learner_id, deck_id, day))",
            params)
        learners = "" if learner_ids is None else f" AND learner_id IN ({', '.join('?' * len(learner_ids))})"
        db.execute(  # each learner's days over every deck, from the rows just made
            f"INSERT INTO daily_activity (learner_id, deck_id, day, {columns}, run) "
            f"SELECT learner_id, '{ALL_DECKS}', day, {columns}, day - min(day) OVER (PARTITION BY learner_id, island) + 1 "
            "FROM (SELECT *, day - row_number() OVER (PARTITION BY learner_id ORDER BY day) AS island FROM ("
            f"  SELECT learner_id, day, {sums} FROM daily_activity WHERE deck_id != '{ALL_DECKS}'{learners} "
            "  GROUP BY learner_id, day))", params)

    def _count_answer(self, db: Database, review_id: int, learner_id: int, card_pk: int, answered_at: datetime, *,
                      state_before: int, shown_days: float | None, rating: int, duration_ms: int | None) -> None:
        """Add one answer, just written to the log as `review_id`, to its day's row (inside its transaction)."""
        way = self._study_days(db)
        if way is None:
            return
        day = way.number(answered_at)
        kept = state_before == _REVIEW and shown_days is not None and shown_days >= MATURE_DAYS
        if kept:
            previous = db.execute(  # the card's last answer that counted for retention
                "SELECT max(answered_at) FROM reviews WHERE card_pk = ? AND learner_id = ? AND id < ? "
                f"AND state_before = {_REVIEW} AND interval_days >= {MATURE_DAYS}",
                [card_pk, learner_id, review_id]).fetchone()[0]
            kept = previous is None or way.number(from_ms(previous)) < day
        key = {"learner": learner_id, "day": day}
        deck, later, rule = db.execute(  # the card's deck, whether a later day of the learner is counted already,
            "SELECT deck_id, EXISTS (SELECT 1 FROM daily_activity WHERE learner_id = :learner "  # and the rule
            f"AND deck_id = '{ALL_DECKS}' AND day > :day), (SELECT value FROM meta WHERE key = '{STUDY_DAYS_KEY}') "
            "FROM cards WHERE pk = :card", {**key, "card": card_pk}
        ).fetchone()
        if rule != getattr(self, "_counted_days_key", None):  # the days were counted again elsewhere meanwhile
            self._counted_days = None
            if self._study_days(db) is not None:
                self._count_answer(db, review_id, learner_id, card_pk, answered_at, state_before=state_before,
                                   shown_days=shown_days, rating=rating, duration_ms=duration_ms)
            return
        counts = {**key, "introduced": int(state_before == _NEW), "ms": duration_ms or 0, "kept": int(kept),
                  "passed": int(kept and rating > 1), "at": to_ms(answered_at)}
        db.execute(_UPSERT, {**counts, "deck": deck})
        db.execute(_UPSERT, {**counts, "deck": ALL_DECKS})
        if later:  # a day before the last one counted (a clock behind): the runs after it change
            self._recount(db, [learner_id])

    def daily_totals(self, learner_id: int, through_day: int) -> list[tuple[int, int, int, int]]:
        """The learner's study days up to `through_day` (number, included) over every deck, oldest first:
        (day number, reviews, retention reviews, retention passed), one range of daily_activity's key."""
        return [tuple(int(v) for v in row) for row in self.db.execute(  # type: ignore[misc]
            "SELECT day, reviews, retention_reviews, retention_passed FROM daily_activity "
            "WHERE learner_id = ? AND deck_id = ? AND day <= ? ORDER BY day", [learner_id, ALL_DECKS, through_day])]
