"""Progress metrics for managers, aggregated in SQL: per learner x deck, per learner, unit, deck, day, city.

`metrics_scope` reads the reviews of a date range once into a per-connection TEMP table (one row per
learner x deck x study day), and the retention reviews once into another; every roll-up is then a GROUP BY
over those small tables. Nothing here walks the reviews in Python. Temp tables belong to the connection:
a thread that wants metrics opens its own Store (sqlite3 connections are bound to their thread).

Definitions (docs/manager-guide.*.md repeats them for managers):
- study day: the local date of `answered_at + shift`, where the caller's shifts (seconds) fold in the time
  zone's offset and the 04:00 day start (`reports.day_shifts`);
- introduced: answers to a card the learner had never studied (state_before = NEW);
- mature: cards in review whose stability is MATURE_DAYS (21) days or more, as on the statistics screen
  (`CountsMixin.known_words`); a snapshot at `now`, not limited to the range;
- due now: active (not retired, not suspended, not buried) studied cards with due <= now;
- true retention: each card's first review of a study day, when the card was in review and shown at an
  interval of MATURE_DAYS or more (the `reviews_mature` index); passed = not Again;
- streaks: runs of consecutive study days inside the range; the current one is the run that holds the
  anchor day (the range's last day, or today when the range runs past today) or the day before it.
"""

from __future__ import annotations

import json
from itertools import pairwise
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta

from ..clock import iso, parse_iso
from .core import StoreBase
from .schema import MATURE_DAYS, REVIEW_ID_RANDOM_BITS

_TEMP_TABLES = ("m_learners", "m_decks", "m_days", "m_ret", "m_cards")

# Runs of consecutive days per key (gaps and islands: a day minus its rank is constant along a run).
_STREAKS = """
SELECT {keys}, max(len) AS longest,
  max(CASE WHEN first <= :anchor AND last >= :anchor THEN julianday(:anchor) - julianday(first) + 1
           WHEN first <= :anchor_before AND last >= :anchor_before THEN julianday(:anchor_before) - julianday(first) + 1
           ELSE 0 END) AS current
FROM (SELECT {keys}, count(*) AS len, min(day) AS first, max(day) AS last
      FROM (SELECT {keys}, day, julianday(day) - row_number() OVER (PARTITION BY {keys} ORDER BY day) AS grp
            FROM ({source}))
      GROUP BY {keys}, grp)
GROUP BY {keys}
"""

# The columns every metrics row ends with, in this order (reports.Metrics.from_row reads them).
_METRIC_COLUMNS = (
    "coalesce(a.introduced, 0), coalesce(c.mature, 0), coalesce(c.due, 0), coalesce(a.reviews, 0), "
    "coalesce(a.ms, 0), coalesce(t.total, 0), coalesce(t.passed, 0), coalesce(a.days, 0), "
    "{current}, {longest}, a.last_at"
)


def _day_expression(shifts: Sequence[tuple[str | None, int]], column: str) -> str:
    """SQL for the study date of `column`: `shifts` = [(from UTC iso or None, seconds to add)], in time order."""
    if len(shifts) == 1:
        return f"date({column}, '{int(shifts[0][1]):+d} seconds')"
    parts = []
    for (_start, seconds), (following, _next) in pairwise(shifts):
        parts.append(f"WHEN {column} < '{following}' THEN date({column}, '{int(seconds):+d} seconds')")
    return f"CASE {' '.join(parts)} ELSE date({column}, '{int(shifts[-1][1]):+d} seconds') END"


def _first_id(moment: datetime | None) -> int:
    """The smallest review id of an answer at or after `moment` (see schema.new_review_id)."""
    return 0 if moment is None else round(moment.timestamp() * 1000) << REVIEW_ID_RANDOM_BITS


class MetricsMixin(StoreBase):
    def answer_span(self) -> tuple[datetime, datetime] | None:
        """The first and last answer time over every learner (UTC), each found in the learner's index; None without answers."""
        row = self.db.execute(
            "SELECT min(f), max(l) FROM (SELECT "
            "(SELECT min(answered_at) FROM reviews r WHERE r.learner_id = x.id) AS f, "
            "(SELECT max(answered_at) FROM reviews r WHERE r.learner_id = x.id) AS l FROM learners x)"
        ).fetchone()
        return (parse_iso(row[0]), parse_iso(row[1])) if row and row[0] else None

    def units(self) -> list[str]:
        """Every unit (OPD) that has a learner, in name order ('' for learners without one)."""
        return [row[0] for row in self.db.execute(
            "SELECT DISTINCT coalesce(unit, '') FROM learners ORDER BY 1 COLLATE NOCASE")]

    @contextmanager
    def metrics_scope(
        self,
        *,
        start: datetime | None,
        end: datetime | None,
        shifts: Sequence[tuple[str | None, int]],
        now: datetime,
        learner_ids: Sequence[int] | None = None,
        units: Sequence[str] | None = None,
        deck_ids: Sequence[str] | None = None,
    ) -> Iterator[None]:
        """Gather the reviews in `[start, end)` (UTC; None: unbounded) of the chosen learners and decks.

        `learner_ids`, `units` and `deck_ids` narrow the scope (None: all). Card states are read as of `now`.
        Inside the block the `metric_*` methods read the gathered tables; they are dropped on leaving it.
        """
        db = self.db
        params = {
            "start": iso(start) if start else "", "end": iso(end) if end else "~",  # "~" sorts after digits
            "now": iso(now), "learners": json.dumps(list(learner_ids) if learner_ids is not None else None),
            "units": json.dumps(list(units) if units is not None else None),
            "decks": json.dumps(list(deck_ids) if deck_ids is not None else None),
            # an id's time is the answer time rounded to the ms, answered_at's is truncated: one ms of slack
            "start_id": _first_id(start), "end_id": _first_id(end + timedelta(milliseconds=1)) if end else 1 << 62,
        }
        day = _day_expression(shifts, "r.answered_at")
        self._drop_metrics()
        try:
            db.execute(
                "CREATE TEMP TABLE m_learners AS SELECT id FROM learners WHERE "
                "(json(:learners) = 'null' OR id IN (SELECT value FROM json_each(:learners))) AND "
                "(json(:units) = 'null' OR coalesce(unit, '') IN (SELECT value FROM json_each(:units)))", params)
            db.execute("CREATE TEMP TABLE m_decks AS SELECT id FROM decks WHERE "
                       "json(:decks) = 'null' OR id IN (SELECT value FROM json_each(:decks))", params)
            # One row per learner x deck x study day. A review's id begins with its answer time in ms
            # (schema.new_review_id), so a range of days is a range of rowids, read in file order; a few
            # learners out of many are found through their index instead.
            chosen = db.execute("SELECT count(*) FROM m_learners").fetchone()[0]
            everybody = db.execute("SELECT count(*) FROM learners").fetchone()[0]
            if chosen * 10 < everybody:
                source = ("m_learners l CROSS JOIN reviews r INDEXED BY reviews_learner_answered "
                          "ON r.learner_id = l.id AND r.answered_at >= :start AND r.answered_at < :end "
                          "JOIN cards c ON c.pk = r.card_pk WHERE 1")
            else:
                source = ("reviews r NOT INDEXED JOIN cards c ON c.pk = r.card_pk "
                          "WHERE r.id >= :start_id AND r.id < :end_id "
                          "AND r.answered_at >= :start AND r.answered_at < :end "
                          "AND r.learner_id IN (SELECT id FROM m_learners)")
            db.execute(
                "CREATE TEMP TABLE m_days AS "
                f"SELECT r.learner_id AS learner_id, c.deck_id AS deck_id, {day} AS day, count(*) AS reviews, "
                "sum(r.state_before = 0) AS introduced, sum(coalesce(r.duration_ms, 0)) AS ms, "
                f"max(r.answered_at) AS last_at FROM {source} AND c.deck_id IN (SELECT id FROM m_decks) "
                "GROUP BY r.learner_id, c.deck_id, day", params)
            db.execute("CREATE INDEX temp.m_days_key ON m_days (learner_id, deck_id, day)")
            # True retention: each card's first review of a day, read from the partial index that holds them.
            db.execute(
                "CREATE TEMP TABLE m_ret AS SELECT learner_id, deck_id, day, count(*) AS total, "
                "sum(rating > 1) AS passed FROM ("
                f"  SELECT r.learner_id AS learner_id, c.deck_id AS deck_id, {day} AS day, r.rating AS rating, "
                "  min(r.answered_at) FROM m_learners l CROSS JOIN reviews r INDEXED BY reviews_mature "
                f"  ON r.learner_id = l.id AND r.state_before = 2 AND r.interval_days >= {MATURE_DAYS} "
                "  AND r.answered_at >= :start AND r.answered_at < :end "
                "  JOIN cards c ON c.pk = r.card_pk WHERE c.deck_id IN (SELECT id FROM m_decks) "
                "  GROUP BY r.learner_id, r.card_pk, day) GROUP BY learner_id, deck_id, day", params)
            db.execute("CREATE INDEX temp.m_ret_key ON m_ret (learner_id, deck_id, day)")
            # The card states as of now: mature cards and cards due, per learner x deck. The few retired,
            # suspended and buried cards are looked up in lists built once, not row by row.
            db.execute(
                "CREATE TEMP TABLE m_cards AS SELECT s.learner_id AS learner_id, s.deck_id AS deck_id, "
                f"sum(s.state = 2 AND s.stability >= {MATURE_DAYS}) AS mature, "
                "sum(s.state IN (1, 2, 3) AND s.due <= :now AND (s.learner_id, s.card_pk) NOT IN "
                "(SELECT learner_id, card_pk FROM card_flags WHERE suspended = 1 OR buried_until > :now)) AS due "
                "FROM card_states s WHERE s.learner_id IN (SELECT id FROM m_learners) "
                "AND s.deck_id IN (SELECT id FROM m_decks) "
                "AND s.card_pk NOT IN (SELECT pk FROM cards WHERE retired_at IS NOT NULL) "
                "GROUP BY s.learner_id, s.deck_id", params)
            db.execute("CREATE INDEX temp.m_cards_key ON m_cards (learner_id, deck_id)")
            yield
        finally:
            self._drop_metrics()

    def metric_scope_size(self) -> tuple[int, int]:
        """(learners, decks) in the gathered scope: a report has learners x decks learner-deck rows."""
        row = self.db.execute("SELECT (SELECT count(*) FROM m_learners), (SELECT count(*) FROM m_decks)").fetchone()
        return int(row[0]), int(row[1])

    def _drop_metrics(self) -> None:
        for table in _TEMP_TABLES:
            self.db.execute(f"DROP TABLE IF EXISTS temp.{table}")

    def metric_learner_decks(self, anchor: str, anchor_before: str) -> Iterator[tuple]:
        """One row per chosen learner x chosen deck, by unit, name, id, deck id (a cursor: rows stream).

        Row: learner id, name, unit, NIP, role, deck id, deck title, then the metrics (see _METRIC_COLUMNS):
        introduced, mature, due now, reviews, study ms, retention reviews, retention passed, active days,
        current streak, longest streak, last studied (UTC iso or None). `anchor` / `anchor_before`: the
        study dates (YYYY-MM-DD) the current streak reaches.
        """
        streaks = _STREAKS.format(keys="learner_id, deck_id", source="SELECT learner_id, deck_id, day FROM m_days")
        yield from self.db.execute(
            "SELECT x.id, x.name, coalesce(x.unit, ''), x.nip, x.role, d.id, d.title, "
            + _METRIC_COLUMNS.format(current="coalesce(s.current, 0)", longest="coalesce(s.longest, 0)")
            + " FROM m_learners ml JOIN learners x ON x.id = ml.id CROSS JOIN m_decks md JOIN decks d ON d.id = md.id "
            "LEFT JOIN (SELECT learner_id, deck_id, sum(reviews) AS reviews, sum(introduced) AS introduced, "
            "  sum(ms) AS ms, count(*) AS days, max(last_at) AS last_at FROM m_days GROUP BY learner_id, deck_id) a "
            "  ON a.learner_id = x.id AND a.deck_id = d.id "
            "LEFT JOIN (SELECT learner_id, deck_id, sum(total) AS total, sum(passed) AS passed FROM m_ret "
            "  GROUP BY learner_id, deck_id) t ON t.learner_id = x.id AND t.deck_id = d.id "
            "LEFT JOIN m_cards c ON c.learner_id = x.id AND c.deck_id = d.id "
            f"LEFT JOIN ({streaks}) s ON s.learner_id = x.id AND s.deck_id = d.id "
            "ORDER BY coalesce(x.unit, '') COLLATE NOCASE, x.name COLLATE NOCASE, x.id, d.id",
            {"anchor": anchor, "anchor_before": anchor_before},
        )

    def metric_learners(self, anchor: str, anchor_before: str) -> Iterator[tuple]:
        """One row per chosen learner, in the order of `metric_learner_decks`: learner id, name, unit, NIP,
        role, then the metrics over the chosen decks (active days and streaks count distinct study days)."""
        streaks = _STREAKS.format(keys="learner_id", source="SELECT DISTINCT learner_id, day FROM m_days")
        yield from self.db.execute(
            "SELECT x.id, x.name, coalesce(x.unit, ''), x.nip, x.role, "
            + _METRIC_COLUMNS.format(current="coalesce(s.current, 0)", longest="coalesce(s.longest, 0)")
            + " FROM m_learners ml JOIN learners x ON x.id = ml.id "
            "LEFT JOIN (SELECT learner_id, sum(reviews) AS reviews, sum(introduced) AS introduced, sum(ms) AS ms, "
            "  count(DISTINCT day) AS days, max(last_at) AS last_at FROM m_days GROUP BY learner_id) a "
            "  ON a.learner_id = x.id "
            "LEFT JOIN (SELECT learner_id, sum(total) AS total, sum(passed) AS passed FROM m_ret GROUP BY learner_id) t "
            "  ON t.learner_id = x.id "
            "LEFT JOIN (SELECT learner_id, sum(mature) AS mature, sum(due) AS due FROM m_cards GROUP BY learner_id) c "
            "  ON c.learner_id = x.id "
            f"LEFT JOIN ({streaks}) s ON s.learner_id = x.id "
            "ORDER BY coalesce(x.unit, '') COLLATE NOCASE, x.name COLLATE NOCASE, x.id",
            {"anchor": anchor, "anchor_before": anchor_before},
        )

    def metric_units(self, city: bool = False) -> list[tuple]:
        """Per unit (or, with `city`, one row for all chosen learners, unit None): unit, learners, learners
        who studied, then the metrics; active days count the distinct study days anyone studied; streaks None."""
        if city:
            key, group, days = "NULL", "", "(SELECT count(DISTINCT day) FROM m_days)"
            unit_days = ""
        else:
            key, days = "coalesce(x.unit, '')", "coalesce(max(ud.days), 0)"
            group = f"GROUP BY {key} ORDER BY {key} COLLATE NOCASE"
            unit_days = ("LEFT JOIN (SELECT coalesce(y.unit, '') AS unit, count(DISTINCT d.day) AS days FROM m_days d "
                         "JOIN learners y ON y.id = d.learner_id GROUP BY 1) ud ON ud.unit = coalesce(x.unit, '') ")
        return self.db.execute(
            f"SELECT {key}, count(*), count(a.learner_id), "
            "coalesce(sum(a.introduced), 0), coalesce(sum(c.mature), 0), coalesce(sum(c.due), 0), "
            "coalesce(sum(a.reviews), 0), coalesce(sum(a.ms), 0), coalesce(sum(t.total), 0), "
            f"coalesce(sum(t.passed), 0), {days}, NULL, NULL, max(a.last_at) "
            "FROM m_learners ml JOIN learners x ON x.id = ml.id "
            "LEFT JOIN (SELECT learner_id, sum(reviews) AS reviews, sum(introduced) AS introduced, sum(ms) AS ms, "
            "  max(last_at) AS last_at FROM m_days GROUP BY learner_id) a ON a.learner_id = x.id "
            "LEFT JOIN (SELECT learner_id, sum(total) AS total, sum(passed) AS passed FROM m_ret GROUP BY learner_id) t "
            "  ON t.learner_id = x.id "
            "LEFT JOIN (SELECT learner_id, sum(mature) AS mature, sum(due) AS due FROM m_cards GROUP BY learner_id) c "
            f"  ON c.learner_id = x.id {unit_days}{group}"
        ).fetchall()

    def metric_decks(self) -> list[tuple]:
        """Per chosen deck: deck id, title, learners who studied it in the range, then the metrics (streaks
        None; active days: distinct study days anyone studied the deck)."""
        return self.db.execute(
            "SELECT d.id, d.title, coalesce(a.learners, 0), "
            + _METRIC_COLUMNS.format(current="NULL", longest="NULL")
            + " FROM m_decks md JOIN decks d ON d.id = md.id "
            "LEFT JOIN (SELECT deck_id, count(DISTINCT learner_id) AS learners, sum(reviews) AS reviews, "
            "  sum(introduced) AS introduced, sum(ms) AS ms, count(DISTINCT day) AS days, max(last_at) AS last_at "
            "  FROM m_days GROUP BY deck_id) a ON a.deck_id = d.id "
            "LEFT JOIN (SELECT deck_id, sum(total) AS total, sum(passed) AS passed FROM m_ret GROUP BY deck_id) t "
            "  ON t.deck_id = d.id "
            "LEFT JOIN (SELECT deck_id, sum(mature) AS mature, sum(due) AS due FROM m_cards GROUP BY deck_id) c "
            "  ON c.deck_id = d.id ORDER BY d.id"
        ).fetchall()

    def metric_daily(self) -> list[tuple]:
        """Per unit and study day with reviews: unit, day (YYYY-MM-DD), reviews, introduced, study ms,
        learners who studied, retention reviews, retention passed; by day, then unit."""
        return self.db.execute(
            "SELECT u.unit, u.day, u.reviews, u.introduced, u.ms, u.learners, coalesce(t.total, 0), "
            "coalesce(t.passed, 0) FROM ("
            "  SELECT coalesce(x.unit, '') AS unit, d.day AS day, sum(d.reviews) AS reviews, "
            "  sum(d.introduced) AS introduced, sum(d.ms) AS ms, count(DISTINCT d.learner_id) AS learners "
            "  FROM m_days d JOIN learners x ON x.id = d.learner_id GROUP BY 1, 2) u "
            "LEFT JOIN (SELECT coalesce(x.unit, '') AS unit, r.day AS day, sum(r.total) AS total, "
            "  sum(r.passed) AS passed FROM m_ret r JOIN learners x ON x.id = r.learner_id GROUP BY 1, 2) t "
            "  ON t.unit = u.unit AND t.day = u.day ORDER BY u.day, u.unit COLLATE NOCASE"
        ).fetchall()
