"""The store's errors: each says what went wrong with the database file and what to do."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from typing import TYPE_CHECKING

from ..i18n import _

if TYPE_CHECKING:  # annotations only: commands import these errors, and `--help` must stay fast
    from fsrs import Card as FSRSCard

    from ..models import Learner

# How long a write waits for the lock before telling the person the file is busy. A whole office answering
# at once queues its commits (about 80 a second on one file, bench/load.py): a few seconds' wait in a
# burst is better than an error, so the limit is far above what a burst takes.
BUSY_TIMEOUT_MS = 30000
# Primary SQLite result codes (sqlite3.Error.sqlite_errorcode & 0xFF).
# Less free space than this beside the database: a warning at start, and a disk I/O error is a full disk.
LOW_SPACE_BYTES = 8 * 1024 * 1024
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT = 3, 5, 6, 8, 10, 11
_FULL, _CANTOPEN, _AUTH, _NOTADB = 13, 14, 23, 26



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


def _foreign(path: Path, reason: str, *, source: bool = False) -> ForeignDatabaseError:
    """`source`: the file was given to be read (a backup to restore, a copy to merge), not used as the database."""
    advice = (_("Give a vocab-tui database instead: a backup, or a copy from another terminal") if source
              else _("Choose another file with --db"))
    err = ForeignDatabaseError(
        _("{path} is not a vocab-tui database ({reason}); it was left unchanged.").format(path=path, reason=reason)
        + " " + advice)
    err.path, err.detail = path, reason
    return err


def _damaged(path: Path, problem: str, *, source: bool = False) -> DamagedDatabaseError:
    advice = (_("Give another copy: an earlier backup, or a copy from another terminal") if source
              else _("Restore it from a backup, or choose another file with --db"))
    err = DamagedDatabaseError(
        _("The database {path} is damaged ({problem}); it was left unchanged.").format(path=path, problem=problem)
        + " " + advice)
    err.path, err.detail = path, problem
    return err


def as_source(err: StoreError, path: Path) -> StoreError:
    """The same refusal, told of `path`, a file given to be read (restored or merged; the refusal may have
    been met on a copy of it) rather than opened with --db."""
    if isinstance(err, ForeignDatabaseError) and hasattr(err, "detail"):
        return _foreign(path, err.detail, source=True)
    if isinstance(err, DamagedDatabaseError) and hasattr(err, "detail"):
        return _damaged(path, err.detail, source=True)
    return err


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
        return _damaged(path, _("SQLite reports: {detail}").format(detail=text))
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


class LearnerGoneError(StoreError):
    """The profile a write was for is no longer in the database (removed, or joined with another profile,
    perhaps on another terminal while this one had it open). Nothing was written."""

    def __init__(self, learner_id: int | None) -> None:
        super().__init__(_("This profile is no longer in the database: it was removed, or joined with another "
                           "profile, perhaps on another terminal. Nothing was saved; choose your profile again "
                           "from the list."))
        self.learner_id = learner_id


class DuplicateNip(StoreError):
    """Another profile has this NIP already; `existing` is that profile."""

    def __init__(self, existing: Learner) -> None:
        from ..nip import mask

        who = existing.name + (f" ({existing.unit})" if existing.unit else "")
        super().__init__(_("The NIP ending {last} is already used by {who} (id {id})").format(
            last=mask(existing.nip or "")[-4:], who=who, id=existing.id))
        self.existing = existing
