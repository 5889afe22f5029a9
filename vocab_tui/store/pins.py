"""PINs of learner profiles: a salted slow hash, and a growing wait after wrong tries.

A PIN is 4 to 8 digits (0-9). It is kept only as `scrypt$n$r$p$salt$hash` in `learners.pin_hash`
(salt and hash in hex): `hashlib.scrypt` with N = 2**14, r = 8, p = 1 (16 MiB of memory, 50-100 ms
on one core), a random 16-byte salt per PIN and a 32-byte key. The parameters travel in the string,
so stronger ones can be chosen later without breaking stored PINs. A PIN has few possible values:
the hash keeps it out of sight, but whoever copies the database file can try them all offline in
minutes; the file's 0600 mode and the wait below are the protection that counts.

Wrong tries are counted in `learners.pin_failures`, and from the FREE_TRIES-th one on the profile
is locked until `learners.pin_locked_until` (UTC): 30 s, then twice as long after each further
wrong try (one try each time the wait ends), at most MAX_WAIT. Both are in the database, so
closing the app or opening it in another terminal does not reset them, and they are read and
written in the same IMMEDIATE transaction that decides the try, so two terminals guessing at once
get no extra tries. The right PIN sets the count back to 0. Only this module touches the hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..clock import iso, parse_iso
from ..i18n import _
from .core import StoreBase
from .errors import LearnerGoneError, StoreError

if TYPE_CHECKING:
    from sqlite_utils import Database

PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 8
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
FREE_TRIES = 3  # wrong tries before the first wait
FIRST_WAIT = timedelta(seconds=30)
MAX_WAIT = timedelta(minutes=30)


class PinError(StoreError):
    """A PIN that cannot be used as typed (not 4-8 digits), or a change that is not allowed."""


@dataclass(frozen=True)
class PinCheck:
    """The outcome of a PIN try.

    `ok`: the PIN was right (or the profile has none). Otherwise `tries_left` says how many wrong
    tries remain before a wait (0 when locked) and `locked_until` (local time, the store clock's
    zone) when the next try is allowed, or None when not locked.
    """

    ok: bool
    tries_left: int = 0
    locked_until: datetime | None = None

    @property
    def locked(self) -> bool:
        return self.locked_until is not None


def check_pin_format(pin: str) -> None:
    """Raise PinError unless `pin` is 4 to 8 ASCII digits."""
    if not (pin.isascii() and pin.isdigit() and PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS):
        raise PinError(_("A PIN is {low} to {high} digits (0-9).").format(low=PIN_MIN_DIGITS, high=PIN_MAX_DIGITS))


def hash_pin(pin: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """`scrypt$n$r$p$salt$hash` for `pin`, with a new random salt (so one PIN never hashes the same twice)."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(pin, salt, n, r, p, KEY_BYTES)
    return f"scrypt${n}${r}${p}${salt.hex()}${key.hex()}"


def _derive(pin: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(pin.encode("ascii", "replace"), salt=salt, n=n, r=r, p=p,
                          maxmem=2 * 128 * r * n * max(p, 1) + 1024 * 1024, dklen=length)


def _matches(pin: str, stored: str) -> bool:
    """Whether `pin` hashes to `stored` (compared in constant time); False for a hash we cannot read."""
    try:
        kind, n, r, p, salt, key = stored.split("$")
        if kind != "scrypt":
            return False
        expected = bytes.fromhex(key)
        found = _derive(pin, bytes.fromhex(salt), int(n), int(r), int(p), len(expected))
    except (ValueError, OverflowError, MemoryError):
        return False
    return hmac.compare_digest(found, expected)


def wait_after(failures: int) -> timedelta:
    """How long a profile stays locked after its `failures`-th wrong try in a row (zero before FREE_TRIES)."""
    if failures < FREE_TRIES:
        return timedelta(0)
    return min(FIRST_WAIT * 2 ** min(failures - FREE_TRIES, 32), MAX_WAIT)


class PinsMixin(StoreBase):
    # -- PINs -------------------------------------------------------------------------------

    def verify_pin(self, learner_id: int, pin: str) -> PinCheck:
        """Try `pin` for the profile; a wrong one counts towards the wait. A profile without a PIN is ok.

        While the profile is locked the try is refused without being looked at (and not counted).
        """
        known = self._precheck(learner_id, pin)
        with self._writing() as db:
            return self._try_pin(db, learner_id, pin, known)

    def pin_lock(self, learner_id: int) -> PinCheck:
        """The profile's state without trying a PIN: locked (until when) or how many tries are left."""
        row = self._pin_row(self.db, learner_id)
        return self._state(row)

    def set_pin(self, learner_id: int, new_pin: str, current_pin: str | None = None) -> PinCheck:
        """Set or change the profile's PIN; a profile that has one needs `current_pin` right.

        Returns the check of `current_pin` (ok when there was no PIN); the new PIN is set only when
        it is ok. Raises PinError when `new_pin` is not 4-8 digits.
        """
        check_pin_format(new_pin)
        new_hash = hash_pin(new_pin)  # slow: done before the write lock is taken
        known = self._precheck(learner_id, current_pin or "")
        with self._writing() as db:
            check = self._try_pin(db, learner_id, current_pin or "", known)
            if check.ok:
                self._store_hash(db, learner_id, new_hash)
            return check

    def remove_pin(self, learner_id: int, current_pin: str) -> PinCheck:
        """Remove the profile's PIN, given the current one. Raises PinError for a manager (who keeps one)."""
        known = self._precheck(learner_id, current_pin)
        with self._writing() as db:
            row = self._pin_row(db, learner_id)
            if row["role"] == "manager":
                raise PinError(_("A manager's profile always has a PIN; change it instead."))
            check = self._try_pin(db, learner_id, current_pin, known)
            if check.ok:
                self._store_hash(db, learner_id, None)
            return check

    def reset_pin(self, learner_id: int) -> None:
        """Remove the profile's PIN and its wrong tries (a manager's action; the caller checks who asks).

        The learner then enters without a PIN; a manager is asked to choose a new one on entering.
        """
        with self._writing() as db:
            self._pin_row(db, learner_id)  # raises for an unknown id
            self._store_hash(db, learner_id, None)

    def _precheck(self, learner_id: int, pin: str) -> tuple[str, bool] | None:
        """The stored hash and whether `pin` matches it, worked out before the write lock is taken.

        scrypt takes tens of ms: under the lock it would hold up every other terminal's answers. The
        transaction uses this result only if the hash it reads is still the same one.
        """
        row = self._pin_row(self.db, learner_id)
        if row["pin_hash"] is None or self._state(row).locked:
            return None
        return row["pin_hash"], _matches(pin, row["pin_hash"])

    # -- inside a transaction -----------------------------------------------------------------

    def _pin_row(self, db: Database, learner_id: int) -> dict:
        rows = list(db.query("SELECT role, pin_hash, pin_failures, pin_locked_until FROM learners WHERE id = ?",
                             [learner_id]))
        if not rows:
            raise LearnerGoneError(learner_id)
        return rows[0]

    def _state(self, row: dict) -> PinCheck:
        if row["pin_hash"] is None:
            return PinCheck(ok=True)
        until = parse_iso(row["pin_locked_until"]) if row["pin_locked_until"] else None
        if until is not None and until > self.clock.now():
            return PinCheck(ok=False, locked_until=until.astimezone(self.clock.tz))
        return PinCheck(ok=False, tries_left=max(FREE_TRIES - row["pin_failures"], 1))

    def _try_pin(self, db: Database, learner_id: int, pin: str, known: tuple[str, bool] | None) -> PinCheck:
        """Decide one try from what is read under the write lock; `known` is the precheck (or None)."""
        row = self._pin_row(db, learner_id)
        state = self._state(row)
        if row["pin_hash"] is None or state.locked:
            return state
        right = known[1] if known is not None and known[0] == row["pin_hash"] else _matches(pin, row["pin_hash"])
        if right:
            if row["pin_failures"] or row["pin_locked_until"]:
                db.execute("UPDATE learners SET pin_failures = 0, pin_locked_until = NULL WHERE id = ?", [learner_id])
            return PinCheck(ok=True)
        failures = row["pin_failures"] + 1
        wait = wait_after(failures)
        until = self.clock.now() + wait if wait else None
        db.execute("UPDATE learners SET pin_failures = ?, pin_locked_until = ? WHERE id = ?",
                   [failures, iso(until) if until else None, learner_id])
        if until is not None:
            return PinCheck(ok=False, locked_until=until.astimezone(self.clock.tz))
        return PinCheck(ok=False, tries_left=FREE_TRIES - failures)

    @staticmethod
    def _store_hash(db: Database, learner_id: int, pin_hash: str | None) -> None:
        db.execute("UPDATE learners SET pin_hash = ?, pin_failures = 0, pin_locked_until = NULL WHERE id = ?",
                   [pin_hash, learner_id])
