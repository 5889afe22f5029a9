"""Progress metrics for managers, aggregated in SQL: per learner x deck, per learner, unit, deck, day, city.

The numbers are added up from the daily roll-up (`daily_activity`, kept by every write of the review log:
see store/daily.py), one row per learner x deck x study day, never from the answers themselves; so a
report's cost follows learners x decks x days, not the log. `metrics_scope` chooses the learners and decks
(TEMP tables), the days (a TEMP view over the roll-up's key), and sums them once per learner x deck
(m_pairs) and, when a roll-up needs it, once per learner x day (m_learner_days); the card states are
counted per learner x deck from two small index ranges (m_cards). Every roll-up is a GROUP BY over those.
Temp tables belong to the connection: a thread that wants metrics opens its own Store (sqlite3
connections are bound to their thread).

Definitions (docs/manager-guide.*.md repeats them for managers):
- study day: the local date, the day starting at 04:00, as the database counts days (`Store.study_days`;
  `reports.open_report` makes it the report's own first); in SQL a day is its number (days since 1970-01-01);
- introduced: answers to a card the learner had never studied (state_before = NEW);
- mature: cards in review whose stability is MATURE_DAYS (21) days or more, as on the statistics screen
  (`CountsMixin.known_words`); a snapshot at `now`, not limited to the range;
- due now: active (not retired, not suspended, not buried) studied cards with due <= now;
- true retention: of the answers given to a card in review shown at an interval of MATURE_DAYS or more,
  the card's first of each study day; passed = not Again;
- streaks: runs of consecutive study days inside the range; the current one is the run that holds the
  anchor day (the range's last day, or today when the range runs past today) or the day before it.
  Per learner x deck they come from the roll-up's `run` (days in a row up to each day), cut at the
  range's first day; per learner (days of any chosen deck) from the learner's days.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from ..clock import iso
from .core import StoreBase
from .daily import ALL_DECKS
from .schema import MATURE_DAYS

_TEMP_TABLES = ("m_learners", "m_decks", "m_pairs", "m_learner_days", "m_cards", "m_learner_cards")

# The columns every metrics row ends with, in this order (reports.Metrics.from_row reads them).
_METRIC_COLUMNS = (
    "coalesce(a.introduced, 0), coalesce(c.mature, 0), coalesce(c.due, 0), coalesce(a.reviews, 0), "
    "coalesce(a.ms, 0), coalesce(a.total, 0), coalesce(a.passed, 0), coalesce({days}, 0), "
    "{current}, {longest}, a.last_at"
)

# The longest and the current streak of a group of days that carry their run of days in a row: each run cut
# where the range begins (:low), the current one held by the anchor day or the day before it.
_STREAKS = ("max(min(run, day - :low + 1)) AS longest, "
            "max(CASE WHEN day IN (:anchor, :anchor - 1) THEN min(run, day - :low + 1) ELSE 0 END) AS current")

# The sums of a group of rows of m_pairs or m_learner_days.
_SUMS = ("sum(reviews) AS reviews, sum(introduced) AS introduced, sum(ms) AS ms, sum(total) AS total, "
         "sum(passed) AS passed, max(last_at) AS last_at")


@dataclass(frozen=True)
class _Scope:
    """What `metrics_scope` chose besides its temporary tables: the study days (numbers, both included),
    the anchor day of current streaks, now (UTC iso), and whether every deck is chosen."""

    low: int
    high: int
    anchor: int
    now: str
    every_deck: bool


class MetricsMixin(StoreBase):
    def answer_span(self) -> tuple[int, int] | None:
        """The first and last study day (numbers) with answers over every learner; None without answers."""
        row = self.db.execute(
            "SELECT min(f), max(l) FROM (SELECT "  # two seeks per learner, at the ends of their days over every deck
            f"(SELECT min(day) FROM daily_activity a WHERE a.learner_id = x.id AND a.deck_id = '{ALL_DECKS}') AS f, "
            f"(SELECT max(day) FROM daily_activity a WHERE a.learner_id = x.id AND a.deck_id = '{ALL_DECKS}') AS l "
            "FROM learners x)"
        ).fetchone()
        return (int(row[0]), int(row[1])) if row and row[0] is not None else None

    def units(self) -> list[str]:
        """Every unit (OPD) that has a learner, in name order ('' for learners without one)."""
        return [row[0] for row in self.db.execute(
            "SELECT DISTINCT coalesce(unit, '') FROM learners ORDER BY 1 COLLATE NOCASE")]

    @contextmanager
    def metrics_scope(
        self,
        *,
        first_day: int | None,
        last_day: int | None,
        anchor: int,
        now: datetime,
        learner_ids: Sequence[int] | None = None,
        units: Sequence[str] | None = None,
        deck_ids: Sequence[str] | None = None,
    ) -> Iterator[None]:
        """Gather the study days `first_day`..`last_day` (numbers, both included; None: unbounded) of the
        chosen learners and decks.

        `learner_ids`, `units` and `deck_ids` narrow the scope (None: all). Card states are read as of `now`;
        current streaks reach the study day `anchor` (a number) or the day before it. Inside the block the
        `metric_*` methods read the gathered tables; they are dropped on leaving it. The days are those of
        daily_activity, counted as `Store.study_days` says.
        """
        db = self.db
        params = {
            "learners": json.dumps(list(learner_ids) if learner_ids is not None else None),
            "units": json.dumps(list(units) if units is not None else None),
            "decks": json.dumps(list(deck_ids) if deck_ids is not None else None),
        }
        low = -(1 << 40) if first_day is None else int(first_day)
        high = 1 << 40 if last_day is None else int(last_day)
        self._drop_metrics()
        try:
            db.execute("CREATE TEMP TABLE m_learners (id INTEGER PRIMARY KEY)")
            db.execute(
                "INSERT INTO m_learners SELECT id FROM learners WHERE "
                "(json(:learners) = 'null' OR id IN (SELECT value FROM json_each(:learners))) AND "
                "(json(:units) = 'null' OR coalesce(unit, '') IN (SELECT value FROM json_each(:units)))", params)
            db.execute("CREATE TEMP TABLE m_decks (id TEXT PRIMARY KEY)")
            db.execute("INSERT INTO m_decks SELECT id FROM decks WHERE "
                       "json(:decks) = 'null' OR id IN (SELECT value FROM json_each(:decks))", params)
            # Every deck chosen: a learner's day over every deck is one row of the roll-up (deck ALL_DECKS).
            every_deck = db.execute(
                "SELECT NOT EXISTS (SELECT 1 FROM decks WHERE id NOT IN (SELECT id FROM m_decks))").fetchone()[0] == 1
            self._scope = _Scope(low, high, int(anchor), iso(now), every_deck)
            # One row per learner x deck x study day: each chosen learner x deck is a range of the roll-up's key
            # (SQLite seeks it for each pair of the two lists).
            db.execute(
                "CREATE TEMP VIEW m_days AS SELECT * FROM daily_activity WHERE learner_id IN (SELECT id FROM m_learners) "
                f"AND deck_id IN (SELECT id FROM m_decks) AND day BETWEEN {low} AND {high}")
            yield
        finally:
            self._drop_metrics()

    def _made(self, table: str) -> bool:
        return self.db.execute("SELECT 1 FROM temp.sqlite_master WHERE name = ?", [table]).fetchone() is not None

    def _cards(self) -> None:
        """The card states as of now per chosen learner x deck (m_cards: mature, due), made on first use.

        Mature cards: one pass over the small partial index card_states_mature. Cards due: one pass over the
        deck index's entries in learning, review or relearning up to now, less those due but suspended or
        buried (few: counted apart, from card_flags). A retired card has no deck (card_states.deck_id NULL)
        and counts nowhere.
        """
        if self._made("m_cards"):
            return
        db = self.db
        db.execute("CREATE TEMP TABLE m_cards (learner_id INTEGER, deck_id TEXT, mature INTEGER NOT NULL DEFAULT 0, "
                   "due INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (learner_id, deck_id))")
        chosen = "+s.learner_id IN (SELECT id FROM m_learners) AND +s.deck_id IN (SELECT id FROM m_decks)"
        db.execute(
            "INSERT INTO m_cards (learner_id, deck_id, mature) SELECT s.learner_id, s.deck_id, count(*) "
            f"FROM card_states s INDEXED BY card_states_mature WHERE s.state = 2 AND s.stability >= {MATURE_DAYS} "
            f"AND {chosen} GROUP BY s.learner_id, s.deck_id")
        db.execute(
            "INSERT INTO m_cards (learner_id, deck_id, due) SELECT s.learner_id, s.deck_id, count(*) "
            "FROM card_states s INDEXED BY card_states_deck WHERE s.state IN (1, 2, 3) AND s.due <= :now "
            f"AND {chosen} AND (s.learner_id, s.card_pk) NOT IN (SELECT learner_id, card_pk FROM card_flags "
            "WHERE suspended = 1 OR buried_until > :now) GROUP BY s.learner_id, s.deck_id "
            "ON CONFLICT (learner_id, deck_id) DO UPDATE SET due = excluded.due", {"now": self._scope.now})

    def _learner_cards(self) -> None:
        """The card states as of now per chosen learner over the chosen decks (m_learner_cards: mature, due),
        made on first use: over every deck, each learner's entries of the two indexes in one pass each
        (the deck index is not needed); else added up from m_cards."""
        if self._made("m_learner_cards"):
            return
        db = self.db
        db.execute("CREATE TEMP TABLE m_learner_cards (learner_id INTEGER PRIMARY KEY, "
                   "mature INTEGER NOT NULL DEFAULT 0, due INTEGER NOT NULL DEFAULT 0)")
        if not self._scope.every_deck:
            self._cards()
            db.execute("INSERT INTO m_learner_cards SELECT learner_id, sum(mature), sum(due) FROM m_cards "
                       "GROUP BY learner_id")
            return
        db.execute(
            "INSERT INTO m_learner_cards (learner_id, mature) SELECT s.learner_id, count(*) "
            f"FROM card_states s INDEXED BY card_states_mature WHERE s.state = 2 AND s.stability >= {MATURE_DAYS} "
            "AND +s.learner_id IN (SELECT id FROM m_learners) GROUP BY s.learner_id")
        db.execute(
            "INSERT INTO m_learner_cards (learner_id, due) SELECT s.learner_id, count(*) "
            "FROM card_states s INDEXED BY idx_card_states_learner_id_state_due "
            "WHERE s.state IN (1, 2, 3) AND s.due <= :now AND s.deck_id IS NOT NULL "
            "AND +s.learner_id IN (SELECT id FROM m_learners) AND (s.learner_id, s.card_pk) NOT IN "
            "(SELECT learner_id, card_pk FROM card_flags WHERE suspended = 1 OR buried_until > :now) "
            "GROUP BY s.learner_id ON CONFLICT (learner_id) DO UPDATE SET due = excluded.due",
            {"now": self._scope.now})

    def _pairs(self) -> None:
        """Per learner x deck, in the key's order (no sort): the sums, active days and streaks (m_pairs), made
        on first use. A run of days in a row is cut where the range begins."""
        db = self.db
        if self._made("m_pairs"):
            return
        db.execute("CREATE TEMP TABLE m_pairs (learner_id INTEGER, deck_id TEXT, reviews, introduced, ms, total, "
                   "passed, days, last_at, longest, current, PRIMARY KEY (learner_id, deck_id))")
        db.execute(
            "INSERT INTO m_pairs SELECT learner_id, deck_id, sum(reviews), sum(introduced), sum(study_ms), "
            f"sum(retention_reviews), sum(retention_passed), count(*), max(last_at), {_STREAKS} "
            "FROM m_days GROUP BY learner_id, deck_id", {"low": self._scope.low, "anchor": self._scope.anchor})

    def _learner_days(self) -> None:
        """Per learner x study day over the chosen decks: the sums and the run of days in a row
        (m_learner_days), made on first use: read from the learner's rows over every deck when every deck
        is chosen, else added up from the rows of the chosen decks."""
        db = self.db
        if self._made("m_learner_days"):
            return
        db.execute("CREATE TEMP TABLE m_learner_days (learner_id INTEGER, day INTEGER, reviews, introduced, ms, "
                   "total, passed, last_at, run, PRIMARY KEY (learner_id, day))")
        low, high = self._scope.low, self._scope.high
        if self._scope.every_deck:
            db.execute(
                "INSERT INTO m_learner_days SELECT learner_id, day, reviews, introduced, study_ms, retention_reviews, "
                "retention_passed, last_at, run FROM daily_activity WHERE learner_id IN (SELECT id FROM m_learners) "
                f"AND deck_id = '{ALL_DECKS}' AND day BETWEEN {low} AND {high}")
            return
        # a run of days in a row (gaps and islands: a day minus its rank is constant along it)
        db.execute(
            "INSERT INTO m_learner_days SELECT learner_id, day, reviews, introduced, ms, total, passed, last_at, "
            "day - min(day) OVER (PARTITION BY learner_id, island) + 1 FROM ("
            "  SELECT *, day - row_number() OVER (PARTITION BY learner_id ORDER BY day) AS island FROM ("
            "    SELECT learner_id, day, sum(reviews) AS reviews, sum(introduced) AS introduced, sum(study_ms) AS ms, "
            "    sum(retention_reviews) AS total, sum(retention_passed) AS passed, max(last_at) AS last_at "
            "    FROM m_days GROUP BY learner_id, day))")

    def metric_scope_size(self) -> tuple[int, int]:
        """(learners, decks) in the gathered scope: a report has learners x decks learner-deck rows."""
        row = self.db.execute("SELECT (SELECT count(*) FROM m_learners), (SELECT count(*) FROM m_decks)").fetchone()
        return int(row[0]), int(row[1])

    def _drop_metrics(self) -> None:
        self.db.execute("DROP VIEW IF EXISTS temp.m_days")
        for table in _TEMP_TABLES:
            self.db.execute(f"DROP TABLE IF EXISTS temp.{table}")

    def metric_learner_decks(self) -> Iterator[tuple]:
        """One row per chosen learner x chosen deck, by unit, name, id, deck id (a cursor: rows stream).

        Row: learner id, name, unit, NIP, role, deck id, deck title, then the metrics (see _METRIC_COLUMNS):
        introduced, mature, due now, reviews, study ms, retention reviews, retention passed, active days,
        current streak, longest streak, last studied (Unix ms or None).
        """
        self._pairs()
        self._cards()
        yield from self.db.execute(
            "SELECT x.id, x.name, coalesce(x.unit, ''), x.nip, x.role, d.id, d.title, "
            + _METRIC_COLUMNS.format(days="a.days", current="coalesce(a.current, 0)", longest="coalesce(a.longest, 0)")
            + " FROM m_learners ml JOIN learners x ON x.id = ml.id CROSS JOIN m_decks md JOIN decks d ON d.id = md.id "
            "LEFT JOIN m_pairs a ON a.learner_id = x.id AND a.deck_id = d.id "
            "LEFT JOIN m_cards c ON c.learner_id = x.id AND c.deck_id = d.id "
            "ORDER BY coalesce(x.unit, '') COLLATE NOCASE, x.name COLLATE NOCASE, x.id, d.id")

    def metric_learners(self) -> Iterator[tuple]:
        """One row per chosen learner, in the order of `metric_learner_decks`: learner id, name, unit, NIP,
        role, then the metrics over the chosen decks (active days and streaks count distinct study days)."""
        self._learner_days()
        self._learner_cards()
        yield from self.db.execute(
            "SELECT x.id, x.name, coalesce(x.unit, ''), x.nip, x.role, "
            + _METRIC_COLUMNS.format(days="a.days", current="coalesce(a.current, 0)", longest="coalesce(a.longest, 0)")
            + " FROM m_learners ml JOIN learners x ON x.id = ml.id "
            f"LEFT JOIN (SELECT learner_id, {_SUMS}, count(*) AS days, {_STREAKS} "
            "  FROM m_learner_days GROUP BY learner_id) a ON a.learner_id = x.id "
            "LEFT JOIN m_learner_cards c ON c.learner_id = x.id "
            "ORDER BY coalesce(x.unit, '') COLLATE NOCASE, x.name COLLATE NOCASE, x.id",
            {"low": self._scope.low, "anchor": self._scope.anchor},
        )

    def metric_units(self, city: bool = False) -> list[tuple]:
        """Per unit (or, with `city`, one row for all chosen learners, unit None): unit, learners, learners
        who studied, then the metrics; active days count the distinct study days anyone studied; streaks None."""
        self._learner_days()
        self._learner_cards()
        if city:
            key, group, days = "NULL", "", "(SELECT count(DISTINCT day) FROM m_learner_days)"
            unit_days = ""
        else:
            key, days = "coalesce(x.unit, '')", "coalesce(max(ud.days), 0)"
            group = f"GROUP BY {key} ORDER BY {key} COLLATE NOCASE"
            unit_days = ("LEFT JOIN (SELECT coalesce(y.unit, '') AS unit, count(DISTINCT d.day) AS days "
                         "FROM m_learner_days d JOIN learners y ON y.id = d.learner_id GROUP BY 1) ud "
                         "ON ud.unit = coalesce(x.unit, '') ")
        return self.db.execute(
            f"SELECT {key}, count(*), count(a.learner_id), "
            "coalesce(sum(a.introduced), 0), coalesce(sum(c.mature), 0), coalesce(sum(c.due), 0), "
            "coalesce(sum(a.reviews), 0), coalesce(sum(a.ms), 0), coalesce(sum(a.total), 0), "
            f"coalesce(sum(a.passed), 0), {days}, NULL, NULL, max(a.last_at) "
            "FROM m_learners ml JOIN learners x ON x.id = ml.id "
            f"LEFT JOIN (SELECT learner_id, {_SUMS} FROM m_learner_days GROUP BY learner_id) a "
            "  ON a.learner_id = x.id "
            f"LEFT JOIN m_learner_cards c ON c.learner_id = x.id {unit_days}{group}"
        ).fetchall()

    def metric_decks(self) -> list[tuple]:
        """Per chosen deck: deck id, title, learners who studied it in the range, then the metrics (streaks
        None; active days: distinct study days anyone studied the deck)."""
        self._pairs()
        self._cards()
        return self.db.execute(
            "SELECT d.id, d.title, coalesce(a.learners, 0), "
            + _METRIC_COLUMNS.format(days="dd.days", current="NULL", longest="NULL")
            + " FROM m_decks md JOIN decks d ON d.id = md.id "
            f"LEFT JOIN (SELECT deck_id, count(*) AS learners, {_SUMS} FROM m_pairs GROUP BY deck_id) a "
            "  ON a.deck_id = d.id "
            "LEFT JOIN (SELECT deck_id, count(DISTINCT day) AS days FROM m_days GROUP BY deck_id) dd "
            "  ON dd.deck_id = d.id "
            "LEFT JOIN (SELECT deck_id, sum(mature) AS mature, sum(due) AS due FROM m_cards GROUP BY deck_id) c "
            "  ON c.deck_id = d.id ORDER BY d.id"
        ).fetchall()

    def metric_daily(self) -> list[tuple]:
        """Per unit and study day with reviews: unit, day (number), reviews, introduced, study ms, learners
        who studied, retention reviews, retention passed; by day, then unit."""
        self._learner_days()
        return self.db.execute(
            "SELECT coalesce(x.unit, '') AS unit, d.day AS day, sum(d.reviews), sum(d.introduced), sum(d.ms), "
            "count(*), sum(d.total), sum(d.passed) "
            "FROM m_learner_days d JOIN learners x ON x.id = d.learner_id GROUP BY 1, 2 ORDER BY 2, 1 COLLATE NOCASE"
        ).fetchall()
