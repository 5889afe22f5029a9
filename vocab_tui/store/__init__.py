"""The one package that speaks SQL: schema, migrations and queries (through sqlite-utils), a module a concern.

One SQLite file holds every learner of the city, and many processes (terminals, browser tabs) use
it at once. Times are stored as ISO-8601 UTC text in one fixed form (see `clock.iso`), so that
comparing the text compares the instants; the review log, the biggest table, stores its times as
Unix milliseconds instead (`clock.to_ms`), and a daily roll-up of it (`daily.py`) for reports.

Opening a file is careful, because the file may not be ours and may be shared:

- A file is adopted only when it is new or empty, or marked as ours: its `PRAGMA application_id`
  is APPLICATION_ID, 0x566F6354 ("VocT"), set on creation and by every migration. A file from an
  earlier release (user_version 1 or 2, only our tables, application_id 0) is adopted and marked.
  Any other file is inspected through a read-only connection and refused before anything is
  written (no WAL switch, no pragma), so another program's file or a damaged one stays
  byte-identical.
- Folders we create are 0700 and the database file 0600, whatever the umask; SQLite gives the
  -wal and -shm files the main file's mode. An existing file others may read gets a warning.
- A read-only file or folder, a full disk and a file another process keeps locked are told apart
  and explained (the StoreError subclasses below).
- Every write transaction begins IMMEDIATE (`_writing`): it takes the write lock at once or waits
  for it up to the busy timeout, and the reads that decide what it writes happen inside it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The errors are light (no SQLite layer, no YAML): commands import them to catch them, and `--help` must
# stay fast. Everything else loads on first use (PEP 562), from the module that defines it.
from .errors import (
    BUSY_TIMEOUT_MS,
    LOW_SPACE_BYTES,
    DamagedDatabaseError,
    DatabaseBusyError,
    DiskFullError,
    DuplicateLearner,
    DuplicateNip,
    ForeignDatabaseError,
    LearnerGoneError,
    NewerDatabaseError,
    ReadOnlyDatabaseError,
    StaleCardError,
    StoreError,
    database_error,
    same_person_key,
)

if TYPE_CHECKING:
    from .backup import DailyBackup
    from .core import QUICK_CHECK_MAX_BYTES
    from .database import Store
    from .shelf import DeckShelf
    from .learners import KEEP
    from .merge import MergeReport, SkippedLearner
    from .pins import PinCheck, PinError
    from .records import ErasedLearner, ImportOutcome, MergedLearners
    from .reviews import KEEP_FLAGS, SavedAnswer
    from .schema import (
        APPLICATION_ID,
        MATURE_DAYS,
        MIGRATIONS,
        REVIEW_ID_RANDOM_BITS,
        SCHEMA_VERSION,
        new_review_id,
    )

_LAZY = {
    "Store": "database",
    "DeckShelf": "shelf",
    "QUICK_CHECK_MAX_BYTES": "core",
    "KEEP_FLAGS": "reviews",
    "SavedAnswer": "reviews",
    "APPLICATION_ID": "schema",
    "MATURE_DAYS": "schema",
    "MIGRATIONS": "schema",
    "REVIEW_ID_RANDOM_BITS": "schema",
    "SCHEMA_VERSION": "schema",
    "new_review_id": "schema",
    "DailyBackup": "backup",
    "MergeReport": "merge",
    "SkippedLearner": "merge",
    "KEEP": "learners",
    "ErasedLearner": "records",
    "ImportOutcome": "records",
    "MergedLearners": "records",
    "PinCheck": "pins",
    "PinError": "pins",
}


def __getattr__(name: str) -> Any:
    if name == "sqlite3":  # tests reach the connect function through this package; loaded when asked
        return importlib.import_module("sqlite3")
    module = _LAZY.get(name)
    if module is None:
        try:  # a module of the package: `store.core`
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "APPLICATION_ID", "BUSY_TIMEOUT_MS", "DailyBackup", "DamagedDatabaseError", "DatabaseBusyError", "DeckShelf",
    "DiskFullError", "DuplicateLearner", "DuplicateNip", "ErasedLearner", "ForeignDatabaseError",
    "ImportOutcome", "KEEP", "KEEP_FLAGS", "LearnerGoneError", "LOW_SPACE_BYTES", "MATURE_DAYS", "MIGRATIONS", "MergeReport",
    "MergedLearners", "NewerDatabaseError", "PinCheck", "PinError", "QUICK_CHECK_MAX_BYTES",
    "REVIEW_ID_RANDOM_BITS", "ReadOnlyDatabaseError", "SCHEMA_VERSION", "SavedAnswer", "SkippedLearner",
    "StaleCardError", "Store", "StoreError", "database_error", "new_review_id", "same_person_key",
]
