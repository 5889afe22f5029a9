"""Counts and statistics read from the database: the home screen's, today's progress, the statistics screen's."""

from __future__ import annotations

import json
from datetime import datetime

from ..clock import from_ms, iso, parse_iso, to_ms
from ..models import (
    DayProgress,
    DeckCounts,
)
from .core import StoreBase
from .schema import MATURE_DAYS, review_id_bounds


class CountsMixin(StoreBase):
    # -- counts -----------------------------------------------------------------------------

    def deck_counts(
        self, learner_id: int, deck_ids: list[str], now: datetime, day_end: datetime, due_cap: int | None = None
    ) -> list[DeckCounts]:
        """New / learning / due per deck; learning and reviews count up to the end of the day.

        Suspended and buried cards are left out of every count. No card's row is read for its own
        sake: a deck's active cards are a count kept with the deck, the learner's studied cards are
        counted in the index `card_states_deck`, and new = active - studied - put away. With
        `due_cap`, due reviews are counted only up to that many (plus the deck's put-away ones) and
        the figure is exact up to the cap: a day's review limit makes more pointless to count.
        """
        infos = self.decks(deck_ids)
        params = {"learner": learner_id, "end": iso(day_end), "now": iso(now), "decks": json.dumps(deck_ids)}
        counts_of = (
            "count(s.card_pk), sum(s.state IN (1, 3) AND s.due < :end), sum(s.state = 2 AND s.due < :end)"
        )
        put_away = self.db.execute(  # suspended or buried now: few rows, read through the learner's flags
            f"SELECT c.deck_id, count(*) - count(s.card_pk), {counts_of} FROM card_flags f "
            "JOIN cards c ON c.pk = f.card_pk "
            "LEFT JOIN card_states s ON s.learner_id = f.learner_id AND s.card_pk = f.card_pk "
            "WHERE f.learner_id = :learner AND (f.suspended = 1 OR f.buried_until > :now) "
            "AND c.retired_at IS NULL AND c.deck_id IN (SELECT value FROM json_each(:decks)) GROUP BY c.deck_id",
            params,
        ).fetchall()
        hidden = {row[0]: [v or 0 for v in row[1:]] for row in put_away}
        seen = {}
        for deck_id in deck_ids:  # each figure a range of the index; due reviews stop at the cap
            hidden_due = hidden.get(deck_id, (0, 0, 0, 0))[3]
            cap = -1 if due_cap is None else max(0, due_cap) + hidden_due
            seen[deck_id] = self.db.execute(
                "SELECT (SELECT count(*) FROM card_states WHERE learner_id = :learner AND deck_id = :deck), "
                "(SELECT count(*) FROM card_states WHERE learner_id = :learner AND deck_id = :deck "
                "AND state IN (1, 3) AND due < :end), "
                "(SELECT count(*) FROM (SELECT 1 FROM card_states WHERE learner_id = :learner AND deck_id = :deck "
                "AND state = 2 AND due < :end LIMIT :cap))",
                {**params, "deck": deck_id, "cap": cap},
            ).fetchone()
        counts = []
        for info in infos:
            studied_n, learning, due = seen.get(info.id, (0, 0, 0))
            hidden_new, _hidden_studied, hidden_learning, hidden_due = hidden.get(info.id, (0, 0, 0, 0))
            counts.append(DeckCounts(info.id, info.title, info.card_count - studied_n - hidden_new,
                                     learning - hidden_learning, due - hidden_due, info.card_count))
        return counts

    def day_progress(self, learner_id: int, start: datetime, end: datetime) -> DayProgress:
        """What the learner did in the study day `[start, end)`.

        Reviews stamped after `end` (saved on a terminal whose clock ran ahead) are not today's:
        they neither count as studied nor use up today's limits.
        """
        row = self.db.execute(
            "SELECT count(*), sum(state_before = 0), sum(state_before = 2), sum(rating > 1), "
            "sum(duration_ms) FROM reviews WHERE learner_id = ? AND id >= ? AND id < ? "
            "AND answered_at >= ? AND answered_at < ?",
            [learner_id, *review_id_bounds(to_ms(start), to_ms(end)), to_ms(start), to_ms(end)],
        ).fetchone()
        reviewed, new, reviews, remembered, time_ms = (v or 0 for v in row)
        return DayProgress(reviewed, new, reviews, remembered, time_ms)

    def due_before(self, learner_id: int, deck_ids: list[str], end: datetime) -> int:
        """How many of the learner's cards will be due by `end`."""
        row = self.db.execute(
            "SELECT count(*) FROM card_states s "
            "WHERE s.learner_id = ? AND s.due < ? "
            "AND s.deck_id IN (SELECT value FROM json_each(?)) AND NOT EXISTS (SELECT 1 FROM card_flags f "
            "WHERE f.learner_id = s.learner_id AND f.card_pk = s.card_pk AND f.suspended = 1)",
            [learner_id, iso(end), json.dumps(deck_ids)],
        ).fetchone()
        return int(row[0])

    def next_due(self, learner_id: int, deck_ids: list[str], after: datetime) -> datetime | None:
        """The first moment after `after` at which one of the learner's cards falls due or comes back
        from being buried (None when nothing is waiting)."""
        row = self.db.execute(
            "SELECT min(t) FROM ("
            "  SELECT min(s.due) AS t FROM card_states s "
            "  WHERE s.learner_id = :learner AND s.due > :after "
            "  AND s.deck_id IN (SELECT value FROM json_each(:decks)) "
            "  UNION ALL SELECT min(f.buried_until) FROM card_flags f JOIN cards c ON c.pk = f.card_pk "
            "  WHERE f.learner_id = :learner AND f.buried_until > :after AND f.suspended = 0 "
            "  AND c.deck_id IN (SELECT value FROM json_each(:decks)))",
            {"learner": learner_id, "after": iso(after), "decks": json.dumps(deck_ids)},
        ).fetchone()
        return parse_iso(row[0]) if row and row[0] else None

    # -- statistics ---------------------------------------------------------------------------

    def review_history(
        self, learner_id: int, since: datetime | None = None, until: datetime | None = None
    ) -> list[dict]:
        """The learner's reviews in `[since, until)` (time, rating, state before, interval shown at), oldest first."""
        low, high = to_ms(since) if since else 0, to_ms(until) if until else 1 << 42
        return list(
            self.db.query(
                "SELECT card_pk, answered_at, rating, state_before, interval_days FROM reviews "
                "WHERE learner_id = ? AND id >= ? AND id < ? AND answered_at >= ? AND answered_at < ? "
                "ORDER BY answered_at, id",
                [learner_id, *review_id_bounds(low, high), low, high],
            )
        )

    def first_review(self, learner_id: int) -> datetime | None:
        """When the learner's earliest review was answered; None before the first."""
        row = self.db.execute(
            "SELECT answered_at FROM reviews WHERE learner_id = ? ORDER BY id LIMIT 1", [learner_id]
        ).fetchone()
        return from_ms(row[0]) if row and row[0] is not None else None

    @staticmethod
    def _spans(spans: list[tuple[datetime | None, datetime]]) -> str:
        return json.dumps([["" if start is None else iso(start), iso(end)] for start, end in spans])

    @staticmethod
    def _ms_spans(spans: list[tuple[datetime, datetime]]) -> str:
        """Each span as [first id, id after, start ms, end ms] (see review_id_bounds)."""
        return json.dumps([[*review_id_bounds(to_ms(start), to_ms(end)), to_ms(start), to_ms(end)]
                           for start, end in spans])

    def review_counts(self, learner_id: int, spans: list[tuple[datetime, datetime]]) -> list[int]:
        """How many reviews the learner answered in each `[start, end)`, counted in the index."""
        rows = dict(self.db.execute(
            "SELECT d.key, (SELECT count(*) FROM reviews r WHERE r.learner_id = :learner "
            "AND r.id >= json_extract(d.value, '$[0]') AND r.id < json_extract(d.value, '$[1]') "
            "AND r.answered_at >= json_extract(d.value, '$[2]') AND r.answered_at < json_extract(d.value, '$[3]')) "
            "FROM json_each(:spans) d",
            {"learner": learner_id, "spans": self._ms_spans(spans)},
        ).fetchall())
        return [int(rows.get(i, 0)) for i in range(len(spans))]

    def first_reviews_passed(self, learner_id: int, spans: list[tuple[datetime, datetime]]) -> tuple[int, int]:
        """Of the answers given to cards in review shown at a mature interval (MATURE_DAYS or more), each
        card's first in each span (a study day): (how many, how many not answered Again)."""
        row = self.db.execute(
            "SELECT count(*), sum(rating > 1) FROM ("  # CROSS JOIN: day by day, through the index
            "  SELECT r.rating AS rating, min(r.answered_at) FROM json_each(:spans) d CROSS JOIN reviews r "
            "  ON r.learner_id = :learner AND r.id >= json_extract(d.value, '$[0]') "
            "  AND r.id < json_extract(d.value, '$[1]') AND r.answered_at >= json_extract(d.value, '$[2]') "
            "  AND r.answered_at < json_extract(d.value, '$[3]') "
            f"  WHERE r.state_before = 2 AND r.interval_days >= {MATURE_DAYS} GROUP BY d.key, r.card_pk)",
            {"learner": learner_id, "spans": self._ms_spans(spans)},
        ).fetchone()
        return int(row[0] or 0), int(row[1] or 0)

    def due_counts(
        self, learner_id: int, deck_ids: list[str], spans: list[tuple[datetime | None, datetime]]
    ) -> list[int]:
        """How many of the learner's active cards fall due in each `[start, end)` (start None: no lower bound)."""
        rows = dict(self.db.execute(
            "SELECT d.key, count(*) FROM json_each(:spans) d "  # CROSS JOIN: day by day, through the index
            "CROSS JOIN card_states s ON s.learner_id = :learner AND s.state IN (1, 2, 3) "
            "AND s.due >= json_extract(d.value, '$[0]') AND s.due < json_extract(d.value, '$[1]') "
            "AND s.deck_id IN (SELECT value FROM json_each(:decks)) GROUP BY d.key",
            {"learner": learner_id, "spans": self._spans(spans), "decks": json.dumps(deck_ids)},
        ).fetchall())
        return [int(rows.get(i, 0)) for i in range(len(spans))]

    def known_words(self, learner_id: int, mature_days: float = 21) -> tuple[int, int]:
        """Cards past learning (in review), and of those the mature ones (stability >= mature_days)."""
        row = self.db.execute(
            "SELECT count(*), sum(s.stability >= ?) FROM card_states s "
            "WHERE s.learner_id = ? AND s.state = 2 AND s.deck_id IS NOT NULL",
            [mature_days, learner_id],
        ).fetchone()
        return int(row[0] or 0), int(row[1] or 0)
