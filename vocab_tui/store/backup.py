"""Backups through SQLite's online backup API: daily rotating copies, a copy on demand, and restore.

A copy is taken with `sqlite3.Connection.backup` in one step, inside one read transaction of the
source: it holds every answer committed so far, including those still in the -wal file, and other
processes keep writing meanwhile (in WAL mode a reader never blocks a writer). Copies are written to
a private temporary file (0600) in the backups folder (0700), switched to a single self-contained
file (journal mode DELETE), and renamed into place, so a half-written copy never carries a backup's
name.

Daily copies: the first process to open the database in a study day (the day begins at
`day_starts_at` local time, see `scheduling.day_start`) makes one. Which process does it is decided
under an exclusive, non-blocking lock on `backups/.daily.lock` (`fcntl.flock`): ten terminals started
at 9:00 make one copy; the others see the lock taken, or today's copy there, and go on at once.
The newest KEEP_DAILY daily copies are kept.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..clock import Clock
from ..i18n import _
from ..paths import make_private_folders
from .core import StoreBase, _create_private_file, inspect_file
from .errors import BUSY_TIMEOUT_MS, StoreError, as_source, database_error

BACKUP_FOLDER = "backups"
KEEP_DAILY = 7
# Above this size the daily copy is made in a background thread (with its own connection), so the
# app's start never waits noticeably for it. Measured on a shared, busy 2-core machine: a 113 MB file copied
# (with fsync) in 0.8-1.0 s, and an office file of 6.4 MB (50 learners, 30,000 answers) in 170 ms, so up to
# 10-26 ms a MB: up to 2 MB (a new or small office) the copy costs at most ~50 ms before the app shows.
BACKGROUND_BYTES = 2 * 1024 * 1024
_DAILY_LOCK = ".daily.lock"
_TEMP_PREFIX = ".partial-"


def backup_folder(db_path: Path) -> Path:
    """The folder of backups beside the database: <database folder>/backups."""
    return db_path.parent / BACKUP_FOLDER


def daily_backup_name(db_path: Path, day: datetime) -> str:
    """The name of the daily copy of study day `day` (its local date): vocab-daily-2026-11-02.db."""
    return f"{db_path.stem}-daily-{day.strftime('%Y-%m-%d')}.db"


def manual_backup_path(db_path: Path, clock: Clock) -> Path:
    """Where `vocab-tui backup` puts a copy by default: backups/vocab-2026-11-02-091500.db (local time)."""
    local = clock.now().astimezone(clock.tz)
    return backup_folder(db_path) / f"{db_path.stem}-{local.strftime('%Y-%m-%d-%H%M%S')}.db"


def daily_backups(db_path: Path) -> list[Path]:
    """The daily copies of the database beside it, oldest first (their names sort by date)."""
    folder = backup_folder(db_path)
    prefix = f"{db_path.stem}-daily-"
    try:
        names = sorted(p.name for p in folder.iterdir() if p.name.startswith(prefix) and p.name.endswith(".db"))
    except FileNotFoundError:
        return []
    return [folder / name for name in names if len(name) == len(prefix) + len("2026-11-02.db")]


def copy_database(source: sqlite3.Connection | Path, target: Path) -> None:
    """Copy a database through the online backup API into a new private file at `target` (replaced if there).

    `source` is an open connection or a database file (opened here, read-only). The copy is one
    consistent snapshot; it is written to a temporary file beside `target`, made self-contained
    (journal mode DELETE) and synced, then renamed into place. Raises StoreError.
    """
    target = Path(target)
    try:
        make_private_folders(target.parent)
    except OSError as err:
        raise database_error(err, target) from None
    temp = target.parent / f"{_TEMP_PREFIX}{os.getpid()}-{threading.get_ident()}-{target.name}"
    temp.unlink(missing_ok=True)
    own = not isinstance(source, sqlite3.Connection)
    conn = _connect_read_only(Path(source)) if own else source
    try:
        _create_private_file(temp)
        copy = sqlite3.connect(str(temp), isolation_level=None)
        try:
            conn.backup(copy)  # one step: one read transaction, one snapshot
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
        with open(temp, "rb") as file:
            os.fsync(file.fileno())
        os.replace(temp, target)
    except (sqlite3.Error, OSError) as err:
        temp.unlink(missing_ok=True)
        raise database_error(err, target) from None
    finally:
        if own:
            conn.close()


def _connect_read_only(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True,
                               timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except sqlite3.Error as err:
        raise database_error(err, path) from None
    return conn


@dataclass
class DailyBackup:
    """What `Store.daily_backup` did: `path` of the copy made (None: none was due, or another process
    makes it); `thread` when the copy is made in the background (join it to wait); `error`, the
    message of a copy that failed (also added to the store's warnings)."""

    path: Path | None
    thread: threading.Thread | None = None
    error: str | None = None
    seconds: float = 0.0

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join()


class BackupMixin(StoreBase):
    # -- backups ----------------------------------------------------------------------------------

    def backup_to(self, target: Path) -> Path:
        """Copy the whole database, as committed now, into a new private file `target`; returns it."""
        copy_database(self.conn, Path(target))
        return Path(target)

    def daily_backup(self, day_start: datetime, *, background: bool | None = None,
                     on_error: Callable[[str], None] | None = None) -> DailyBackup:
        """Make today's rotating copy if no process has made it yet; keep the newest KEEP_DAILY.

        `day_start` is the UTC instant the study day began (`scheduling.day_start`); the copy is named
        after its local date. `background` None: in a thread when the file is bigger than
        BACKGROUND_BYTES. Never raises for a failed copy: its message goes to `self.warnings` (copy made
        before returning) or to `on_error` (background), and into the result.
        """
        if str(self.path) == ":memory:":
            return DailyBackup(None)
        local_day = day_start.astimezone(self.clock.tz)
        target = backup_folder(self.path) / daily_backup_name(self.path, local_day)
        if target.exists():
            return DailyBackup(None)
        try:
            make_private_folders(target.parent)
            lock = _try_lock(target.parent / _DAILY_LOCK)
        except OSError as err:
            message = _daily_failed(database_error(err, target))
            self.warnings.append(message)
            return DailyBackup(None, error=message)
        if lock is None:
            return DailyBackup(None)  # another process is making it
        if target.exists():  # made while we waited for nothing: checked again under the lock
            os.close(lock)
            return DailyBackup(None)
        if background is None:
            try:
                background = self.path.stat().st_size > BACKGROUND_BYTES
            except OSError:
                background = False
        result = DailyBackup(target)

        def run() -> None:
            started = time.monotonic()
            try:
                copy_database(self.path, target)  # its own connection: safe on another thread
                _rotate(self.path)
            except StoreError as err:
                result.error = _daily_failed(err)
                result.path = None
                if on_error is not None and background:
                    on_error(result.error)
                else:
                    self.warnings.append(result.error)
            finally:
                os.close(lock)
                result.seconds = time.monotonic() - started

        if background:
            # not a daemon: a copy under way is finished before the process exits, never left half-made
            result.thread = threading.Thread(target=run, name="vocab-tui daily backup")
            result.thread.start()
        else:
            run()
        return result

    # -- checked copies of other files (restore, merge) ---------------------------------------------

    def check_source(self, source: Path) -> None:
        """Refuse, reading it only, a file given to be restored or merged that is missing, empty, not a
        vocab-tui database, newer than this version, or damaged (`PRAGMA quick_check` whatever its size).
        Raises StoreError (ForeignDatabaseError, NewerDatabaseError, DamagedDatabaseError) naming `source`."""
        source = Path(source)
        if not source.exists():
            raise StoreError(_("There is no file {path}").format(path=source))
        if source.is_file() and source.stat().st_size == 0:
            raise StoreError(_("{path} is empty: it is not a vocab-tui database").format(path=source))
        try:
            inspect_file(source, full_check=True)
        except StoreError as err:
            raise as_source(err, source) from None

    def checked_copy(self, source: Path, target: Path) -> Path:
        """A copy of another vocab-tui database at `target`, checked and brought to the current schema.

        `source` is checked first as the store checks a file at opening (a vocab-tui database, a
        schema not newer than this version's, `PRAGMA quick_check` ok whatever its size), read-only:
        it is never written. The copy is made through the backup API, then opened as a store, which
        migrates it if it is older. Raises ForeignDatabaseError, NewerDatabaseError,
        DamagedDatabaseError or StoreError naming `source`.
        """
        source = Path(source)
        self.check_source(source)
        copy_database(source, target)
        try:
            type(self)(target, self.clock).close()  # migrates an older copy; the checks run again
        except StoreError as err:
            _remove_database(target)
            raise as_source(err, source) from None
        return target

    def restore_from(self, source: Path, keep_current: Path) -> Path:
        """Replace the whole database by the vocab-tui database `source`, after checking it.

        The current content is first copied to `keep_current`. The checked copy is written into the
        live file through the backup API, so other processes with the database open see the restored
        content at their next transaction (no file is swapped under them). Returns `keep_current`.
        Raises StoreError (the file is refused, or the copy failed) before anything is replaced.
        """
        folder = Path(keep_current).parent
        staging = folder / f"{_TEMP_PREFIX}restore-{os.getpid()}.db"
        self.checked_copy(source, staging)
        try:
            self.backup_to(keep_current)
            try:
                restored = sqlite3.connect(str(staging), isolation_level=None)
            except sqlite3.Error as err:
                raise database_error(err, source) from None
            try:
                restored.backup(self.conn)
            except sqlite3.Error as err:
                raise database_error(err, self.path) from None
            finally:
                restored.close()
        finally:
            _remove_database(staging)
        return Path(keep_current)


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _try_lock(path: Path) -> int | None:
    """An exclusive lock on `path` (created 0600), or None when another process holds it."""
    _create_private_file(path)
    fd = os.open(path, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, every first start of the day may copy
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _rotate(db_path: Path) -> None:
    """Delete all but the newest KEEP_DAILY daily copies, and partial copies left by a killed process."""
    for old in daily_backups(db_path)[:-KEEP_DAILY]:
        old.unlink(missing_ok=True)
    folder = backup_folder(db_path)
    for partial in folder.glob(f"{_TEMP_PREFIX}*"):
        try:
            if time.time() - partial.stat().st_mtime > 24 * 3600:
                partial.unlink(missing_ok=True)
        except OSError:
            continue


def _daily_failed(err: StoreError) -> str:
    return _("Today's backup of the database could not be made: {reason}").format(reason=err)
