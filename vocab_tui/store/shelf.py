"""The stored decks on their own, for commands that only list them (`decks list`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import timezone
from pathlib import Path

from ..clock import SystemClock
from ..i18n import _
from .core import StoreBase
from .errors import BUSY_TIMEOUT_MS, StoreError, database_error
from .schema import SCHEMA_VERSION, _identify

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
    """A database file opened read-only for its deck queries (`ShelfMixin`), for a command that only lists
    decks: nothing is written (no WAL switch, no migration), and the modules of cards, learners, answers,
    merges and reports, the deck model and the scheduler stay unloaded.

    A file that is not vocab-tui's, is newer or older than this version, or whose schema is damaged
    raises StoreError (the caller then reads the deck files themselves); damage met while reading is told
    through `explained()`. A shelf reads no time: its clock is UTC, so that no time zone rules load.
    """

    def __init__(self, path: Path | str) -> None:  # not StoreBase's, which opens the file for writing
        self.path = Path(path)
        self.clock = SystemClock(timezone.utc)
        self.warnings: list[str] = []
        self._db = None
        try:
            conn = sqlite3.connect(self.path.absolute().as_uri() + "?mode=ro", uri=True,
                                   timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except sqlite3.Error as err:
            raise database_error(err, self.path) from None
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            version, _app_id = _identify(conn, self.path)
        except BaseException as err:
            conn.close()
            if isinstance(err, sqlite3.Error):
                raise database_error(err, self.path) from None
            raise
        if version != SCHEMA_VERSION:
            conn.close()
            raise StoreError(_("{path} holds no decks of this version yet").format(path=self.path))
        self.conn = conn
