"""The store as one class: a mixin per concern, over the file handling and transactions of `StoreBase`."""

from __future__ import annotations

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


class Store(RecordsMixin, LearnersMixin, PinsMixin, DecksMixin, ReviewsMixin, DailyMixin, CountsMixin, BackupMixin, MergeMixin, MetricsMixin,
            TermsMixin, StoreBase):
    """The one SQLite file of an office, through sqlite-utils; each concern's queries live in its own module."""
