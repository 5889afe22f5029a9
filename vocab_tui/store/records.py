"""An office's learner records: a staff list imported in one transaction, two profiles merged, one erased.

Erasure follows the right to erasure of UU 27/2022 (Pelindungan Data Pribadi): the person's profile,
answers, card progress and flags go in one transaction run with `PRAGMA secure_delete = ON` (SQLite
overwrites what it deletes with zeros instead of leaving it in free pages), then a
`wal_checkpoint(TRUNCATE)` copies the zeroed pages into the database file and empties the write-ahead
log, where the older page versions would otherwise stay readable. Backups made before are not touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..clock import iso
from ..i18n import _
from ..models import Learner
from .errors import StoreError
from .learners import LearnersMixin

if TYPE_CHECKING:  # staff_list imports the store's same_person_key
    from sqlite_utils import Database

    from ..staff_list import StaffRecord

# The tables the merge treats one by one; any other table pointing at learners(id) (a later concern's)
# is found through its foreign key: merged with the kept profile's rows winning, and erased.
_HISTORY_TABLES = ("reviews", "card_states", "card_flags", "daily_activity")


@dataclass(frozen=True)
class ImportOutcome:
    """What importing one row did: 'created', 'updated' or 'unchanged', to which profile."""

    row: int  # the row number as the spreadsheet shows it
    action: str
    learner_id: int


@dataclass(frozen=True)
class MergedLearners:
    """What `merge_learners` moved into the kept profile."""

    kept: Learner  # as saved after the merge
    reviews: int  # answers moved
    card_states: int  # card progress rows moved (cards only the removed profile had studied)
    shared_cards: int  # cards both had studied: the later progress kept, counts added
    card_flags: int  # suspend/bury rows moved or combined


@dataclass(frozen=True)
class ErasedLearner:
    """What `erase_learner` deleted; `log_emptied` is False when another program kept the WAL from being emptied."""

    learner: Learner
    reviews: int
    card_states: int
    card_flags: int
    log_emptied: bool


class _DryRun(Exception):
    """Raised inside the import transaction to roll it back after counting."""


class RecordsMixin(LearnersMixin):
    def import_learners(self, records: Sequence[StaffRecord], *, dry_run: bool = False) -> list[ImportOutcome]:
        """Create or update a profile per record, all in one transaction (nothing is written on an error).

        A record is matched by NIP first; else by name and unit (`same_person_key`, the oldest profile),
        unless that profile has a different NIP: then it is another person with the same name, and a new
        profile is made. A matched profile takes the record's name, unit, NIP (when given) and role (when
        given). Records must have passed `staff_list.read_staff_list`. With `dry_run` the outcomes are
        worked out in the transaction and it is rolled back. Raises StoreError (e.g. DuplicateNip).
        """
        outcomes: list[ImportOutcome] = []
        try:
            with self._erasing() as db:
                for record in records:
                    outcomes.append(self._import_one(db, record))
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        return outcomes

    def _import_one(self, db: Database, record: StaffRecord) -> ImportOutcome:
        existing: Learner | None = None
        if record.nip is not None:
            row = db.execute("SELECT id FROM learners WHERE nip = ?", [record.nip]).fetchone()
            existing = self._learner_in(db, row[0]) if row else None
        if existing is None:
            candidate = self._same_person(db, record.name, record.unit)
            if candidate is not None and (record.nip is None or candidate.nip is None):
                existing = candidate
        if existing is None:
            learner_id = self._new_learner_id(db)
            db["learners"].insert({"id": learner_id, "name": record.name, "unit": record.unit, "nip": record.nip,
                                   "role": record.role or "learner", "created_at": iso(self.clock.now())})
            return ImportOutcome(record.row, "created", learner_id)
        changes: dict[str, object] = {}
        if record.name != existing.name:
            changes["name"] = record.name
        if record.unit != existing.unit:
            changes["unit"] = record.unit
        if record.nip is not None and record.nip != existing.nip:
            changes["nip"] = record.nip
        if record.role is not None and record.role != existing.role:
            changes["role"] = record.role
        if changes:
            db["learners"].update(existing.id, changes)
        return ImportOutcome(record.row, "updated" if changes else "unchanged", existing.id)

    # -- history -------------------------------------------------------------------------------

    def history_counts(self, learner_id: int) -> dict[str, int]:
        """How many rows of each history table (_HISTORY_TABLES) hold the learner's data, by table."""
        return {table: int(self.db.execute(f"SELECT count(*) FROM {table} WHERE learner_id = ?",
                                           [learner_id]).fetchone()[0]) for table in _HISTORY_TABLES}

    def _other_references(self, db: Database) -> list[tuple[str, str]]:
        """(table, column) of every other column that refers to learners(id)."""
        found = []
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            if table in _HISTORY_TABLES or table == "learners":
                continue
            for target, column in db.execute('SELECT "table", "from" FROM pragma_foreign_key_list(?)',
                                             [table]).fetchall():
                if target == "learners":
                    found.append((table, column))
        return found

    def merge_learners(self, keep_id: int, other_id: int) -> MergedLearners:
        """Make two profiles of one person one: `other_id`'s history moves into `keep_id`, then it is deleted.

        All answers are kept. A card both have studied keeps the progress with the later last review, and
        its review and lapse counts become the sums of both (each profile counted its own answers). Suspend
        and bury flags are combined: suspended in either stays suspended, buried until the later time.
        The kept profile keeps its name, unit, role, settings and PIN; it takes the other's NIP when it has
        none. One transaction. Raises StoreError for the same id twice, an unknown id, or two different
        NIPs (two different people).
        """
        if keep_id == other_id:
            raise StoreError(_("A profile cannot be merged into itself (id {id}); give two different ids")
                             .format(id=keep_id))
        with self._erasing() as db:
            keep, other = self._learner_in(db, keep_id), self._learner_in(db, other_id)
            if keep.nip and other.nip and keep.nip != other.nip:
                raise StoreError(_("Profiles {a} and {b} have different NIPs, so they are two people; "
                                   "they were not merged").format(a=keep_id, b=other_id))
            ids = {"keep": keep_id, "other": other_id}
            reviews = db.execute("UPDATE reviews SET learner_id = :keep WHERE learner_id = :other", ids).rowcount
            # A card both had studied was new to each: its later first answer now follows the earlier answers,
            # so it is an answer to the card in the state the one before it left (introduced once, undo's chain).
            db.execute(
                "UPDATE reviews AS r SET state_before = (SELECT p.state_after FROM reviews p WHERE p.learner_id = "
                ":keep AND p.card_pk = r.card_pk AND p.id < r.id ORDER BY p.id DESC LIMIT 1) "
                "WHERE r.learner_id = :keep AND r.state_before = 0 AND EXISTS (SELECT 1 FROM reviews p "
                "WHERE p.learner_id = :keep AND p.card_pk = r.card_pk AND p.id < r.id)", ids)
            shared = "SELECT 1 FROM card_states o WHERE o.learner_id = :other AND o.card_pk = k.card_pk"
            # NULL last reviews sort first: any review is later than none.
            db.execute(
                "UPDATE card_states AS k SET (state, step, stability, difficulty, due, last_review) = "
                "(SELECT o.state, o.step, o.stability, o.difficulty, o.due, o.last_review FROM card_states o "
                " WHERE o.learner_id = :other AND o.card_pk = k.card_pk) "
                f"WHERE k.learner_id = :keep AND EXISTS ({shared} "
                "AND coalesce(o.last_review, '') > coalesce(k.last_review, ''))", ids)
            both = db.execute(
                "UPDATE card_states AS k SET "
                "reps = k.reps + (SELECT o.reps FROM card_states o WHERE o.learner_id = :other AND o.card_pk = k.card_pk), "
                "lapses = k.lapses + (SELECT o.lapses FROM card_states o WHERE o.learner_id = :other "
                "AND o.card_pk = k.card_pk) "
                f"WHERE k.learner_id = :keep AND EXISTS ({shared})", ids).rowcount
            db.execute("DELETE FROM card_states WHERE learner_id = :other AND card_pk IN "
                       "(SELECT card_pk FROM card_states WHERE learner_id = :keep)", ids)
            moved = db.execute("UPDATE card_states SET learner_id = :keep WHERE learner_id = :other", ids).rowcount
            other_flag = "(SELECT o.{column} FROM card_flags o WHERE o.learner_id = :other AND o.card_pk = k.card_pk)"
            # (no UPDATE ... FROM: SQLite before 3.33, still shipped with some systems, lacks it)
            flags = db.execute(
                f"UPDATE card_flags AS k SET suspended = max(k.suspended, {other_flag.format(column='suspended')}), "
                f"buried_until = CASE WHEN {other_flag.format(column='buried_until')} IS NULL THEN k.buried_until "
                f"WHEN k.buried_until IS NULL THEN {other_flag.format(column='buried_until')} "
                f"ELSE max(k.buried_until, {other_flag.format(column='buried_until')}) END "
                "WHERE k.learner_id = :keep AND EXISTS (SELECT 1 FROM card_flags o WHERE o.learner_id = :other "
                "AND o.card_pk = k.card_pk)", ids).rowcount
            db.execute("DELETE FROM card_flags WHERE learner_id = :other AND card_pk IN "
                       "(SELECT card_pk FROM card_flags WHERE learner_id = :keep)", ids)
            flags += db.execute("UPDATE card_flags SET learner_id = :keep WHERE learner_id = :other", ids).rowcount
            for table, column in self._other_references(db):
                db.execute(f'UPDATE OR IGNORE "{table}" SET "{column}" = :keep WHERE "{column}" = :other', ids)
                db.execute(f'DELETE FROM "{table}" WHERE "{column}" = :other', ids)
            self._note_learner_id(db, other_id)  # never given to a new profile (a terminal may still hold it)
            db.execute("DELETE FROM learners WHERE id = :other", ids)
            db.execute("DELETE FROM daily_activity WHERE learner_id = :other", ids)
            self._recount(db, [keep_id])  # one person's days, from the joined log
            if keep.nip is None and other.nip is not None:
                db.execute("UPDATE learners SET nip = ? WHERE id = ?", [other.nip, keep_id])
        return MergedLearners(self.learner(keep_id), reviews, moved, both, flags)

    def erase_learner(self, learner_id: int) -> ErasedLearner:
        """Delete a person's profile and every row of their history, in one transaction, overwriting it in the file.

        See the module docstring for how the deleted data is kept out of the file's free pages and the
        write-ahead log. Raises StoreError for an unknown id.
        """
        with self._erasing() as db:
            learner = self._learner_in(db, learner_id)
            # the answers' ids (numbers, nothing of the person) stay, so that a merge never brings them back
            db.execute("INSERT OR IGNORE INTO erased_reviews (id) SELECT id FROM reviews WHERE learner_id = ?",
                       [learner_id])
            counts = {table: db.execute(f"DELETE FROM {table} WHERE learner_id = ?", [learner_id]).rowcount
                      for table in _HISTORY_TABLES}
            for table, column in self._other_references(db):
                db.execute(f'DELETE FROM "{table}" WHERE "{column}" = ?', [learner_id])
            self._note_learner_id(db, learner_id)  # never given to a new profile (a terminal may still hold it)
            db.execute("DELETE FROM learners WHERE id = ?", [learner_id])
        return ErasedLearner(learner, counts["reviews"], counts["card_states"], counts["card_flags"],
                             self._empty_log())

    def _empty_log(self) -> bool:
        """Checkpoint the WAL into the database file and truncate it; False when readers kept it from finishing."""
        if str(self.path) == ":memory:":
            return True
        with self.explained():
            busy, _log, _done = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return busy == 0
