"""Opening a database file with care, and the write transaction every change goes through."""

from __future__ import annotations

import errno
import os
import random
import shlex
import sqlite3
import stat
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..clock import Clock
from ..i18n import _
from ..paths import make_private_folders
from .errors import (
    LearnerGoneError,
    _BUSY,
    _LOCKED,
    BUSY_TIMEOUT_MS,
    ReadOnlyDatabaseError,
    StoreError,
    _code,
    _damaged,
    _disk_full,
    _foreign,
    _low_space,
    _read_only,
    database_error,
)
from .schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, _identify

if TYPE_CHECKING:  # sqlite-utils loads with the first write or `db` use, not to open a file (see StoreBase.db)
    from sqlite_utils import Database

# A file up to this size gets a full `PRAGMA quick_check` before it is used (about 3 ms per MB);
# a larger one only the checks of its header and schema, and damage met later is told the same way.
QUICK_CHECK_MAX_BYTES = 32 * 1024 * 1024
LEARNER_ID_HIGH_KEY = "learner_id_high"  # meta: the highest profile id ever given (`_new_learner_id`)
_SQLITE_MAGIC = b"SQLite format 3\x00"


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


def inspect_file(path: Path, *, full_check: bool = False) -> None:
    """Refuse, before anything is written, a file that is not ours, is newer, or is damaged.

    Only a regular file is opened (a named pipe would block, a device is nobody's database).
    SQLite may create -wal and -shm files beside a WAL file it reads: those that were not
    there before are removed again when the file is refused, so it is left as it was found.
    An empty file passes (it is new). `full_check`: run `PRAGMA quick_check` whatever the file's size
    (otherwise only up to QUICK_CHECK_MAX_BYTES). Raises ForeignDatabaseError, NewerDatabaseError,
    DamagedDatabaseError or StoreError.
    """
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise _foreign(path, _("it is not a regular file"))
        with open(path, "rb") as file:
            header = file.read(100)
    except OSError as err:
        raise database_error(err, path) from None
    side_files = [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm")]
    absent = [side for side in side_files if not side.exists()]
    try:
        _inspect_content(path, header, full_check)
    except StoreError:
        for side in absent:
            side.unlink(missing_ok=True)
        raise


def _inspect_content(path: Path, header: bytes, full_check: bool) -> None:
    if not header:
        return  # empty: ours to use
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        raise _foreign(path, _("it is not an SQLite database, or its first page is damaged"))
    marked = int.from_bytes(header[68:72], "big")  # the application id, read without SQLite
    if marked not in (0, APPLICATION_ID):
        raise _foreign(path, _("it belongs to another program: application id {id}").format(
            id=f"0x{marked:08x}"))
    try:
        conn = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True,
                               timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as err:
        raise database_error(err, path) from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _identify(conn, path)
        if full_check or path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
            found = [row[0] for row in conn.execute("PRAGMA quick_check(1)")]
            if found != ["ok"]:
                raise _damaged(path, _("some of its pages are malformed: {detail}").format(
                    detail=" ".join(found[0].split())[:160]))
    except sqlite3.Error as err:
        raise database_error(err, path) from None
    finally:
        conn.close()


class StoreBase:
    """A learner-progress database in one SQLite file.

    `conn` is the plain `sqlite3` connection (autocommit: transactions are begun explicitly). Opening,
    its checks and migration test, and the reads of start-up (the profile list, `decks list`) use it
    directly; `db`, the sqlite-utils wrapper of the same connection, is made on first use (importing
    sqlite-utils costs about 100 ms and 6 MiB, more than the first screen's own work).
    """

    def __init__(self, path: Path | str, clock: Clock) -> None:
        self.path = Path(path)
        self.clock = clock
        # Things the person starting the app should know (the file is readable by others, the
        # disk is almost full): the CLI prints them, the app shows them.
        self.warnings: list[str] = []
        self._db: Database | None = None
        self.conn = self._open()

    @property
    def db(self) -> Database:
        """The sqlite-utils `Database` over `conn`, made on first use (same connection, same transactions)."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn, execute_plugins=False)
        return self._db

    # -- opening and migrating -------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
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
            conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils sets it, whether or not `db` is made
            self.conn = conn
            self._migrate()
        except BaseException as err:
            self._db = None
            conn.close()
            if isinstance(err, sqlite3.Error):
                raise database_error(err, self.path) from None
            raise
        if not memory:
            self._check_privacy()
        return conn

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
        """Refuse, before anything is written, a file that is not ours, is newer, or is damaged (see inspect_file)."""
        inspect_file(self.path)

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

    def _migrate(self) -> None:
        """Bring the schema up to date and mark the file as ours, in one IMMEDIATE transaction.

        The transaction also proves at start that the file can be written. What to do is decided
        from what is read under the lock: two processes opening a new file at once migrate it once.
        A file already current is checked and marked through the plain connection; only a migration
        that runs needs sqlite-utils (`db`).
        """
        conn = self.conn
        with self._begin_immediate():
            version, app_id = _identify(conn, self.path)
            for target in range(version, SCHEMA_VERSION):
                MIGRATIONS[target](self.db)
            if version != SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            if app_id != APPLICATION_ID:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def _one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> dict[str, Any] | None:
        """The first row of a query as a dict (None without rows), straight from the connection: on the
        answer path, where sqlite-utils' `query` would wrap every read in a savepoint."""
        cursor = self.conn.execute(sql, params)
        row = cursor.fetchone()
        return None if row is None else dict(zip((d[0] for d in cursor.description), row))

    def _rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        """Every row of a query as a dict, straight from the connection (what `db.query` gives, without
        sqlite-utils): for the reads of start-up."""
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def _new_learner_id(self, db: Database) -> int:
        """Inside a write: an id no profile of this file has ever had. Ids of removed or joined profiles are
        never given again (SQLite would reuse the highest one), so that a terminal still holding a removed
        profile cannot save answers into a new person's; the highest id given is kept in `meta`."""
        high = db.conn.execute(
            "SELECT max(coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?), 0), "
            "coalesce((SELECT max(id) FROM learners), 0))", [LEARNER_ID_HIGH_KEY]).fetchone()[0]
        self._note_learner_id(db, int(high) + 1)
        return int(high) + 1

    def _note_learner_id(self, db: Database, learner_id: int) -> None:
        """Inside a write: `learner_id` was given (or is going away): no new profile may take it."""
        db.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
            "value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))", [LEARNER_ID_HIGH_KEY, str(learner_id)])

    def _require_learner(self, db: Database, learner_id: int) -> None:
        """Inside a write: raise LearnerGoneError when the profile is no longer in the file."""
        if db.conn.execute("SELECT 1 FROM learners WHERE id = ?", [learner_id]).fetchone() is None:
            raise LearnerGoneError(learner_id)

    @contextmanager
    def _begin_immediate(self) -> Iterator[sqlite3.Connection]:
        """One write transaction on the plain connection, begun IMMEDIATE (see `_writing`), or a savepoint
        inside one already open. Database failures come out as StoreError with a plain message."""
        conn = self.conn
        if conn.in_transaction:
            name = f"nested_{random.getrandbits(64):016x}"
            try:
                conn.execute(f"SAVEPOINT {name}")
                try:
                    yield conn
                except BaseException:
                    # an error (a RAISE(ROLLBACK) trigger) may have ended the whole transaction, savepoint
                    # included: undoing it then would hide the first error behind "no such savepoint"
                    if conn.in_transaction:
                        conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                        conn.execute(f"RELEASE SAVEPOINT {name}")
                    raise
                conn.execute(f"RELEASE SAVEPOINT {name}")
            except sqlite3.Error as err:
                raise database_error(err, self.path) from None
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            raise database_error(err, self.path) from None
        try:
            yield conn
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

    @contextmanager
    def _writing(self) -> Iterator[Database]:
        """One write transaction, begun IMMEDIATE: it holds the write lock from its first statement
        (waiting up to the busy timeout for it), so what it reads stays true until it commits.

        Nested use becomes a savepoint. Database failures come out as StoreError with a plain message.
        Yields the sqlite-utils `db` (made on first use); a write that needs only SQL can use
        `_begin_immediate`, which yields the plain connection.
        """
        db = self.db
        with self._begin_immediate():
            yield db

    def close(self) -> None:
        self.conn.close()

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])
