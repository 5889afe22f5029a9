"""What a learner has waiting and has done: the numbers behind the home screen."""

from __future__ import annotations

from dataclasses import dataclass

from .clock import Clock
from .models import DayProgress, DeckCounts, Learner
from .scheduling import SchedulerSettings, day_end, day_start, remaining
from .store import Store


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
    today = store.day_progress(learner.id, start)
    new_left = remaining(learner.settings.new_per_day, today.new_studied)
    reviews_left = remaining(learner.settings.reviews_per_day, today.reviews_studied)
    raw = store.deck_counts(learner.id, deck_ids, now, end)
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
