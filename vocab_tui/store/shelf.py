"""The stored decks on their own, for commands that only list them (`decks list`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timezone
from pathlib import Path

from ..clock import SystemClock

from .core import StoreBase

# A stored deck's active card count: kept on `decks` by syncing, counted when an older file lacks it.
_DECKS = ("SELECT d.id, d.title, d.description, coalesce(d.card_count, (SELECT count(*) FROM cards c "
          "WHERE c.deck_id = d.id AND c.retired_at IS NULL)) AS n FROM decks d ORDER BY d.title")


class ShelfMixin(StoreBase):
    """The deck queries that need neither the deck model nor the models module (plain rows)."""

    def deck_sources(self) -> dict[str, tuple[str, str]]:
        """For each stored deck's file: (content hash, deck id)."""
        return {row["source"]: (row["content_hash"], row["id"])
                for row in self._rows("SELECT id, source, content_hash FROM decks")}

    def deck_rows(self, deck_ids: Iterable[str] | None = None) -> list[dict]:
        """Stored decks (only `deck_ids`, in that order, when given) as rows: id, title, description and
        n, the deck's active card count."""
        rows = {row["id"]: row for row in self._rows(_DECKS)}
        return list(rows.values()) if deck_ids is None else [rows[d] for d in deck_ids if d in rows]


class DeckShelf(ShelfMixin, StoreBase):
    """A database file opened with every check of `StoreBase` (foreign, damaged and newer files refused,
    WAL, the migration, the privacy warning), offering only the deck queries of `ShelfMixin`.

    The modules of cards, learners, answers, merges and reports, the deck model and the scheduler they
    load stay unloaded (about 55 ms of a command that prints a table). Raises what `StoreBase` raises.
    A shelf reads no time: its clock is UTC, so that no time zone rules are loaded for it.
    """

    def __init__(self, path: Path | str) -> None:
        super().__init__(path, SystemClock(timezone.utc))
