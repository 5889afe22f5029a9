"""The one module that speaks SQL: schema, migrations and queries (through sqlite-utils).

One SQLite file holds every learner of the city, and many processes (terminals, browser tabs) use
it at once. Times are stored as ISO-8601 UTC text in one fixed form (see `clock.iso`), so that
comparing the text compares the instants.

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

import errno
import json
import os
import random
import shlex
import shutil
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from fsrs import Card as FSRSCard
from fsrs import State
from sqlite_utils import Database

from .clock import Clock, iso, parse_iso
from .decks import Card, Deck
from .i18n import _
from .paths import make_private_folders
from .models import (
    NEW,
    Answer,
    CardFlags,
    DayProgress,
    DeckCounts,
    DeckInfo,
    Learner,
    LearnerSettings,
    StoredCard,
)

# Marks a SQLite file as a vocab-tui database (PRAGMA application_id): "VocT".
APPLICATION_ID = 0x566F6354
BUSY_TIMEOUT_MS = 5000
# A file up to this size gets a full `PRAGMA quick_check` before it is used (about 3 ms per MB);
# a larger one only the checks of its header and schema, and damage met later is told the same way.
QUICK_CHECK_MAX_BYTES = 32 * 1024 * 1024
# Less free space than this beside the database: a warning at start, and a disk I/O error is a full disk.
LOW_SPACE_BYTES = 8 * 1024 * 1024
_SQLITE_MAGIC = b"SQLite format 3\x00"
# Primary SQLite result codes (sqlite3.Error.sqlite_errorcode & 0xFF).
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT = 3, 5, 6, 8, 10, 11
_FULL, _CANTOPEN, _AUTH, _NOTADB = 13, 14, 23, 26


# `undo_review` leaves the card's suspend and bury flags as they are.
KEEP_FLAGS = object()


class StoreError(Exception):
    """A database problem told in words a person can act on."""


class DuplicateLearner(StoreError):
    """A profile for the same person (same name and unit, any case and spacing) already exists."""

    def __init__(self, existing: Learner) -> None:
        who = existing.name + (f" ({existing.unit})" if existing.unit else "")
        super().__init__(_("There is already a profile for {who} (id {id})").format(who=who, id=existing.id))
        self.existing = existing


def same_person_key(name: str, unit: str) -> tuple[str, str]:
    """What two profiles of one person share: name and unit, ignoring case and spaces."""
    return "".join(name.split()).casefold(), "".join(unit.split()).casefold()


class ForeignDatabaseError(StoreError):
    """The file is not a vocab-tui database (another program's, or not SQLite): refused, left unchanged."""


class DamagedDatabaseError(StoreError):
    """The file is a vocab-tui database that cannot be trusted (malformed, missing tables or columns)."""


class NewerDatabaseError(StoreError):
    """The file was made by a newer vocab-tui, whose schema this one does not know."""


class ReadOnlyDatabaseError(StoreError):
    """The file or its folder cannot be written, so no answer could be saved."""


class DiskFullError(StoreError):
    """The disk holding the database is full."""


class DatabaseBusyError(StoreError):
    """Another process kept the database locked for longer than the busy timeout."""


def _code(err: BaseException) -> int | None:
    code = getattr(err, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def _low_space(folder: Path) -> int | None:
    """Free bytes on the disk holding `folder` when fewer than LOW_SPACE_BYTES, else None."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return None
    return free if free < LOW_SPACE_BYTES else None


def _foreign(path: Path, reason: str) -> ForeignDatabaseError:
    return ForeignDatabaseError(
        _("{path} is not a vocab-tui database ({reason}); it was left unchanged. "
          "Choose another file with --db").format(path=path, reason=reason)
    )


def _damaged(path: Path, problem: str) -> DamagedDatabaseError:
    return DamagedDatabaseError(
        _("The database {path} is damaged ({problem}); it was left unchanged. "
          "Restore it from a backup, or choose another file with --db").format(path=path, problem=problem)
    )


def _read_only(path: Path) -> ReadOnlyDatabaseError:
    return ReadOnlyDatabaseError(
        _("The database {path} is read-only for you, so no answer could be saved; "
          "ask your IT staff for write access to it and its folder, or choose another file with --db").format(
            path=path)
    )


def _disk_full(path: Path) -> DiskFullError:
    return DiskFullError(
        _("The disk holding {path} is full; free some space on it (move or delete old files) and try again").format(
            path=path)
    )


def database_error(err: BaseException, path: Path) -> StoreError:
    """The StoreError a person can act on for an sqlite3 or OS error met on the database at `path`."""
    if isinstance(err, StoreError):
        return err
    if isinstance(err, OSError):
        if err.errno in (errno.ENOSPC, errno.EDQUOT):
            return _disk_full(path)
        if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return _read_only(path)
        return StoreError(_("Cannot use the database {path}: {reason}").format(path=path, reason=err.strerror or err))
    code, text = _code(err), str(err)
    if code == _FULL or "disk is full" in text:
        return _disk_full(path)
    if (code == _IOERR or "disk I/O error" in text) and _low_space(path.parent) is not None:
        return _disk_full(path)
    if code in (_CORRUPT, _NOTADB) or "malformed" in text or "not a database" in text:
        return _damaged(path, text)
    if code in (_READONLY, _PERM, _AUTH) or "readonly" in text:
        return _read_only(path)
    if code == _CANTOPEN or "unable to open" in text:
        return StoreError(
            _("Cannot open the database {path}; check that its folder exists and that you may write "
              "to the file and its folder").format(path=path)
        )
    if code in (_BUSY, _LOCKED) or "locked" in text or "busy" in text:
        return DatabaseBusyError(
            _("The database {path} is busy: another program kept it locked for more than {seconds} s; "
              "try again in a moment").format(path=path, seconds=BUSY_TIMEOUT_MS // 1000)
        )
    if code == _IOERR or "disk I/O error" in text:
        return StoreError(
            _("Cannot read or write the database {path} (disk I/O error); check the disk, "
              "and if this keeps happening restore the file from a backup").format(path=path)
        )
    return StoreError(_("Database error in {path}: {reason}").format(path=path, reason=text))


class StaleCardError(StoreError):
    """The card's stored state is no longer the one an answer or an undo was worked out from.

    Another screen of the same learner studied the card in between. Nothing was written;
    `current` is the state now stored (None when the card has no progress).
    """

    def __init__(self, message: str, current: FSRSCard | None) -> None:
        super().__init__(message)
        self.current = current


@dataclass(frozen=True)
class SavedAnswer:
    """What `Store.record_answer` wrote: the answer as applied, and the card's lapse count after it."""

    review_id: int
    answer: Answer  # its `before` is the stored state it was applied to
    lapses: int
    rebased: bool = False  # the card had moved on elsewhere; `answer` was worked out again from its state


def _schema_v1(db: Database) -> None:
    db["learners"].create(
        {
            "id": int,
            "name": str,
            "unit": str,
            "created_at": str,
            "new_per_day": int,
            "reviews_per_day": int,
            "desired_retention": float,
        },
        pk="id",
        not_null={"name", "unit", "created_at"},
        defaults={"unit": "", "new_per_day": 20, "reviews_per_day": 200, "desired_retention": 0.9},
    )
    db["decks"].create(
        {
            "id": str,
            "title": str,
            "description": str,
            "version": str,
            "source": str,
            "content_hash": str,
            "synced_at": str,
        },
        pk="id",
        not_null={"title"},
    )
    db["cards"].create(
        {
            "pk": int,
            "deck_id": str,
            "card_id": str,
            "position": int,
            "term": str,
            "translation": str,
            "definition": str,
            "example": str,
            "example_translation": str,
            "part_of_speech": str,
            "level": str,
            "tags": str,
            "ipa": str,
            "notes": str,
            "acronym_of": str,
            "retired_at": str,
        },
        pk="pk",
        not_null={"deck_id", "card_id", "term", "translation", "definition", "example"},
        foreign_keys=[("deck_id", "decks", "id")],
    )
    db["cards"].create_index(["deck_id", "card_id"], unique=True)
    db["card_states"].create(
        {
            "learner_id": int,
            "card_pk": int,
            "state": int,
            "step": int,
            "stability": float,
            "difficulty": float,
            "due": str,
            "last_review": str,
            "reps": int,
            "lapses": int,
        },
        pk=("learner_id", "card_pk"),
        not_null={"state", "due"},
        defaults={"reps": 0, "lapses": 0},
        foreign_keys=[("learner_id", "learners", "id"), ("card_pk", "cards", "pk")],
    )
    db["card_states"].create_index(["learner_id", "state", "due"])
    db["card_states"].create_index(["card_pk"])
    db["reviews"].create(
        {
            "id": int,
            "learner_id": int,
            "card_pk": int,
            "rating": int,
            "answered_at": str,
            "duration_ms": int,
            "mode": str,
            "state_before": int,
            "state_after": int,
            "card_before": str,
            "card_after": str,
        },
        pk="id",
        not_null={"learner_id", "card_pk", "rating", "answered_at", "mode", "state_before", "card_after"},
        foreign_keys=[("learner_id", "learners", "id"), ("card_pk", "cards", "pk")],
    )
    db["reviews"].create_index(["learner_id", "answered_at"])
    db["reviews"].create_index(["card_pk"])


def _schema_v2(db: Database) -> None:
    """Suspended and buried cards; each learner's default study mode."""
    db["card_flags"].create(
        {"learner_id": int, "card_pk": int, "suspended": int, "buried_until": str},
        pk=("learner_id", "card_pk"),
        defaults={"suspended": 0},
        foreign_keys=[("learner_id", "learners", "id"), ("card_pk", "cards", "pk")],
    )
    db["learners"].add_column("default_mode", str, not_null_default="mixed")


MATURE_DAYS = 21  # a card shown at an interval of 21 days or more is mature (as in Anki)


def _schema_v3(db: Database) -> None:
    """Indexes for the hot paths, so that their cost does not grow with the size of a deck (issue 13).

    cards(deck_id, position): new cards in deck order and random draws by position, read in index order.
    cards(deck_id, retired_at, part_of_speech, position): active cards counted per deck without reading
    their rows, and random distractors of one part of speech.
    """
    db["cards"].create_index(["deck_id", "position"], index_name="cards_deck_position")
    db["cards"].create_index(["deck_id", "retired_at", "part_of_speech", "position"], index_name="cards_deck_active")
    # The interval each review was shown at (due - last review of the state before it, in days), kept beside
    # the JSON so that the statistics screen can pick mature reviews without parsing a year of JSON.
    db["reviews"].add_column("interval_days", float)
    db.execute(f"UPDATE reviews SET interval_days = {_INTERVAL_DAYS.format(row='reviews')} WHERE card_before IS NOT NULL")
    db.execute(
        "CREATE TRIGGER reviews_interval_days AFTER INSERT ON reviews WHEN NEW.card_before IS NOT NULL "
        f"BEGIN UPDATE reviews SET interval_days = {_INTERVAL_DAYS.format(row='NEW')} WHERE id = NEW.id; END"
    )
    # The reviews true retention counts (cards in review, shown at a mature interval), in an index that
    # holds all it reads: a year of them is counted without visiting the review rows.
    db.execute(
        "CREATE INDEX reviews_mature ON reviews (learner_id, answered_at, card_pk, rating, state_before, interval_days) "
        f"WHERE state_before = 2 AND interval_days >= {MATURE_DAYS}"
    )


# Days between the due date and the last review of a review's state before it (NULL without a last review),
# to the millisecond, as stored times are.
_INTERVAL_DAYS = (
    "round((julianday(json_extract({row}.card_before, '$.due')) "
    "- julianday(json_extract({row}.card_before, '$.last_review'))) * 86400000) / 86400000.0"
)



REVIEW_ID_RANDOM_BITS = 20  # a review id is (unix time in ms << 20) | 20 random bits: unique across terminals

# The v4 review log: one row per answer, with the card's state after it in columns (no JSON). The state
# before an answer is the state after the learner's previous answer to that card (None before the first);
# undo and merge rely on that chain.
_REVIEWS_V4 = """
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,         -- globally unique: (unix ms << 20) | random bits (REVIEW_ID_RANDOM_BITS)
    learner_id INTEGER NOT NULL REFERENCES learners(id),
    card_pk INTEGER NOT NULL REFERENCES cards(pk),
    rating INTEGER NOT NULL,        -- 1 Again, 2 Hard, 3 Good, 4 Easy
    answered_at TEXT NOT NULL,      -- UTC, clock.iso
    duration_ms INTEGER,
    mode TEXT NOT NULL,
    state_before INTEGER NOT NULL,  -- models.NEW (0) or fsrs State (1 learning, 2 review, 3 relearning)
    state_after INTEGER NOT NULL,
    interval_days REAL,             -- the interval the card was shown at (due - last review before), days
    step INTEGER,                   -- the card's state after this answer: learning step,
    stability REAL,                 --   FSRS stability (days),
    difficulty REAL,                --   FSRS difficulty (1-10),
    due TEXT                        --   and due time (UTC, clock.iso)
)
"""


def new_review_id(answered_at: datetime, rng: random.Random | None = None) -> int:
    """A review id unique across terminals: the answer's Unix time in ms, then REVIEW_ID_RANDOM_BITS random bits.

    Ids sort by answer time (to the millisecond); two terminals draw the same id for one millisecond with a
    chance of 1 in 2**20. `rng` (default: the random module) draws the bits.
    """
    millis = int(round(answered_at.timestamp() * 1000))
    return (millis << REVIEW_ID_RANDOM_BITS) | (rng or random).getrandbits(REVIEW_ID_RANDOM_BITS)


def _schema_v4(db: Database) -> None:
    """Office records and a compact, mergeable review log (issues 10, 12, 13).

    learners: NIP, role (learner, trainer, manager) and PIN (salted slow hash, wrong tries, locked until).
    card_states: the deck of the card, so a deck's counts read one index.
    reviews: globally unique ids (an existing id becomes its answer time in ms << 20 | its low 20 bits, so
    two copies of one database give the same review the same id); the card state after the answer in
    columns instead of two JSON snapshots; interval_days written by the store (no trigger).
    """
    db["learners"].add_column("nip", str)
    db["learners"].add_column("role", str, not_null_default="learner")
    db["learners"].add_column("pin_hash", str)
    db["learners"].add_column("pin_failures", int, not_null_default=0)
    db["learners"].add_column("pin_locked_until", str)
    db.execute("CREATE UNIQUE INDEX learners_nip ON learners (nip) WHERE nip IS NOT NULL")
    db["card_states"].add_column("deck_id", str)
    db.execute("UPDATE card_states SET deck_id = (SELECT deck_id FROM cards WHERE cards.pk = card_states.card_pk)")
    db.execute("CREATE INDEX card_states_deck ON card_states (learner_id, deck_id, state, due)")
    db.execute("DROP TRIGGER IF EXISTS reviews_interval_days")
    db.execute("DROP INDEX IF EXISTS reviews_mature")
    db.execute("ALTER TABLE reviews RENAME TO reviews_v3")
    db.execute(_REVIEWS_V4)
    db.execute(
        "INSERT INTO reviews (id, learner_id, card_pk, rating, answered_at, duration_ms, mode, state_before, "
        "state_after, interval_days, step, stability, difficulty, due) "
        f"SELECT (CAST(round((julianday(answered_at) - 2440587.5) * 86400000) AS INTEGER) << {REVIEW_ID_RANDOM_BITS}) "
        f"| (id & {(1 << REVIEW_ID_RANDOM_BITS) - 1}), learner_id, card_pk, rating, answered_at, duration_ms, mode, "
        "state_before, state_after, interval_days, json_extract(card_after, '$.step'), "
        "json_extract(card_after, '$.stability'), json_extract(card_after, '$.difficulty'), "
        "strftime('%Y-%m-%dT%H:%M:%f+00:00', json_extract(card_after, '$.due')) FROM reviews_v3 ORDER BY id"
    )
    db.execute("DROP TABLE reviews_v3")
    db.execute("CREATE INDEX reviews_learner_answered ON reviews (learner_id, answered_at)")
    db.execute("CREATE INDEX reviews_card ON reviews (card_pk, learner_id)")
    db.execute(
        "CREATE INDEX reviews_mature ON reviews (learner_id, answered_at, card_pk, rating, state_before, interval_days) "
        f"WHERE state_before = 2 AND interval_days >= {MATURE_DAYS}"
    )


# Forward migrations, in order: index i takes a database from user_version i to i + 1.
MIGRATIONS: list[Callable[[Database], None]] = [_schema_v1, _schema_v2, _schema_v3, _schema_v4]

# A card the learner has suspended, or buried until later, stays out of every queue.
_AVAILABLE = (
    "NOT EXISTS (SELECT 1 FROM card_flags f WHERE f.learner_id = {learner} AND f.card_pk = {card} "
    "AND (f.suspended = 1 OR f.buried_until > {now}))"
)
SCHEMA_VERSION = len(MIGRATIONS)

_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
# A table's shape: its columns, and the column lists of its unique indexes (upserts rely on them).
_Shape = tuple[frozenset[str], frozenset[tuple[str, ...]]]


def _shape(conn: sqlite3.Connection, table: str) -> _Shape:
    columns = frozenset(row[0] for row in conn.execute("SELECT name FROM pragma_table_info(?)", [table]))
    unique = frozenset(
        tuple(col[0] for col in conn.execute("SELECT name FROM pragma_index_info(?) ORDER BY seqno", [index[0]]))
        for index in conn.execute('SELECT name FROM pragma_index_list(?) WHERE "unique"', [table]).fetchall()
    )
    return columns, unique


@lru_cache(maxsize=None)
def _expected_schema(version: int) -> dict[str, _Shape]:
    """Each table's shape as the migrations up to `version` make it."""
    db = Database(memory=True, execute_plugins=False)
    for migrate in MIGRATIONS[:version]:
        migrate(db)
    shapes = {table: _shape(db.conn, table) for table in db.table_names()}
    db.close()
    return shapes


def _schema_problem(conn: sqlite3.Connection, version: int, tables: set[str]) -> str | None:
    """What is missing from a vocab-tui database of `version`, in words; None when nothing is."""
    for table, (columns, unique) in _expected_schema(version).items():
        if table not in tables:
            return _("table {table} is missing").format(table=table)
        found_columns, found_unique = _shape(conn, table)
        missing_columns, missing_unique = sorted(columns - found_columns), sorted(unique - found_unique)
        if missing_columns:
            return _("column {column} of table {table} is missing").format(column=missing_columns[0], table=table)
        if missing_unique:
            return _("the unique index of table {table} on {columns} is missing").format(
                table=table, columns=", ".join(missing_unique[0]))
    return None


def _identify(conn: sqlite3.Connection, path: Path) -> tuple[int, int]:
    """(user_version, application_id) of a file vocab-tui may use; raises for any other file.

    Only reads, so it runs on a read-only connection before anything is written, and again
    inside the migration's write transaction (another process may have changed the file since).
    """
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    tables = {row[0] for row in conn.execute(_TABLES)}
    if app_id not in (0, APPLICATION_ID):
        raise _foreign(path, _("it belongs to another program: application id {id}").format(id=f"0x{app_id:08x}"))
    if version == 0 and not tables:
        return version, app_id  # new or empty
    if app_id == 0:  # ours only if it is a database of an earlier release, before the mark
        ours = set(_expected_schema(SCHEMA_VERSION))
        others = sorted(tables - ours)
        if others:
            raise _foreign(path, _("it holds tables vocab-tui does not use: {names}").format(
                names=", ".join(others[:5]) + (", …" if len(others) > 5 else "")))
        if not (tables and 1 <= version <= SCHEMA_VERSION):
            raise _foreign(path, _("its schema version {version} is not one of vocab-tui's").format(version=version))
    if version > SCHEMA_VERSION:
        raise NewerDatabaseError(
            _(
                "The database {path} was made by a newer version of vocab-tui "
                "(schema {found}, this one knows {known}); update vocab-tui"
            ).format(path=path, found=version, known=SCHEMA_VERSION)
        )
    if version == 0:
        raise _damaged(path, _("it has tables but no schema version"))
    problem = _schema_problem(conn, version, tables)
    if problem is not None:
        raise _damaged(path, problem)
    return version, app_id


def _create_private_file(path: Path) -> bool:
    """Create an empty file only its owner may read (0600, whatever the umask); False if it exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    except FileExistsError:
        return False
    try:
        if hasattr(os, "fchmod"):  # POSIX; elsewhere the folder's access rules apply
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return True


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, retrying within the busy timeout: the switch needs a lock SQLite will not wait for."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal":
                return
            failure: sqlite3.Error | None = None
        except sqlite3.OperationalError as err:
            if _code(err) not in (_BUSY, _LOCKED):
                raise
            failure = err
        if time.monotonic() >= deadline:
            if failure is not None:
                raise failure
            raise sqlite3.OperationalError("cannot switch the database to WAL journal mode")
        time.sleep(random.uniform(0.005, 0.025))


def _identity(card: FSRSCard | None) -> tuple | None:
    """A card state as stored (instants to the millisecond): equal identities are the same progress."""
    if card is None:
        return None
    last = iso(card.last_review) if card.last_review else None
    return (int(card.state), card.step, card.stability, card.difficulty, iso(card.due), last)


def _lapsed(before: FSRSCard | None, rating: int) -> bool:
    """Forgetting a card in review is a lapse (a leech is a card with many)."""
    return before is not None and before.state == State.Review and rating == 1


class Store:
    """A learner-progress database in one SQLite file."""

    def __init__(self, path: Path | str, clock: Clock) -> None:
        self.path = Path(path)
        self.clock = clock
        # Things the person starting the app should know (the file is readable by others, the
        # disk is almost full): the CLI prints them, the app shows them.
        self.warnings: list[str] = []
        self.db = self._open()

    # -- opening and migrating -------------------------------------------------------------

    def _open(self) -> Database:
        """Open the file, refusing before any write one that is not ours, damaged or read-only."""
        memory = str(self.path) == ":memory:"
        if not memory:
            try:
                self._prepare_file()
            except OSError as err:  # e.g. a parent folder this account may not enter
                raise database_error(err, self.path) from None
        try:
            conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except sqlite3.Error as err:
            raise database_error(err, self.path) from None
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not memory:
                _use_wal(conn)
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            self.db = Database(conn, execute_plugins=False)
            self._migrate(self.db)
        except BaseException as err:
            conn.close()
            if isinstance(err, sqlite3.Error):
                raise database_error(err, self.path) from None
            raise
        if not memory:
            self._check_privacy()
        return self.db

    def _prepare_file(self) -> None:
        """Make the folders and file when new (private); inspect, read-only, a file that exists."""
        if str(self.path).lower().startswith("file:"):
            # SQLite would read the name as a URI and open some other file than the one checked here.
            raise StoreError(_("The database path {path} looks like a URI; give a plain file path, "
                               "like /home/you/vocab.db").format(path=self.path))
        blocker = next((p for p in self.path.parents if p.exists()), None)
        if blocker is not None and not blocker.is_dir():
            raise StoreError(
                _("Cannot use {path}: {blocker} is a file, not a folder").format(path=self.path, blocker=blocker)
            )
        if self.path.is_dir():
            raise StoreError(
                _("The database path {path} is a folder; give a file name, like {path}/vocab.db").format(
                    path=self.path
                )
            )
        try:
            make_private_folders(self.path.parent)
        except OSError as err:
            if err.errno in (errno.ENOSPC, errno.EDQUOT):
                raise _disk_full(self.path) from None
            raise StoreError(
                _("Cannot create the folder for the database {path}: {reason}").format(
                    path=self.path.parent, reason=err.strerror or err
                )
            ) from None
        try:
            created = _create_private_file(self.path)
        except OSError as err:
            raise database_error(err, self.path) from None
        if not created:
            self._inspect()
        if not os.access(self.path, os.W_OK):
            raise _read_only(self.path)
        if not os.access(self.path.parent, os.W_OK | os.X_OK):
            raise ReadOnlyDatabaseError(
                _("The folder {folder} holding the database {path} is read-only for you, and vocab-tui must "
                  "create its -wal and -shm files there; ask your IT staff for write access to the folder, "
                  "or choose another file with --db").format(folder=self.path.parent, path=self.path)
            )
        free = _low_space(self.path.parent)
        if free is not None:
            self.warnings.append(
                _("The disk holding {path} is almost full ({free} MB free): answers may fail to save. "
                  "Free some space on it").format(path=self.path, free=f"{free / 1e6:.1f}")
            )

    def _inspect(self) -> None:
        """Refuse, before anything is written, a file that is not ours, is newer, or is damaged.

        Only a regular file is opened (a named pipe would block, a device is nobody's database).
        SQLite may create -wal and -shm files beside a WAL file it reads: those that were not
        there before are removed again when the file is refused, so it is left as it was found.
        """
        try:
            info = os.stat(self.path)
            if not stat.S_ISREG(info.st_mode):
                raise _foreign(self.path, _("it is not a regular file"))
            with open(self.path, "rb") as file:
                header = file.read(100)
        except OSError as err:
            raise database_error(err, self.path) from None
        side_files = [Path(f"{self.path}{suffix}") for suffix in ("-wal", "-shm")]
        absent = [side for side in side_files if not side.exists()]
        try:
            self._inspect_content(header)
        except StoreError:
            for side in absent:
                side.unlink(missing_ok=True)
            raise

    def _inspect_content(self, header: bytes) -> None:
        if not header:
            return  # empty: ours to use
        if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
            raise _foreign(self.path, _("it is not an SQLite database, or its first page is damaged"))
        marked = int.from_bytes(header[68:72], "big")  # the application id, read without SQLite
        if marked not in (0, APPLICATION_ID):
            raise _foreign(self.path, _("it belongs to another program: application id {id}").format(
                id=f"0x{marked:08x}"))
        try:
            conn = sqlite3.connect(self.path.absolute().as_uri() + "?mode=ro", uri=True,
                                   timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except sqlite3.Error as err:
            raise database_error(err, self.path) from None
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _identify(conn, self.path)
            if self.path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
                found = [row[0] for row in conn.execute("PRAGMA quick_check(1)")]
                if found != ["ok"]:
                    raise _damaged(self.path, _("some of its pages are malformed: {detail}").format(
                        detail=" ".join(found[0].split())[:160]))
        except sqlite3.Error as err:
            raise database_error(err, self.path) from None
        finally:
            conn.close()

    def _check_privacy(self) -> None:
        if os.name != "posix":
            return  # permission bits mean little elsewhere
        real = self.path.resolve()  # through a link, the -wal and -shm files sit beside the target
        modes = []
        for file in (real, Path(f"{real}-wal"), Path(f"{real}-shm")):
            try:
                modes.append(stat.S_IMODE(os.stat(file).st_mode))
            except OSError:
                continue
        mode = next((m for m in modes if m & 0o044), None)
        if mode is not None:
            self.warnings.append(
                _("The database {path} can be read by other accounts on this computer (mode {mode}), and it "
                  "holds staff names and answers; make it private with: chmod 600 {files}").format(
                    path=self.path, mode=f"{mode:o}", files=shlex.quote(str(real)) + "*")
            )

    def _explain(self, err: sqlite3.DatabaseError) -> str:
        return str(database_error(err, self.path))

    @contextmanager
    def explained(self) -> Iterator[None]:
        """Reads that fail (a damaged page met after the checks at open) come out as StoreError."""
        try:
            yield
        except sqlite3.Error as err:
            raise database_error(err, self.path) from None

    def _migrate(self, db: Database) -> None:
        """Bring the schema up to date and mark the file as ours, in one IMMEDIATE transaction.

        The transaction also proves at start that the file can be written. What to do is decided
        from what is read under the lock: two processes opening a new file at once migrate it once.
        """
        with self._writing():
            version, app_id = _identify(db.conn, self.path)
            for target in range(version, SCHEMA_VERSION):
                MIGRATIONS[target](db)
            if version != SCHEMA_VERSION:
                db.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            if app_id != APPLICATION_ID:
                db.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    @contextmanager
    def _writing(self) -> Iterator[Database]:
        """One write transaction, begun IMMEDIATE: it holds the write lock from its first statement
        (waiting up to the busy timeout for it), so what it reads stays true until it commits.

        Nested use becomes a savepoint. Database failures come out as StoreError with a plain message.
        """
        conn = self.db.conn
        if conn.in_transaction:
            try:
                with self.db.atomic():
                    yield self.db
            except sqlite3.Error as err:
                raise database_error(err, self.path) from None
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            raise database_error(err, self.path) from None
        try:
            yield self.db
            conn.execute("COMMIT")
        except BaseException as err:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # the error below says what went wrong; the connection rolls back on close
            if isinstance(err, sqlite3.Error):
                raise database_error(err, self.path) from None
            raise

    def close(self) -> None:
        self.db.close()

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    # -- learners ---------------------------------------------------------------------------

    def add_learner(self, name: str, unit: str = "", *, allow_duplicate: bool = False) -> Learner:
        """Add a profile; raises DuplicateLearner when this person has one already (unless allowed)."""
        name, unit = name.strip(), unit.strip()
        if not name:
            raise StoreError(_("A learner needs a name"))
        from .text import control_characters, describe_character

        # A terminal obeys control characters: refused here, they never reach a screen or a list.
        if bad := control_characters(name):
            raise StoreError(_("The name holds a control character ({char}) at position {position}; "
                               "type it again without it.").format(char=describe_character(name[bad[0]]),
                                                                   position=bad[0] + 1))
        if bad := control_characters(unit):
            raise StoreError(_("The unit holds a control character ({char}) at position {position}; "
                               "type it again without it.").format(char=describe_character(unit[bad[0]]),
                                                                   position=bad[0] + 1))
        with self._writing() as db:
            existing = None if allow_duplicate else self._same_person(db, name, unit)
            if existing is not None:
                raise DuplicateLearner(existing)
            table = db["learners"].insert({"name": name, "unit": unit, "created_at": iso(self.clock.now())})
            learner_id = table.last_pk
        return self.learner(int(learner_id))

    def _same_person(self, db: Database, name: str, unit: str) -> Learner | None:
        """The oldest profile with this name and unit (read inside the writing transaction)."""
        key = same_person_key(name, unit)
        for row in db.query("SELECT * FROM learners ORDER BY id"):
            if same_person_key(row["name"], row["unit"] or "") == key:
                return self._learner(row)
        return None

    def learner_activity(self) -> dict[int, tuple[int, datetime | None]]:
        """For each learner with answers: how many, and when the last one was given."""
        rows = self.db.execute("SELECT learner_id, count(*), max(answered_at) FROM reviews GROUP BY learner_id")
        return {row[0]: (int(row[1]), parse_iso(row[2]) if row[2] else None) for row in rows}

    def learners(self) -> list[Learner]:
        rows = self.db.query("SELECT * FROM learners ORDER BY name COLLATE NOCASE, id")
        return [self._learner(row) for row in rows]

    def learner(self, learner_id: int) -> Learner:
        rows = list(self.db.query("SELECT * FROM learners WHERE id = ?", [learner_id]))
        if not rows:
            raise StoreError(_("No learner with id {id}").format(id=learner_id))
        return self._learner(rows[0])

    def update_settings(self, learner_id: int, settings: LearnerSettings) -> Learner:
        with self._writing() as db:
            db["learners"].update(
                learner_id,
                {
                    "new_per_day": settings.new_per_day,
                    "reviews_per_day": settings.reviews_per_day,
                    "desired_retention": settings.desired_retention,
                    "default_mode": settings.default_mode,
                },
            )
        return self.learner(learner_id)

    @staticmethod
    def _learner(row: dict) -> Learner:
        return Learner(
            id=row["id"],
            name=row["name"],
            unit=row["unit"] or "",
            created_at=parse_iso(row["created_at"]),
            nip=row["nip"],
            role=row["role"],
            has_pin=row["pin_hash"] is not None,
            settings=LearnerSettings(
                new_per_day=row["new_per_day"],
                reviews_per_day=row["reviews_per_day"],
                desired_retention=row["desired_retention"],
                default_mode=row["default_mode"],
            ),
        )

    # -- decks ------------------------------------------------------------------------------

    def deck_sources(self) -> dict[str, tuple[str, str]]:
        """For each stored deck's file: (content hash, deck id)."""
        return {row["source"]: (row["content_hash"], row["id"])
                for row in self.db.query("SELECT id, source, content_hash FROM decks")}

    def deck_hashes(self) -> dict[str, str]:
        return {row["id"]: row["content_hash"] for row in self.db.query("SELECT id, content_hash FROM decks")}

    def sync_decks(self, decks: Iterable[Deck]) -> list[str]:
        """Bring stored cards in line with the deck files; returns the ids of decks that changed.

        A card keeps its identity (deck id + card id) when its text changes, so its progress
        stays. A card missing from its deck is retired, never deleted, and its history stays.
        """
        decks = list(decks)
        with self.explained():
            stored = self.deck_hashes()
        if all(stored.get(deck.id) == deck.content_hash for deck in decks):
            return []  # the usual start: nothing to write, so no write lock
        changed: list[str] = []
        now = iso(self.clock.now())
        with self._writing() as db:
            known = self.deck_hashes()  # again under the lock: another process may have just synced
            for deck in decks:
                if known.get(deck.id) == deck.content_hash:
                    continue
                if deck.changed_on_disk():
                    continue  # the file changed since it was parsed: its newer version wins, now or next start
                db["decks"].upsert(
                    {
                        "id": deck.id,
                        "title": deck.title,
                        "description": deck.description,
                        "version": deck.version,
                        "source": str(deck.path),
                        "content_hash": deck.content_hash,
                        "synced_at": now,
                    },
                    pk="id",
                )
                db.conn.executemany(
                    """
                    INSERT INTO cards (deck_id, card_id, position, term, translation, definition,
                        example, example_translation, part_of_speech, level, tags, ipa, notes,
                        acronym_of, retired_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
                    ON CONFLICT (deck_id, card_id) DO UPDATE SET
                        position = excluded.position, term = excluded.term,
                        translation = excluded.translation, definition = excluded.definition,
                        example = excluded.example, example_translation = excluded.example_translation,
                        part_of_speech = excluded.part_of_speech, level = excluded.level,
                        tags = excluded.tags, ipa = excluded.ipa, notes = excluded.notes,
                        acronym_of = excluded.acronym_of, retired_at = NULL
                    """,
                    [
                        (
                            deck.id, c.id, c.position, c.term, c.translation, c.definition,
                            c.example, c.example_translation, c.part_of_speech, c.level,
                            json.dumps(list(c.tags), ensure_ascii=False), c.ipa, c.notes, c.acronym_of,
                        )
                        for c in deck.cards
                    ],
                )
                current = [c.id for c in deck.cards]
                db.execute(
                    "UPDATE cards SET retired_at = ? WHERE deck_id = ? AND retired_at IS NULL "
                    "AND card_id NOT IN (SELECT value FROM json_each(?))",
                    [now, deck.id, json.dumps(current)],
                )
                changed.append(deck.id)
        return changed

    def decks(self, deck_ids: Iterable[str] | None = None) -> list[DeckInfo]:
        """Stored decks (only `deck_ids`, in that order, when given) with their active card counts."""
        rows = {
            row["id"]: row
            for row in self.db.query(
                "SELECT d.id, d.title, d.description, "
                "(SELECT count(*) FROM cards c WHERE c.deck_id = d.id AND c.retired_at IS NULL) AS n "
                "FROM decks d ORDER BY d.title"
            )
        }
        order = list(rows) if deck_ids is None else [d for d in deck_ids if d in rows]
        return [DeckInfo(rows[d]["id"], rows[d]["title"], rows[d]["description"] or "", rows[d]["n"]) for d in order]

    def card(self, pk: int) -> StoredCard:
        rows = list(self.db.query("SELECT * FROM cards WHERE pk = ?", [pk]))
        if not rows:
            raise StoreError(_("No card with key {pk}").format(pk=pk))
        return self._stored_card(rows[0])

    def cards(self, pks: list[int]) -> dict[int, StoredCard]:
        rows = self.db.query(
            "SELECT * FROM cards WHERE pk IN (SELECT value FROM json_each(?))", [json.dumps(pks)]
        )
        return {row["pk"]: self._stored_card(row) for row in rows}

    @staticmethod
    def _stored_card(row: dict) -> StoredCard:
        return StoredCard(
            pk=row["pk"],
            card=Card(
                deck_id=row["deck_id"],
                id=row["card_id"],
                term=row["term"],
                translation=row["translation"],
                definition=row["definition"],
                example=row["example"],
                position=row["position"],
                example_translation=row["example_translation"],
                part_of_speech=row["part_of_speech"],
                level=row["level"],
                tags=tuple(json.loads(row["tags"] or "[]")),
                ipa=row["ipa"],
                notes=row["notes"],
                acronym_of=row["acronym_of"],
            ),
        )

    # -- a learner's cards ------------------------------------------------------------------

    @staticmethod
    def _fsrs_card(row: dict) -> FSRSCard:
        return FSRSCard(
            card_id=row["card_pk"],
            state=State(row["state"]),
            step=row["step"],
            stability=row["stability"],
            difficulty=row["difficulty"],
            due=parse_iso(row["due"]),
            last_review=parse_iso(row["last_review"]) if row["last_review"] else None,
        )

    def card_state(self, learner_id: int, card_pk: int) -> FSRSCard | None:
        rows = list(
            self.db.query(
                "SELECT * FROM card_states WHERE learner_id = ? AND card_pk = ?", [learner_id, card_pk]
            )
        )
        return self._fsrs_card(rows[0]) if rows else None

    def lapses(self, learner_id: int, card_pk: int) -> int:
        row = self.db.execute(
            "SELECT lapses FROM card_states WHERE learner_id = ? AND card_pk = ?", [learner_id, card_pk]
        ).fetchone()
        return int(row[0]) if row else 0

    def due_states(
        self, learner_id: int, deck_ids: list[str], states: tuple[State, ...], due_before: datetime
    ) -> list[FSRSCard]:
        """The learner's active cards in `states` due before `due_before`, in no particular order."""
        available = _AVAILABLE.format(learner="s.learner_id", card="s.card_pk", now=":now")
        rows = self.db.query(
            "SELECT s.* FROM card_states s JOIN cards c ON c.pk = s.card_pk "
            "WHERE s.learner_id = :learner AND s.state IN (SELECT value FROM json_each(:states)) "
            "AND s.due < :before AND c.retired_at IS NULL "
            f"AND c.deck_id IN (SELECT value FROM json_each(:decks)) AND {available}",
            {
                "learner": learner_id,
                "states": json.dumps([int(s) for s in states]),
                "before": iso(due_before),
                "decks": json.dumps(deck_ids),
                "now": iso(self.clock.now()),
            },
        )
        return [self._fsrs_card(row) for row in rows]

    def due_reviews(
        self, learner_id: int, deck_ids: list[str], due_before: datetime, now: datetime, limit: int | None
    ) -> list[FSRSCard]:
        """The learner's active review cards due before `due_before`, least retrievable at `now` first.

        At most `limit` cards (None: all) leave the database. The order is `scheduling.order_reviews`,
        worked out in SQL: FSRS-6 retrievability (1 + factor * t / S) ** -decay falls as t / S grows,
        t being the whole days elapsed since the last review, so t / S descending is the same order;
        a card without a last review or stability counts as retrievability 0 (first). Ties: due, key.
        """
        available = _AVAILABLE.format(learner="s.learner_id", card="s.card_pk", now=":now")
        elapsed_days = (
            "max(0, CAST(round((julianday(:now) - julianday(s.last_review)) * 86400000) AS INTEGER) / 86400000)"
        )
        rows = self.db.query(
            "SELECT s.* FROM card_states s JOIN cards c ON c.pk = s.card_pk "
            "WHERE s.learner_id = :learner AND s.state = :review AND s.due < :before AND c.retired_at IS NULL "
            f"AND c.deck_id IN (SELECT value FROM json_each(:decks)) AND {available} "
            "ORDER BY s.last_review IS NOT NULL AND s.stability IS NOT NULL, "
            f"{elapsed_days} * 1.0 / s.stability DESC, s.due, s.card_pk LIMIT :limit",
            {
                "learner": learner_id,
                "review": int(State.Review),
                "before": iso(due_before),
                "decks": json.dumps(deck_ids),
                "now": iso(now),
                "limit": -1 if limit is None else max(0, limit),
            },
        )
        return [self._fsrs_card(row) for row in rows]

    def new_cards(self, learner_id: int, deck_id: str, limit: int) -> list[int]:
        """Keys of cards of `deck_id` the learner has never studied, in deck order."""
        if limit <= 0:
            return []
        available = _AVAILABLE.format(learner=":learner", card="c.pk", now=":now")
        rows = self.db.execute(
            "SELECT c.pk FROM cards c WHERE c.deck_id = :deck AND c.retired_at IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM card_states s WHERE s.learner_id = :learner AND s.card_pk = c.pk) "
            f"AND {available} ORDER BY c.position LIMIT :limit",
            {"deck": deck_id, "learner": learner_id, "limit": limit, "now": iso(self.clock.now())},
        )
        return [row[0] for row in rows]

    def _stored_state(self, db: Database, learner_id: int, card_pk: int) -> tuple[FSRSCard | None, int]:
        """The card's stored state (None when new) and lapse count; call it inside the write that uses it."""
        rows = list(
            db.query("SELECT * FROM card_states WHERE learner_id = ? AND card_pk = ?", [learner_id, card_pk])
        )
        return (self._fsrs_card(rows[0]), int(rows[0]["lapses"] or 0)) if rows else (None, 0)

    def record_answer(
        self, answer: Answer, rebase: Callable[[FSRSCard | None], Answer] | None = None
    ) -> SavedAnswer:
        """Save one answer durably (card state and review log in one transaction).

        The answer is applied only to the state it was worked out from (`answer.before`). When the
        stored state has moved on (the learner studied the card on another screen meanwhile),
        `rebase` works the answer out again from the stored state, within the same transaction;
        without `rebase`, StaleCardError is raised and nothing is written. The lapse count is read
        and raised here too, so two screens never lose each other's lapses.
        """
        with self._writing() as db:
            current, lapses = self._stored_state(db, answer.learner_id, answer.card_pk)
            rebased = _identity(current) != _identity(answer.before)
            if rebased:
                if rebase is None:
                    raise StaleCardError(
                        _("This card was studied on another screen after it was shown here; "
                          "show it again to answer it"),
                        current,
                    )
                answer = rebase(current)
            lapses += _lapsed(answer.before, answer.rating)
            after = answer.after
            db.execute(
                """
                INSERT INTO card_states (learner_id, card_pk, state, step, stability, difficulty,
                    due, last_review, reps, lapses, deck_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, (SELECT deck_id FROM cards WHERE pk = ?))
                ON CONFLICT (learner_id, card_pk) DO UPDATE SET
                    state = excluded.state, step = excluded.step, stability = excluded.stability,
                    difficulty = excluded.difficulty, due = excluded.due,
                    last_review = excluded.last_review, reps = card_states.reps + 1,
                    lapses = excluded.lapses
                """,
                [
                    answer.learner_id, answer.card_pk, int(after.state), after.step, after.stability,
                    after.difficulty, iso(after.due),
                    iso(after.last_review) if after.last_review else None, lapses, answer.card_pk,
                ],
            )
            review_id = self._insert_review(db, answer)
        return SavedAnswer(review_id, answer, lapses, rebased)


    @staticmethod
    def _insert_review(db: Database, answer: Answer) -> int:
        """Log one answer under a new globally unique id (see REVIEW_ID_RANDOM_BITS); returns the id."""
        before, after = answer.before, answer.after
        shown = None
        if before is not None and before.last_review is not None:
            shown = round((before.due - before.last_review).total_seconds() * 1000) / 86400000
        answered_at = iso(answer.answered_at)
        # Two answers of one learner stamped with the same millisecond (a fast hand, a frozen clock) keep the
        # order they were given in: the later one takes an id above the earlier one's.
        last = db.execute(
            "SELECT id FROM reviews WHERE learner_id = ? AND answered_at = ? ORDER BY id DESC LIMIT 1",
            [answer.learner_id, answered_at],
        ).fetchone()
        while True:
            review_id = new_review_id(answer.answered_at)
            if last is not None and review_id <= last[0]:
                review_id = last[0] + 1 + random.getrandbits(REVIEW_ID_RANDOM_BITS // 2)
            try:
                db.execute(
                    "INSERT INTO reviews (id, learner_id, card_pk, rating, answered_at, duration_ms, mode, "
                    "state_before, state_after, interval_days, step, stability, difficulty, due) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        review_id, answer.learner_id, answer.card_pk, answer.rating, answered_at,
                        answer.duration_ms, answer.mode, NEW if before is None else int(before.state),
                        int(after.state), shown, after.step, after.stability, after.difficulty, iso(after.due),
                    ],
                )
                return review_id
            except sqlite3.IntegrityError:
                continue  # the same millisecond and random bits as another review: draw again

    @staticmethod
    def _state_after(row: dict) -> FSRSCard:
        """The card state a review row left (its after columns), as the scheduler's card."""
        return FSRSCard(
            card_id=row["card_pk"], state=State(row["state_after"]), step=row["step"], stability=row["stability"],
            difficulty=row["difficulty"], due=parse_iso(row["due"]), last_review=parse_iso(row["answered_at"]),
        )

    def _state_before(self, db: Database, review: dict) -> FSRSCard | None:
        """The card state a review was applied to: the state after the learner's previous answer to that card."""
        if review["state_before"] == NEW:
            return None
        rows = list(db.query(
            "SELECT * FROM reviews WHERE card_pk = ? AND learner_id = ? AND (answered_at, id) < (?, ?) "
            "ORDER BY answered_at DESC, id DESC LIMIT 1",
            [review["card_pk"], review["learner_id"], review["answered_at"], review["id"]],
        ))
        if not rows:
            raise StoreError(_("This answer cannot be taken back: the card's earlier history is not on this terminal."))
        return self._state_after(rows[0])

    # -- counts -----------------------------------------------------------------------------

    def deck_counts(
        self, learner_id: int, deck_ids: list[str], now: datetime, day_end: datetime
    ) -> list[DeckCounts]:
        """New / learning / due per deck; learning and reviews count up to the end of the day.

        Suspended and buried cards are left out of every count. No card's row is read for its own
        sake: a deck's active cards are counted in an index, the learner's studied cards through
        their own rows, and new = active - studied - put away.
        """
        infos = self.decks(deck_ids)
        params = {"learner": learner_id, "end": iso(day_end), "now": iso(now), "decks": json.dumps(deck_ids)}
        counts_of = (
            "count(s.card_pk), sum(s.state IN (1, 3) AND s.due < :end), sum(s.state = 2 AND s.due < :end)"
        )
        studied = self.db.execute(
            f"SELECT c.deck_id, {counts_of} FROM card_states s JOIN cards c ON c.pk = s.card_pk "
            "WHERE s.learner_id = :learner AND c.retired_at IS NULL "
            "AND c.deck_id IN (SELECT value FROM json_each(:decks)) GROUP BY c.deck_id",
            params,
        ).fetchall()
        put_away = self.db.execute(  # suspended or buried now: few rows, read through the learner's flags
            f"SELECT c.deck_id, count(*) - count(s.card_pk), {counts_of} FROM card_flags f "
            "JOIN cards c ON c.pk = f.card_pk "
            "LEFT JOIN card_states s ON s.learner_id = f.learner_id AND s.card_pk = f.card_pk "
            "WHERE f.learner_id = :learner AND (f.suspended = 1 OR f.buried_until > :now) "
            "AND c.retired_at IS NULL AND c.deck_id IN (SELECT value FROM json_each(:decks)) GROUP BY c.deck_id",
            params,
        ).fetchall()
        seen = {row[0]: [v or 0 for v in row[1:]] for row in studied}
        hidden = {row[0]: [v or 0 for v in row[1:]] for row in put_away}
        counts = []
        for info in infos:
            studied_n, learning, due = seen.get(info.id, (0, 0, 0))
            hidden_new, _hidden_studied, hidden_learning, hidden_due = hidden.get(info.id, (0, 0, 0, 0))
            counts.append(DeckCounts(info.id, info.title, info.card_count - studied_n - hidden_new,
                                     learning - hidden_learning, due - hidden_due, info.card_count))
        return counts

    def day_progress(self, learner_id: int, start: datetime, end: datetime) -> DayProgress:
        """What the learner did in the study day `[start, end)`.

        Reviews stamped after `end` (saved on a terminal whose clock ran ahead) are not today's:
        they neither count as studied nor use up today's limits.
        """
        row = self.db.execute(
            "SELECT count(*), sum(state_before = 0), sum(state_before = 2), sum(rating > 1), "
            "sum(duration_ms) FROM reviews WHERE learner_id = ? AND answered_at >= ? AND answered_at < ?",
            [learner_id, iso(start), iso(end)],
        ).fetchone()
        reviewed, new, reviews, remembered, time_ms = (v or 0 for v in row)
        return DayProgress(reviewed, new, reviews, remembered, time_ms)

    def due_before(self, learner_id: int, deck_ids: list[str], end: datetime) -> int:
        """How many of the learner's cards will be due by `end`."""
        row = self.db.execute(
            "SELECT count(*) FROM card_states s JOIN cards c ON c.pk = s.card_pk "
            "WHERE s.learner_id = ? AND s.due < ? AND c.retired_at IS NULL "
            "AND c.deck_id IN (SELECT value FROM json_each(?)) AND NOT EXISTS (SELECT 1 FROM card_flags f "
            "WHERE f.learner_id = s.learner_id AND f.card_pk = s.card_pk AND f.suspended = 1)",
            [learner_id, iso(end), json.dumps(deck_ids)],
        ).fetchone()
        return int(row[0])

    def next_due(self, learner_id: int, deck_ids: list[str], after: datetime) -> datetime | None:
        """The first moment after `after` at which one of the learner's cards falls due or comes back
        from being buried (None when nothing is waiting)."""
        row = self.db.execute(
            "SELECT min(t) FROM ("
            "  SELECT min(s.due) AS t FROM card_states s JOIN cards c ON c.pk = s.card_pk "
            "  WHERE s.learner_id = :learner AND s.due > :after AND c.retired_at IS NULL "
            "  AND c.deck_id IN (SELECT value FROM json_each(:decks)) "
            "  UNION ALL SELECT min(f.buried_until) FROM card_flags f JOIN cards c ON c.pk = f.card_pk "
            "  WHERE f.learner_id = :learner AND f.buried_until > :after AND f.suspended = 0 "
            "  AND c.deck_id IN (SELECT value FROM json_each(:decks)))",
            {"learner": learner_id, "after": iso(after), "decks": json.dumps(deck_ids)},
        ).fetchone()
        return parse_iso(row[0]) if row and row[0] else None

    def reviews(self, learner_id: int) -> list[dict]:
        """The learner's review log, oldest first (for tests, undo and exports)."""
        return list(self.db.query(
            "SELECT * FROM reviews WHERE learner_id = ? ORDER BY answered_at, id", [learner_id]))

    # -- undo, suspend, bury ------------------------------------------------------------------

    def undo_review(self, review_id: int, flags_before: CardFlags | None | object = KEEP_FLAGS) -> FSRSCard | None:
        """Take back one answer: restore the card's state before it and delete the review, atomically.

        Only while the card still holds the state that answer gave it: if the card has been studied
        since (on another screen), StaleCardError is raised and nothing changes, so newer progress
        is never overwritten by an older state. `flags_before`, when given, are the card's suspend
        and bury flags to put back (a put-away that came with the answer), in the same transaction.
        """
        with self._writing() as db:
            rows = list(db.query("SELECT * FROM reviews WHERE id = ?", [review_id]))
            if not rows:
                raise StoreError(_("That answer was already taken back"))
            review = rows[0]
            learner_id, card_pk = review["learner_id"], review["card_pk"]
            produced = self._state_after(review)
            current, _lapses = self._stored_state(db, learner_id, card_pk)
            if _identity(current) != _identity(produced):
                raise StaleCardError(
                    _("This answer cannot be taken back: the card has been studied again since, "
                      "on another screen. Your answer stays saved."),
                    current,
                )
            before = self._state_before(db, review)
            if before is None:
                db.execute("DELETE FROM card_states WHERE learner_id = ? AND card_pk = ?", [learner_id, card_pk])
            else:
                db.execute(
                    "UPDATE card_states SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, "
                    "last_review = ?, reps = max(0, reps - 1), lapses = max(0, lapses - ?) "
                    "WHERE learner_id = ? AND card_pk = ?",
                    [
                        int(before.state), before.step, before.stability, before.difficulty, iso(before.due),
                        iso(before.last_review) if before.last_review else None,
                        int(_lapsed(before, review["rating"])), learner_id, card_pk,
                    ],
                )
            db.execute("DELETE FROM reviews WHERE id = ?", [review_id])
            if flags_before is not KEEP_FLAGS:
                self.restore_card_flags(learner_id, card_pk, flags_before)  # type: ignore[arg-type]
        return before

    def set_suspended(self, learner_id: int, card_pk: int, suspended: bool) -> None:
        with self._writing() as db:
            db.execute(
                "INSERT INTO card_flags (learner_id, card_pk, suspended) VALUES (?, ?, ?) "
                "ON CONFLICT (learner_id, card_pk) DO UPDATE SET suspended = excluded.suspended",
                [learner_id, card_pk, int(suspended)],
            )

    def bury(self, learner_id: int, card_pk: int, until: datetime) -> None:
        with self._writing() as db:
            db.execute(
                "INSERT INTO card_flags (learner_id, card_pk, buried_until) VALUES (?, ?, ?) "
                "ON CONFLICT (learner_id, card_pk) DO UPDATE SET buried_until = excluded.buried_until",
                [learner_id, card_pk, iso(until)],
            )

    # Undo of a suspend or bury puts the flags back exactly as they were before it.

    def card_flags(self, learner_id: int, card_pk: int) -> CardFlags | None:
        """The learner's flags on a card, or None when the card was never put away."""
        row = self.db.execute(
            "SELECT suspended, buried_until FROM card_flags WHERE learner_id = ? AND card_pk = ?",
            [learner_id, card_pk],
        ).fetchone()
        if row is None:
            return None
        return CardFlags(bool(row[0]), parse_iso(row[1]) if row[1] else None)

    def restore_card_flags(self, learner_id: int, card_pk: int, flags: CardFlags | None) -> None:
        """Set the learner's flags on a card back to `flags` (None: as if it was never put away)."""
        with self._writing() as db:
            if flags is None:
                db.execute("DELETE FROM card_flags WHERE learner_id = ? AND card_pk = ?", [learner_id, card_pk])
                return
            db.execute(
                "INSERT INTO card_flags (learner_id, card_pk, suspended, buried_until) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (learner_id, card_pk) DO UPDATE SET suspended = excluded.suspended, "
                "buried_until = excluded.buried_until",
                [learner_id, card_pk, int(flags.suspended),
                 iso(flags.buried_until) if flags.buried_until else None],
            )

    def is_suspended(self, learner_id: int, card_pk: int) -> bool:
        row = self.db.execute(
            "SELECT suspended FROM card_flags WHERE learner_id = ? AND card_pk = ?", [learner_id, card_pk]
        ).fetchone()
        return bool(row and row[0])

    # -- browsing -----------------------------------------------------------------------------

    def search_cards(self, query: str, deck_ids: list[str], limit: int = 100) -> list[StoredCard]:
        """Active cards whose term or translation contains `query` (any case); terms that start with it first."""
        needle = query.strip().lower()
        like = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self.db.query(
            "SELECT * FROM cards WHERE retired_at IS NULL AND deck_id IN (SELECT value FROM json_each(:decks)) "
            "AND (lower(term) LIKE :like ESCAPE '\\' OR lower(translation) LIKE :like ESCAPE '\\') "
            "ORDER BY lower(term) NOT LIKE :prefix ESCAPE '\\', lower(term) LIMIT :limit",
            {"decks": json.dumps(deck_ids), "like": like, "prefix": like[1:], "limit": limit},
        )
        return [self._stored_card(row) for row in rows]

    def card_history(self, learner_id: int, card_pk: int) -> list[dict]:
        return list(
            self.db.query(
                "SELECT answered_at, rating, mode, duration_ms, state_before, state_after FROM reviews "
                "WHERE learner_id = ? AND card_pk = ? ORDER BY answered_at, id",
                [learner_id, card_pk],
            )
        )

    def choice_candidates(
        self, card: StoredCard, deck_ids: list[str], rng: random.Random, per_group: int = 8
    ) -> list[Card]:
        """A few active cards drawn at random to serve as multiple-choice distractors for `card`.

        Up to `per_group` cards of its deck with its part of speech; when fewer are found, up to
        `per_group` more of its deck with any part of speech; and only when its deck still gives
        fewer, some of each other deck in `deck_ids`. Each draw is one index lookup at a random
        position, so the cost does not grow with the deck. The draws come from `rng`.
        """
        same_pos = self._draw(card.card.deck_id, card.card.part_of_speech, True, {card.pk}, rng, per_group)
        drawn = {c.pk: c for c in same_pos}
        if len(drawn) < per_group:
            for c in self._draw(card.card.deck_id, None, False, {card.pk, *drawn}, rng, per_group):
                drawn[c.pk] = c
        if len(drawn) < per_group:
            for deck_id in deck_ids:
                if deck_id != card.card.deck_id:
                    for c in self._draw(deck_id, None, False, {card.pk, *drawn}, rng, per_group):
                        drawn[c.pk] = c
        return [c.card for c in drawn.values()]

    def _draw(
        self, deck_id: str, part_of_speech: str | None, by_part: bool, exclude: set[int], rng: random.Random,
        count: int,
    ) -> list[StoredCard]:
        """Up to `count` distinct active cards of a deck (of one part of speech when `by_part`), at random."""
        ends = [
            self.db.execute(
                f"SELECT position FROM cards WHERE deck_id = ? ORDER BY position {way} LIMIT 1", [deck_id]
            ).fetchone()
            for way in ("ASC", "DESC")
        ]
        if ends[0] is None or ends[1] is None:
            return []
        low, high = ends[0][0], ends[1][0]
        if by_part:
            sql = ("SELECT * FROM cards WHERE deck_id = :deck AND retired_at IS NULL AND part_of_speech IS :pos "
                   "AND position >= :start ORDER BY position LIMIT 1")
        else:
            sql = ("SELECT * FROM cards WHERE deck_id = :deck AND position >= :start AND retired_at IS NULL "
                   "ORDER BY position LIMIT 1")
        found: dict[int, StoredCard] = {}
        for _attempt in range(2 * count):
            if len(found) >= count:
                break
            start = rng.randint(low, high)
            rows = list(self.db.query(sql, {"deck": deck_id, "pos": part_of_speech, "start": start}))
            if not rows:  # past the last card of that kind: wrap round to the first
                rows = list(self.db.query(sql, {"deck": deck_id, "pos": part_of_speech, "start": low}))
            if not rows:
                break  # none at all
            stored = self._stored_card(rows[0])
            if stored.pk not in exclude:
                found[stored.pk] = stored
        return list(found.values())

    # -- statistics ---------------------------------------------------------------------------

    def review_history(
        self, learner_id: int, since: datetime | None = None, until: datetime | None = None
    ) -> list[dict]:
        """The learner's reviews in `[since, until)` (time, rating, state before, interval shown at), oldest first."""
        return list(
            self.db.query(
                "SELECT card_pk, answered_at, rating, state_before, interval_days FROM reviews "
                "WHERE learner_id = ? AND answered_at >= ? AND answered_at < ? ORDER BY answered_at",
                [learner_id, iso(since) if since else "", iso(until) if until else "~"],  # "~" sorts after digits
            )
        )

    def first_review(self, learner_id: int) -> datetime | None:
        """When the learner's earliest review was answered; None before the first."""
        row = self.db.execute(
            "SELECT answered_at FROM reviews WHERE learner_id = ? ORDER BY answered_at LIMIT 1", [learner_id]
        ).fetchone()
        return parse_iso(row[0]) if row else None

    @staticmethod
    def _spans(spans: list[tuple[datetime | None, datetime]]) -> str:
        return json.dumps([["" if start is None else iso(start), iso(end)] for start, end in spans])

    def review_counts(self, learner_id: int, spans: list[tuple[datetime, datetime]]) -> list[int]:
        """How many reviews the learner answered in each `[start, end)`, counted in the index."""
        rows = dict(self.db.execute(
            "SELECT d.key, (SELECT count(*) FROM reviews r WHERE r.learner_id = :learner "
            "AND r.answered_at >= json_extract(d.value, '$[0]') AND r.answered_at < json_extract(d.value, '$[1]')) "
            "FROM json_each(:spans) d",
            {"learner": learner_id, "spans": self._spans(spans)},
        ).fetchall())
        return [int(rows.get(i, 0)) for i in range(len(spans))]

    def first_reviews_passed(self, learner_id: int, spans: list[tuple[datetime, datetime]]) -> tuple[int, int]:
        """Of each card's first review in each span (a study day), those of cards in review shown at a
        mature interval (MATURE_DAYS or more): (how many, how many not answered Again)."""
        row = self.db.execute(
            "SELECT count(*), sum(rating > 1) FROM ("  # CROSS JOIN: day by day, through the index
            "  SELECT r.rating AS rating, min(r.answered_at) FROM json_each(:spans) d CROSS JOIN reviews r "
            "  ON r.learner_id = :learner AND r.answered_at >= json_extract(d.value, '$[0]') "
            "  AND r.answered_at < json_extract(d.value, '$[1]') "
            f"  WHERE r.state_before = 2 AND r.interval_days >= {MATURE_DAYS} GROUP BY d.key, r.card_pk)",
            {"learner": learner_id, "spans": self._spans(spans)},
        ).fetchone()
        return int(row[0] or 0), int(row[1] or 0)

    def due_counts(
        self, learner_id: int, deck_ids: list[str], spans: list[tuple[datetime | None, datetime]]
    ) -> list[int]:
        """How many of the learner's active cards fall due in each `[start, end)` (start None: no lower bound)."""
        rows = dict(self.db.execute(
            "SELECT d.key, count(c.pk) FROM json_each(:spans) d "  # CROSS JOIN: day by day, through the index
            "CROSS JOIN card_states s ON s.learner_id = :learner AND s.state IN (1, 2, 3) "
            "AND s.due >= json_extract(d.value, '$[0]') AND s.due < json_extract(d.value, '$[1]') "
            "JOIN cards c ON c.pk = s.card_pk AND c.retired_at IS NULL "
            "AND c.deck_id IN (SELECT value FROM json_each(:decks)) GROUP BY d.key",
            {"learner": learner_id, "spans": self._spans(spans), "decks": json.dumps(deck_ids)},
        ).fetchall())
        return [int(rows.get(i, 0)) for i in range(len(spans))]

    def known_words(self, learner_id: int, mature_days: float = 21) -> tuple[int, int]:
        """Cards past learning (in review), and of those the mature ones (stability >= mature_days)."""
        row = self.db.execute(
            "SELECT count(*), sum(s.stability >= ?) FROM card_states s JOIN cards c ON c.pk = s.card_pk "
            "WHERE s.learner_id = ? AND s.state = 2 AND c.retired_at IS NULL",
            [mature_days, learner_id],
        ).fetchone()
        return int(row[0] or 0), int(row[1] or 0)
