"""The stored decks on their own, for commands that only list them (`decks list`)."""

from __future__ import annotations

from .cards import DecksMixin
from .core import StoreBase


class DeckShelf(DecksMixin, StoreBase):
    """A database file opened with every check of `StoreBase` (foreign, damaged and newer files refused,
    WAL, the migration, the privacy warning), offering only the deck queries of `DecksMixin`.

    The modules of learners, answers, merges and reports, and the scheduler they load, stay unloaded
    (about 30 ms of a command that prints a table). Raises what `StoreBase` raises.
    """
