"""Progress reports for managers: who studied, which units lag, which decks are mastered.

The numbers are aggregated in SQL by the store (`store/metrics.py`, which documents each definition);
this module chooses the range in the office's time and turns rows into records. Shapes:

- a range is two study days (local dates, the day starting at `day_starts_at`, 04:00), both included;
- every `Metrics` has counts, study time in ms, retention as a share 0..1 (None without mature reviews),
  and `last_studied` as an aware UTC datetime.

No Textual here: the dashboard, the exports and the tests all read the same `Report`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from .clock import Clock, from_ms
from .progress import study_date
from .study_days import StudyDays, day_number, day_of_number

if TYPE_CHECKING:
    from .store import Store


class _Rates:
    """True retention and study minutes of a row with retention_passed, retention_reviews and study_ms."""

    retention_passed: int
    retention_reviews: int
    study_ms: int

    @property
    def retention(self) -> float | None:
        """True retention 0..1; None when no mature card was reviewed."""
        return self.retention_passed / self.retention_reviews if self.retention_reviews else None

    @property
    def study_minutes(self) -> float:
        return round(self.study_ms / 60000, 1)


@dataclass(frozen=True)
class Metrics(_Rates):
    """What was done in a range (and, for `mature` and `due_now`, where things stand now)."""

    introduced: int = 0  # cards studied for the first time
    mature: int = 0  # cards in review with stability >= 21 days, now
    due_now: int = 0  # studied cards waiting now
    reviews: int = 0  # answers given
    study_ms: int = 0  # time spent answering, ms
    retention_reviews: int = 0  # first reviews of a day of mature cards
    retention_passed: int = 0  # ... of those, not answered Again
    active_days: int = 0  # distinct study days with answers
    current_streak: int | None = None  # study days in a row up to the range's end (None: not per person)
    longest_streak: int | None = None
    last_studied: datetime | None = None  # UTC

    @classmethod
    def from_row(cls, row: Sequence) -> Metrics:
        """From the store's eleven metric columns (see `store.metrics._METRIC_COLUMNS`)."""
        (introduced, mature, due, reviews, ms, total, passed, days, current, longest, last) = row
        return cls(int(introduced), int(mature), int(due), int(reviews), int(ms), int(total), int(passed),
                   int(days), None if current is None else int(current),
                   None if longest is None else int(longest), from_ms(last) if last is not None else None)


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    unit: str
    nip: str | None
    role: str


@dataclass(frozen=True)
class LearnerDeckRow:
    learner: Person
    deck_id: str
    deck_title: str
    metrics: Metrics


@dataclass(frozen=True)
class LearnerRow:
    learner: Person
    metrics: Metrics


@dataclass(frozen=True)
class UnitRow:
    """A unit (OPD), or the city (unit None): learners in scope, those who studied in the range."""

    unit: str | None
    learners: int
    active_learners: int
    metrics: Metrics


@dataclass(frozen=True)
class DeckRow:
    deck_id: str
    title: str
    active_learners: int
    metrics: Metrics


@dataclass(frozen=True)
class DailyRow(_Rates):
    """One unit's study day."""

    unit: str
    day: date
    reviews: int
    introduced: int
    study_ms: int
    active_learners: int
    retention_reviews: int
    retention_passed: int


@dataclass(frozen=True)
class ReportScope:
    """Which study days, people and decks a report covers; None = no limit."""

    since: date | None = None
    until: date | None = None
    units: tuple[str, ...] | None = None
    deck_ids: tuple[str, ...] | None = None
    learner_ids: tuple[int, ...] | None = None


class ReportError(ValueError):
    """A scope that names something the database does not have, or a range that ends before it starts."""


def parse_day(text: str, what: str) -> date:
    """A YYYY-MM-DD date; raises ReportError naming `what` (e.g. '--since') otherwise."""
    from .i18n import _

    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ReportError(_("{what}: '{value}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-01").format(
            what=what, value=text)) from None


@dataclass
class Report:
    """An open report: the rows of one scope, read from the store while the `open_report` block lasts.

    `learner_decks()` and `learners()` are generators over database cursors: they stream.
    """

    store: Store
    scope: ReportScope
    generated_at: datetime
    today: date
    first_day: date | None  # the range actually covered (study days), None when nothing was answered
    last_day: date | None
    timezone: str
    day_starts_at: int

    def size(self) -> tuple[int, int]:
        """(learners, decks) in scope: `learner_decks()` yields learners x decks rows."""
        return self.store.metric_scope_size()

    def learner_decks(self) -> Iterator[LearnerDeckRow]:
        for row in self.store.metric_learner_decks():
            yield LearnerDeckRow(Person(*row[:5]), row[5], row[6], Metrics.from_row(row[7:]))

    def learners(self) -> Iterator[LearnerRow]:
        for row in self.store.metric_learners():
            yield LearnerRow(Person(*row[:5]), Metrics.from_row(row[5:]))

    def units(self) -> list[UnitRow]:
        return [UnitRow(row[0], int(row[1]), int(row[2]), Metrics.from_row(row[3:])) for row in self.store.metric_units()]

    def city(self) -> UnitRow:
        row = self.store.metric_units(city=True)[0]
        return UnitRow(None, int(row[1]), int(row[2]), Metrics.from_row(row[3:]))

    def decks(self) -> list[DeckRow]:
        return [DeckRow(row[0], row[1], int(row[2]), Metrics.from_row(row[3:])) for row in self.store.metric_decks()]

    def daily(self) -> list[DailyRow]:
        return [DailyRow(row[0], day_of_number(row[1]), *(int(v) for v in row[2:]))
                for row in self.store.metric_daily()]


def check_scope(store: Store, scope: ReportScope, deck_ids: Sequence[str]) -> None:
    """Raise ReportError when the scope names a unit, deck or learner the database does not have."""
    from .i18n import _
    from .store import StoreError

    if scope.since and scope.until and scope.until < scope.since:
        raise ReportError(_("--until ({until}) is before --since ({since})").format(
            until=scope.until.isoformat(), since=scope.since.isoformat()))
    known_units = {u.casefold(): u for u in store.units()}
    for unit in scope.units or ():
        if unit.casefold() not in known_units:
            raise ReportError(_("No unit called '{unit}'; units: {units}").format(
                unit=unit, units=", ".join(known_units.values()) or "-"))
    for deck_id in scope.deck_ids or ():
        if deck_id not in deck_ids:
            raise ReportError(_("No deck with id '{id}'; decks: {ids}").format(id=deck_id, ids=", ".join(deck_ids)))
    for learner_id in scope.learner_ids or ():
        try:
            store.learner(learner_id)
        except StoreError:
            raise ReportError(_("No learner with id {id}; see: vocab-tui learners list").format(id=learner_id)) from None


def office_today(store: Store, clock: Clock, day_starts_at: int = 4) -> date:
    """Today's study day (local date) as the office counts days: in the database's zone and from its hour
    (`Store.study_days`), whatever the zone of the terminal asking; `clock`'s only when the file has none."""
    days = store.study_days() or StudyDays(clock.tz, day_starts_at)
    return study_date(clock.now(), days.tz, days.hour)


@contextmanager
def open_report(store: Store, scope: ReportScope, clock: Clock, day_starts_at: int = 4,
                deck_ids: Sequence[str] | None = None) -> Iterator[Report]:
    """Gather the scope's numbers in the store and yield a Report to read them (raises ReportError for a bad scope).

    `deck_ids`: the decks that exist (the synced ones); a scope without decks covers all of them.
    Units are matched without regard to case. Days are the office's: counted in the time zone and from the
    hour the database counts them in (`Store.study_days`, set when the file was first opened), whatever
    the zone of the terminal asking (`clock`'s zone and `day_starts_at` only stand in should the database
    have none). Only reads; the store's temporary tables go at the end.
    """
    now = clock.now()
    known_decks = list(deck_ids) if deck_ids is not None else [d.id for d in store.decks()]
    check_scope(store, scope, known_decks)
    days = store.study_days() or StudyDays(clock.tz, day_starts_at)  # (every Store sets them when it opens)
    tz, hour = days.tz, days.hour
    units = None
    if scope.units is not None:
        by_key = {u.casefold(): u for u in store.units()}
        units = [by_key[u.casefold()] for u in scope.units]
    today = study_date(now, tz, hour)
    span = store.answer_span() if not (scope.since and scope.until) else None
    first = scope.since or (day_of_number(span[0]) if span else None)
    last = scope.until or (max(today, day_of_number(span[1])) if span else None)
    if first and last and last < first:  # a range that begins after today and the last answer: that one day
        last = first
    anchor = min(today, last) if last else today
    with store.metrics_scope(first_day=day_number(scope.since) if scope.since else None,
                             last_day=day_number(scope.until) if scope.until else None,
                             anchor=day_number(anchor), now=now,
                             learner_ids=scope.learner_ids, units=units,
                             deck_ids=list(scope.deck_ids) if scope.deck_ids else known_decks):
        yield Report(store, scope, now, today, first, last, getattr(tz, "key", None) or str(tz), hour)


__all__ = [
    "DailyRow", "DeckRow", "LearnerDeckRow", "LearnerRow", "Metrics", "Person", "Report", "ReportError",
    "ReportScope", "UnitRow", "check_scope", "office_today", "open_report", "parse_day",
]
