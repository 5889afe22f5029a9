"""Learner profiles: add, read, settings."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from ..clock import iso, parse_iso
from ..i18n import _
from ..models import (
    Learner,
    LearnerSettings,
)
from .core import StoreBase
from .errors import DuplicateLearner, StoreError, same_person_key


class LearnersMixin(StoreBase):
    # -- learners ---------------------------------------------------------------------------

    def add_learner(self, name: str, unit: str = "", *, allow_duplicate: bool = False) -> Learner:
        """Add a profile; raises DuplicateLearner when this person has one already (unless allowed)."""
        name, unit = name.strip(), unit.strip()
        if not name:
            raise StoreError(_("A learner needs a name"))
        from ..text import control_characters, describe_character

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
