"""The store as one class: a mixin per concern, over the file handling and transactions of `StoreBase`."""

from __future__ import annotations

from .cards import DecksMixin
from .core import StoreBase
from .counts import CountsMixin
from .learners import LearnersMixin
from .reviews import ReviewsMixin
from .terms import TermsMixin


class Store(LearnersMixin, DecksMixin, ReviewsMixin, CountsMixin, TermsMixin, StoreBase):
    """The one SQLite file of an office, through sqlite-utils; each concern's queries live in its own module."""
