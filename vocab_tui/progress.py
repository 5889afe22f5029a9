"""What a learner has waiting and has done: the numbers behind the home screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from .clock import Clock, from_ms
from .models import DayProgress, DeckCounts, Learner
from .scheduling import SchedulerSettings, day_end, day_start, remaining, study_day_bounds
from .store import MATURE_DAYS, Store
from .study_days import StudyDays, day_number, day_of_number


@dataclass(frozen=True)
class HomeCounts:
    """Per-deck counts with today's limits applied, a total row, and today's progress."""

    decks: list[DeckCounts]
    total: DeckCounts
    today: DayProgress
    new_left_today: int

    @property
    def remembered_percent(self) -> int:
        reviewed = self.today.reviewed
        return round(100 * self.today.remembered / reviewed) if reviewed else 0


def home_counts(
    store: Store, learner: Learner, deck_ids: list[str], clock: Clock, settings: SchedulerSettings
) -> HomeCounts:
    now = clock.now()
    start = day_start(now, clock.tz, settings.day_starts_at)
    end = day_end(now, clock.tz, settings.day_starts_at)
    today = store.day_progress(learner.id, start, end)
    new_left = remaining(learner.settings.new_per_day, today.new_studied)
    reviews_left = remaining(learner.settings.reviews_per_day, today.reviews_studied)
    raw = store.deck_counts(learner.id, deck_ids, now, end, due_cap=reviews_left)
    decks = [
        DeckCounts(c.deck_id, c.title, min(c.new, new_left), c.learning, min(c.due, reviews_left), c.total)
        for c in raw
    ]
    total = DeckCounts(
        "",
        "",
        min(sum(c.new for c in raw), new_left),
        sum(c.learning for c in raw),
        min(sum(c.due for c in raw), reviews_left),
        sum(c.total for c in raw),
    )
    return HomeCounts(decks, total, today, new_left)


def next_change(
    store: Store, learner: Learner, deck_ids: list[str], clock: Clock, settings: SchedulerSettings
) -> datetime:
    """When the home screen's counts can next change by time alone: the next study day, or sooner
    when a card falls due or comes back from being buried."""
    now = clock.now()
    end = day_end(now, clock.tz, settings.day_starts_at)
    due = store.next_due(learner.id, deck_ids, now)
    return min(end, due) if due is not None else end


# -- the learner's statistics -------------------------------------------------------------------


@dataclass(frozen=True)
class LearnerStats:
    today: date
    streak: int
    daily: dict[date, int]  # reviews on each study day
    reviews_per_day: list[int]  # the last 30 study days, oldest first, today last
    forecast: list[int]  # cards falling due on each of the next 30 days, today first (overdue in today)
    retention: float | None  # true retention of mature cards, None without enough reviews
    retention_reviews: int
    known: int
    mature: int


def study_date(moment: datetime, tz: tzinfo, hour: int) -> date:
    """The study day (a local date) that `moment` belongs to: before `hour`:00 counts as the day before."""
    return (moment.astimezone(tz) - timedelta(hours=hour)).date()


def streak(days: set[date] | frozenset[date], today: date) -> int:
    """Consecutive study days up to today (or up to yesterday, while today is still open)."""
    current = today if today in days else today - timedelta(days=1)
    count = 0
    while current in days:
        count += 1
        current -= timedelta(days=1)
    return count


def true_retention(history: list[dict], tz: tzinfo, hour: int) -> tuple[float | None, int]:
    """Share of first-of-the-day reviews of mature cards (interval >= 21 days) not answered Again.

    Worked out from every review (`Store.review_history`): the definition that `learner_stats` counts in SQL.
    """
    seen: set[tuple[int, date]] = set()
    passed = total = 0
    for review in history:
        if review["state_before"] != 2 or review["interval_days"] is None or review["interval_days"] < MATURE_DAYS:
            continue
        key = (review["card_pk"], study_date(from_ms(review["answered_at"]), tz, hour))
        if key in seen:
            continue
        seen.add(key)
        total += 1
        passed += review["rating"] > 1
    return (passed / total if total else None), total


def learner_stats(
    store: Store, learner: Learner, deck_ids: list[str], clock: Clock, settings: SchedulerSettings, days: int = 30
) -> LearnerStats:
    """The statistics screen's numbers, as of the study day that `clock` is in.

    Reviews stamped after today's study day ends (saved on a terminal whose clock ran ahead) are
    left out of the days, the streak and the retention: they have not happened yet, and count on
    the day they are stamped with once that day comes. Words known count cards by their stored
    state, which such a review did change: the learner did study the word.

    Nothing is read review by review: the days, the streak and the retention come from the daily
    roll-up when the database counts days as this terminal does (`Store.study_days`: the usual case, a
    few hundred rows for a year), else the store counts within each study day's bounds (worked out
    here, in the learner's time zone) through its indexes.
    """
    now = clock.now()
    hour = settings.day_starts_at
    tz = clock.tz
    today = study_date(now, tz, hour)

    def bounds(day: date) -> tuple[datetime, datetime]:
        return study_day_bounds(day, tz, hour)

    counted = store.study_days()
    if counted is not None and counted.key() == StudyDays(tz, hour).key():
        rows = store.daily_totals(learner.id, day_number(today))
        per_day = {day_of_number(day): n for day, n, _total, _passed in rows if n}
        total, passed = sum(row[2] for row in rows), sum(row[3] for row in rows)
    else:
        first = store.first_review(learner.id)
        history_days = [] if first is None else [
            today - timedelta(days=offset)
            for offset in range(max(0, (today - study_date(first, tz, hour)).days), -1, -1)]
        spans = [bounds(day) for day in history_days]
        per_day = {day: n for day, n in zip(history_days, store.review_counts(learner.id, spans)) if n}
        total, passed = store.first_reviews_passed(learner.id, spans)
    recent = [per_day.get(today - timedelta(days=offset), 0) for offset in range(days - 1, -1, -1)]
    ahead = [bounds(today + timedelta(days=offset)) for offset in range(days)]
    forecast = store.due_counts(learner.id, deck_ids, [(None, ahead[0][1]), *ahead[1:]])
    retention = passed / total if total else None
    known, mature = store.known_words(learner.id, MATURE_DAYS)
    return LearnerStats(today, streak(set(per_day), today), per_day, recent, forecast, retention, total,
                        known, mature)
