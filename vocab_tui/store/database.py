"""The store as one class: a mixin per concern, over the file handling and transactions of `StoreBase`."""

from __future__ import annotations

from pathlib import Path

from ..clock import Clock
from ..study_days import DAY_STARTS_AT, StudyDays
from .backup import BackupMixin
from .cards import DecksMixin
from .core import StoreBase
from .counts import CountsMixin
from .daily import DailyMixin
from .learners import LearnersMixin
from .merge import MergeMixin
from .metrics import MetricsMixin
from .pins import PinsMixin
from .records import RecordsMixin
from .reviews import ReviewsMixin
from .terms import TermsMixin


class Store(RecordsMixin, LearnersMixin, PinsMixin, DecksMixin, ReviewsMixin, DailyMixin, CountsMixin, BackupMixin,
            MergeMixin, MetricsMixin, TermsMixin, StoreBase):
    """The one SQLite file of an office, through sqlite-utils; each concern's queries live in its own module.

    Opening a file whose study days are not yet counted (new, or just upgraded from schema 4) counts them
    in the clock's time zone from DAY_STARTS_AT (see store/daily.py); an office's later terminals keep
    the zone found then. Raises what `StoreBase` raises.
    """

    def __init__(self, path: Path | str, clock: Clock) -> None:
        super().__init__(path, clock)
        try:
            self.use_study_days(StudyDays(clock.tz, DAY_STARTS_AT), replace=False)
        except BaseException:
            self.close()
            raise
