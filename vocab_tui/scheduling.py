"""FSRS wrapper, the study day, daily limits and queue order (pure functions of their inputs)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import chain, zip_longest

from fsrs import Card as FSRSCard
from fsrs import Rating, Scheduler

from .clock import UTC
from .i18n import _

RATINGS = (Rating.Again, Rating.Hard, Rating.Good, Rating.Easy)


@dataclass(frozen=True)
class SchedulerSettings:
    """How the FSRS-6 scheduler is set up (desired retention is per learner)."""

    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    maximum_interval: int = 36500
    enable_fuzzing: bool = True
    day_starts_at: int = 4  # local hour at which a new study day begins
    learn_ahead: timedelta = timedelta(minutes=20)
    leech_threshold: int = 8  # lapses after which a card is marked a leech


def make_scheduler(settings: SchedulerSettings, desired_retention: float = 0.9) -> Scheduler:
    return Scheduler(
        desired_retention=desired_retention,
        learning_steps=settings.learning_steps,
        relearning_steps=settings.relearning_steps,
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=settings.enable_fuzzing,
    )


def day_start(now: datetime, tz: tzinfo, hour: int = 4) -> datetime:
    """The UTC instant at which the study day containing `now` began (local `hour`:00)."""
    local = now.astimezone(tz)
    start = datetime.combine(local.date(), time(hour), tzinfo=tz)
    if local < start:
        start = datetime.combine(local.date() - timedelta(days=1), time(hour), tzinfo=tz)
    return start.astimezone(UTC)


def day_end(now: datetime, tz: tzinfo, hour: int = 4) -> datetime:
    """The UTC instant at which the next study day begins."""
    start_local = day_start(now, tz, hour).astimezone(tz)
    following = datetime.combine(start_local.date() + timedelta(days=1), time(hour), tzinfo=tz)
    return following.astimezone(UTC)


def study_day_bounds(day: date, tz: tzinfo, hour: int = 4) -> tuple[datetime, datetime]:
    """The UTC instants `[start, end)` of the study day `day` (a local date): local `hour`:00 to the next."""
    start = datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)
    return start, datetime.combine(day + timedelta(days=1), time(hour), tzinfo=tz).astimezone(UTC)


def remaining(limit: int, done: int) -> int:
    return max(0, limit - done)


def order_reviews(cards: Iterable[FSRSCard], scheduler: Scheduler, now: datetime) -> list[FSRSCard]:
    """Due reviews, the ones the learner is most likely to have forgotten first."""
    return sorted(cards, key=lambda c: (scheduler.get_card_retrievability(c, now), c.due, c.card_id))


def interleave(per_deck: Sequence[Sequence[int]], limit: int) -> list[int]:
    """New cards taken in turn from each deck, each deck in its own order, up to `limit`."""
    merged = [pk for pk in chain.from_iterable(zip_longest(*per_deck)) if pk is not None]
    return merged[: max(0, limit)]


def grade(scheduler: Scheduler, card: FSRSCard | None, card_pk: int, rating: Rating, now: datetime) -> FSRSCard:
    """What `rating` makes of `card` at `now` (a new card when `card` is None)."""
    base = card if card is not None else FSRSCard(card_id=card_pk, due=now)
    return scheduler.review_card(base, rating, now)[0]


def outcomes(
    scheduler: Scheduler, card: FSRSCard | None, card_pk: int, now: datetime
) -> dict[Rating, FSRSCard]:
    """What each grade would make of `card` at `now` (a new card when `card` is None)."""
    return {rating: grade(scheduler, card, card_pk, rating, now) for rating in RATINGS}


def format_interval(delta: timedelta) -> str:
    """A short human interval: 10m, 5h, 3d, 2.5mo, 1.2y (units translated)."""
    seconds = max(0.0, delta.total_seconds())
    minutes = seconds / 60
    days = seconds / 86400
    if minutes < 60:
        return _("{n}m").format(n=max(1, round(minutes)))
    if days < 1:
        return _("{n}h").format(n=round(minutes / 60))
    if days < 30:
        return _("{n}d").format(n=round(days))
    if days < 365:
        return _("{n}mo").format(n=_decimal(days / 30.4))
    return _("{n}y").format(n=_decimal(days / 365.25))


def _decimal(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", _("."))
