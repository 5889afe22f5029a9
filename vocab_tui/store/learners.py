"""Learner profiles: add, read, settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING

from ..clock import from_ms, iso, parse_iso
from ..i18n import _
from ..models import (
    ROLES,
    Learner,
    LearnerSettings,
)
from ..nip import NipError, parse_nip
from ..nip import normalise as normalise_nip
from ..text import control_characters, describe_character, hiding_characters
from .core import StoreBase
from .errors import DuplicateLearner, DuplicateNip, StoreError, same_person_key

if TYPE_CHECKING:
    from sqlite_utils import Database

# `update_learner(nip=KEEP)` leaves the NIP as it is (None removes it).
KEEP = object()


def _check_profile_text(name: str, unit: str) -> None:
    """An empty name or a control character in the name or unit raises StoreError."""
    if not name:
        raise StoreError(_("A learner needs a name"))
    # A terminal obeys control characters: refused here, they never reach a screen or a list.
    if bad := control_characters(name):
        raise StoreError(_("The name holds a control character ({char}) at position {position}; "
                           "type it again without it.").format(char=describe_character(name[bad[0]]),
                                                               position=bad[0] + 1))
    if bad := control_characters(unit):
        raise StoreError(_("The unit holds a control character ({char}) at position {position}; "
                           "type it again without it.").format(char=describe_character(unit[bad[0]]),
                                                               position=bad[0] + 1))
    # Characters that reorder or hide what is shown (U+202E draws the rest of a name backwards): one name
    # could pass for another's in the list.
    if bad := hiding_characters(name):
        raise StoreError(_("The name holds an invisible character ({char}) at position {position}, which changes "
                           "how it looks; type it again without it.").format(
            char=describe_character(name[bad[0]]), position=bad[0] + 1))
    if bad := hiding_characters(unit):
        raise StoreError(_("The unit holds an invisible character ({char}) at position {position}, which changes "
                           "how it looks; type it again without it.").format(
            char=describe_character(unit[bad[0]]), position=bad[0] + 1))


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise StoreError(_("Unknown role {role}; the roles are: {roles}").format(role=role, roles=", ".join(ROLES)))


class LearnersMixin(StoreBase):
    # -- learners ---------------------------------------------------------------------------

    def add_learner(self, name: str, unit: str = "", *, nip: str | None = None, role: str = "learner",
                    allow_duplicate: bool = False) -> Learner:
        """Add a profile; `nip` as typed (spaces allowed) or None, `role` one of models.ROLES.

        Raises DuplicateLearner when this person has a profile already (same name and unit, unless
        allowed), DuplicateNip when another profile has the NIP, StoreError for an empty name, a
        control character, a NIP that breaks BKN's structure (see `vocab_tui.nip`) or an unknown role.
        """
        name, unit = name.strip(), unit.strip()
        _check_profile_text(name, unit)
        digits = self._checked_nip(nip)
        _check_role(role)
        with self._writing() as db:
            existing = None if allow_duplicate else self._same_person(db, name, unit)
            if existing is not None:
                raise DuplicateLearner(existing)
            self._refuse_used_nip(db, digits, None)
            learner_id = self._new_learner_id(db)
            db["learners"].insert({"id": learner_id, "name": name, "unit": unit, "nip": digits, "role": role,
                                   "created_at": iso(self.clock.now())})
        return self.learner(int(learner_id))

    def update_learner(self, learner_id: int, *, name: str | None = None, unit: str | None = None,
                       nip: str | None | object = KEEP, role: str | None = None,
                       allow_duplicate: bool = False) -> Learner:
        """Change a profile's name, unit, NIP (None removes it; KEEP leaves it) or role; returns it as saved.

        The same checks as `add_learner`: a name and unit that another profile has raise DuplicateLearner
        (unless allowed), a NIP another profile has raises DuplicateNip. The old values are overwritten in
        the file, not left in its free space (see `_erasing`).
        """
        name = None if name is None else name.strip()
        unit = None if unit is None else unit.strip()
        digits = KEEP if nip is KEEP else self._checked_nip(nip)  # type: ignore[arg-type]
        if role is not None:
            _check_role(role)
        with self._erasing() as db:
            current = self._learner_in(db, learner_id)
            new_name = current.name if name is None else name
            new_unit = current.unit if unit is None else unit
            _check_profile_text(new_name, new_unit)
            if not allow_duplicate and same_person_key(new_name, new_unit) != same_person_key(current.name, current.unit):
                other = self._same_person(db, new_name, new_unit, besides=learner_id)
                if other is not None:
                    raise DuplicateLearner(other)
            changes: dict[str, object] = {"name": new_name, "unit": new_unit}
            if digits is not KEEP:
                self._refuse_used_nip(db, digits, learner_id)  # type: ignore[arg-type]
                changes["nip"] = digits
            if role is not None:
                changes["role"] = role
            db["learners"].update(learner_id, changes)
        return self.learner(learner_id)

    def _today(self) -> date:
        """Today's date in the office's time zone (a NIP's appointment month may not be after it)."""
        return self.clock.now().astimezone(self.clock.tz).date()

    def _checked_nip(self, nip: str | None) -> str | None:
        """The NIP's 18 digits, or None for no NIP (None or only spaces); StoreError when it is wrong."""
        if nip is None or not normalise_nip(nip):
            return None
        try:
            return parse_nip(nip, self._today()).digits
        except NipError as err:
            raise StoreError(_("The NIP {nip} cannot be right: {problems}").format(
                nip=nip.strip(), problems="; ".join(err.problems))) from None

    def _refuse_used_nip(self, db: Database, digits: str | None, learner_id: int | None) -> None:
        if digits is None:
            return
        row = db.execute("SELECT id FROM learners WHERE nip = ? AND id IS NOT ?", [digits, learner_id]).fetchone()
        if row is not None:
            raise DuplicateNip(self._learner_in(db, row[0]))

    def _learner_in(self, db: Database, learner_id: int) -> Learner:
        """The profile as read inside a write transaction; StoreError when there is none with that id."""
        rows = list(db.query("SELECT * FROM learners WHERE id = ?", [learner_id]))
        if not rows:
            raise StoreError(_("No learner with id {id}").format(id=learner_id))
        return self._learner(rows[0])

    @contextmanager
    def _erasing(self) -> Iterator[Database]:
        """A write transaction whose deleted and overwritten content is zeroed in the file (secure_delete).

        A changed or erased name must not stay readable in the file's free space. The WAL keeps the
        page versions before the change until a checkpoint copies the new ones back; `erase_learner`
        checkpoints at once.
        """
        conn = self.db.conn
        before = int(conn.execute("PRAGMA secure_delete").fetchone()[0])
        conn.execute("PRAGMA secure_delete = ON")
        try:
            with self._writing() as db:
                yield db
        finally:
            conn.execute(f"PRAGMA secure_delete = {before}")

    def _same_person(self, db: Database, name: str, unit: str, besides: int | None = None) -> Learner | None:
        """The oldest profile with this name and unit, other than `besides` (read inside the writing transaction)."""
        key = same_person_key(name, unit)
        for row in db.query("SELECT * FROM learners WHERE id IS NOT ? ORDER BY id", [besides]):
            if same_person_key(row["name"], row["unit"] or "") == key:
                return self._learner(row)
        return None

    def learner_activity(self) -> dict[int, tuple[int, datetime | None]]:
        """For each learner with answers: how many, and when the last one was given."""
        rows = self.conn.execute("SELECT learner_id, count(*), max(answered_at) FROM reviews GROUP BY learner_id")
        return {row[0]: (int(row[1]), from_ms(row[2]) if row[2] is not None else None) for row in rows}

    def learners(self) -> list[Learner]:
        rows = self._rows("SELECT * FROM learners ORDER BY name COLLATE NOCASE, id")
        return [self._learner(row) for row in rows]

    def learner_exists(self, learner_id: int) -> bool:
        """Whether a profile with this id is in the file (a removed or joined one is not)."""
        return self.conn.execute("SELECT 1 FROM learners WHERE id = ?", [learner_id]).fetchone() is not None

    def learner(self, learner_id: int) -> Learner:
        row = self._one("SELECT * FROM learners WHERE id = ?", [learner_id])
        if row is None:
            raise StoreError(_("No learner with id {id}").format(id=learner_id))
        return self._learner(row)

    def update_settings(self, learner_id: int, settings: LearnerSettings) -> Learner:
        with self._writing() as db:
            self._require_learner(db, learner_id)
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
