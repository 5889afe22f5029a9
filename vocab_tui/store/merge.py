"""Bringing an offline terminal's database into this one: its learners, the reviews not yet here, and the
card states those reviews make, worked out again through the scheduler.

What is decided, and why:

- The other file is only read. It is checked like any database at opening (see `checked_copy`) and
  copied through the backup API into a private temporary file, which is migrated when it is older.
- Learners are matched by NIP where the other profile has one, else by name and unit (`same_person_key`).
  A profile that matches two here, or matches one here whose NIP differs, or shares its name and unit
  with another profile of the other file, is skipped and reported, never guessed. A matched learner
  keeps this file's settings, role, PIN and suspend/bury flags (the NIP is filled in when only the other
  file had it); a learner new here is added with theirs (flags included, wrong PIN tries reset).
- Cards are matched by (deck id, card id). A card unknown here is brought in from the other file, retired
  (out of every queue) until its deck file is synced here; a deck unknown here is brought in the same way.
- Reviews are matched by id (globally unique since schema 4). Reviews not here are added.
- Card states are replayed: for every card of a learner the other file has answers for, the union of
  both review logs is walked in order (answered_at, id). Each review keeps a stored after-state when one
  of the two files holds exactly the same history up to and including it (the same reviews, with the
  same states before it): that state is what the scheduler gave on the terminal, fuzz included. Where
  both do with different states (a history once replayed on one side) the smaller is kept, so the
  result does not depend on the direction of the merge. Every other review is graded again from the
  state before it with FSRS, the learner's desired retention, and fuzz OFF: a replay is deterministic,
  so merging A into B and B into A gives the same states. The after-state columns, `state_before` and
  `interval_days` of rewritten reviews follow, so undo's chain (the state before an answer is the state
  after the previous one) holds. The card state is the last review's, with reps and lapses counted
  from the log.
- Everything happens in one write transaction: all or nothing. A dry run rolls it back.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..clock import from_ms, iso, to_ms
from ..i18n import _
from .backup import _TEMP_PREFIX, _connect_read_only, _remove_database, backup_folder
from .core import StoreBase
from .errors import StoreError, database_error, same_person_key

if TYPE_CHECKING:  # the scheduler (fsrs) and sqlite-utils load when a merge runs, not with every Store
    from sqlite_utils import Database

    from ..scheduling import SchedulerSettings

# A review's after-state as stored: state_after, step, stability, difficulty, due (Unix ms).
_After = tuple
_AFTER_COLUMNS = ("state_after", "step", "stability", "difficulty", "due")
# What a review row carries besides its after-state, derived from the state before it.
_BEFORE_COLUMNS = ("state_before", "interval_days")
# Learner columns that are not brought over with a new profile: its id here, and wrong PIN tries.
_LEARNER_LOCAL_COLUMNS = {"id", "pin_failures", "pin_locked_until"}


@dataclass(frozen=True)
class SkippedLearner:
    """A profile of the other file that was not merged, and why (in words)."""

    name: str
    unit: str
    reason: str


@dataclass
class MergeReport:
    """What `Store.merge_from` did (or, in a dry run, would do)."""

    learners_added: list[str] = field(default_factory=list)  # "name (unit)"
    learners_matched: int = 0
    learners_skipped: list[SkippedLearner] = field(default_factory=list)
    reviews_added: int = 0
    reviews_rewritten: int = 0  # reviews whose after-state columns were replayed
    cards_replayed: int = 0  # learner cards whose state was worked out again
    cards_added: int = 0  # cards unknown here, brought in retired
    decks_added: list[str] = field(default_factory=list)
    dry_run: bool = False


class _DryRun(Exception):
    """Raised inside the merge's transaction to roll it back."""


class MergeMixin(StoreBase):
    # -- merging an offline terminal's file ------------------------------------------------------

    def merge_from(self, other_path: Path, *, settings: SchedulerSettings | None = None,
                   dry_run: bool = False) -> MergeReport:
        """Bring the learners and reviews of the vocab-tui database `other_path` into this one.

        See the module's documentation for the rules. `settings`: the scheduler's set-up (fuzz is
        always off in a replay). Raises StoreError (the other file is refused: foreign, newer, damaged,
        this very file) before anything is written; the merge is one transaction.
        """
        from ..scheduling import SchedulerSettings

        other_path = Path(other_path)
        try:
            if other_path.exists() and os.path.samefile(other_path, self.path):
                raise StoreError(_("{path} is this database itself; give the other terminal's file").format(
                    path=other_path))
        except OSError as err:
            raise database_error(err, other_path) from None
        staging = backup_folder(self.path) / f"{_TEMP_PREFIX}merge-{os.getpid()}.db"
        self.checked_copy(other_path, staging)
        report = MergeReport(dry_run=dry_run)
        try:
            other = _connect_read_only(staging)
            other.row_factory = sqlite3.Row
            try:
                with self._writing() as db:
                    _Merge(self, db, other, report, settings or SchedulerSettings()).run()
                    if dry_run:
                        raise _DryRun
            except _DryRun:
                pass
            except sqlite3.Error as err:
                raise database_error(err, other_path) from None
            finally:
                other.close()
        finally:
            _remove_database(staging)
        return report


def _key(value: _After) -> tuple:
    """A total order on stored states (None first), to choose between two equally valid ones."""
    return tuple((item is not None, item if item is not None else 0) for item in value)


class _Merge:
    """One merge, inside the write transaction of `db` (this file), reading `other`."""

    def __init__(self, store: MergeMixin, db: Database, other: sqlite3.Connection, report: MergeReport,
                 settings: SchedulerSettings) -> None:
        self.store, self.db, self.other, self.report = store, db, other, report
        self.settings = replace(settings, enable_fuzzing=False)
        self.now = iso(store.clock.now())
        self.card_map: dict[int, int] = {}
        self.local_cards = {(r[0], r[1]): r[2] for r in db.execute("SELECT deck_id, card_id, pk FROM cards")}
        self.local_decks = {r[0] for r in db.execute("SELECT id FROM decks")}

    def run(self) -> None:
        learners, added = self._match_learners()
        for other_id, local_id in learners.items():
            self._merge_reviews(other_id, local_id)
        for other_id in added:
            self._copy_flags(other_id, learners[other_id])
        if learners:  # their days, counted again from the merged log
            self.store._recount(self.db, sorted(set(learners.values())))

    # -- learners --------------------------------------------------------------------------------

    def _match_learners(self) -> tuple[dict[int, int], set[int]]:
        """Other learner id -> local id, for every profile matched or added; and the ids added."""
        local = [dict(row) for row in self.db.query("SELECT * FROM learners ORDER BY id")]
        by_nip = {row["nip"]: row for row in local if row["nip"]}
        by_key: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for row in local:
            by_key[same_person_key(row["name"], row["unit"] or "")].append(row)
        others = [dict(row) for row in self.other.execute("SELECT * FROM learners ORDER BY id")]
        other_keys: dict[tuple[str, str], int] = defaultdict(int)
        for row in others:
            other_keys[same_person_key(row["name"], row["unit"] or "")] += 1

        matches: dict[int, int] = {}
        to_add: list[dict] = []
        nip_fills: dict[int, str] = {}
        followed: set[int] = set()  # matched through their answers, not their name or NIP

        def add_or_follow(row: dict) -> None:
            """A profile with no match here: the one holding its answers already (two profiles of one person
            joined here with `learners merge`), else a new one."""
            if self._erased_here(row["id"]):
                self._skip(row, _("this person was erased here (learners remove); erase them on that "
                                  "terminal too"))
                return
            owners = self._local_owners(row["id"])
            if len(owners) == 1:
                matches[row["id"]] = owners.pop()
                followed.add(row["id"])
            elif owners:
                self._skip(row, _("its answers are here already, under more than one profile"))
            else:
                to_add.append(row)

        for row in others:
            key = same_person_key(row["name"], row["unit"] or "")
            nip = row["nip"]
            if nip and nip in by_nip:
                matches[row["id"]] = by_nip[nip]["id"]
                continue
            if other_keys[key] > 1 and not nip:
                self._skip(row, _("the other file has more than one profile with this name and unit and no NIP"))
                continue
            candidates = by_key.get(key, [])
            if nip:
                free = [c for c in candidates if not c["nip"]]
                conflicting = [c for c in candidates if c["nip"]]
                if conflicting:
                    self._skip(row, _("a profile with this name and unit here has another NIP"))
                elif len(free) > 1:
                    self._skip(row, _("more than one profile here has this name and unit"))
                elif free:
                    matches[row["id"]] = free[0]["id"]
                    nip_fills[free[0]["id"]] = nip
                else:
                    add_or_follow(row)
            elif len(candidates) > 1:
                self._skip(row, _("more than one profile here has this name and unit"))
            elif candidates:
                matches[row["id"]] = candidates[0]["id"]
            else:
                add_or_follow(row)

        targets: dict[int, list[int]] = defaultdict(list)
        for other_id, local_id in matches.items():
            if other_id not in followed:  # two profiles joined here: both of the other file's may lead to it
                targets[local_id].append(other_id)
        rows_by_id = {row["id"]: row for row in others}
        for local_id, sources in targets.items():
            if len(sources) > 1:
                for other_id in sources:
                    self._skip(rows_by_id[other_id], _("it and another profile of the other file match the "
                                                        "same profile here"))
                    del matches[other_id]
                nip_fills.pop(local_id, None)
        for local_id, nip in nip_fills.items():
            self.db.execute("UPDATE learners SET nip = ? WHERE id = ?", [nip, local_id])
        self.report.learners_matched = len(matches)

        columns = {r[1] for r in self.db.execute("PRAGMA table_info(learners)")} - _LEARNER_LOCAL_COLUMNS
        added: set[int] = set()
        for row in to_add:
            values = {"id": self.store._new_learner_id(self.db),
                      **{name: value for name, value in row.items() if name in columns and name != "id"}}
            self.db.execute(
                f"INSERT INTO learners ({', '.join(values)}) VALUES ({', '.join('?' for _ in values)})",
                list(values.values()))
            matches[row["id"]] = int(values["id"])
            added.add(row["id"])
            self.report.learners_added.append(row["name"] + (f" ({row['unit']})" if row["unit"] else ""))
        return matches, added

    def _erased_here(self, other_id: int) -> bool:
        """Whether every answer of the other file's profile `other_id` (one at least) was erased here."""
        total, erased = self.db.execute(
            "SELECT count(*), count(e.id) FROM json_each(?) j LEFT JOIN erased_reviews e ON e.id = j.value",
            [json.dumps([row[0] for row in self.other.execute(
                "SELECT id FROM reviews WHERE learner_id = ?", [other_id])])]).fetchone()
        return total > 0 and erased == total

    def _local_owners(self, other_id: int) -> set[int]:
        """The profiles here that hold answers of the other file's profile `other_id` (review ids are global)."""
        ids = [row[0] for row in self.other.execute("SELECT id FROM reviews WHERE learner_id = ?", [other_id])]
        return {row[0] for row in self.db.execute(
            "SELECT DISTINCT learner_id FROM reviews WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(ids)])}

    def _skip(self, row: dict, reason: str) -> None:
        self.report.learners_skipped.append(SkippedLearner(row["name"], row["unit"] or "", reason))

    # -- cards -----------------------------------------------------------------------------------

    def _local_card(self, other_pk: int) -> int:
        """This file's key of the other file's card `other_pk`; a card unknown here is brought in, retired."""
        if other_pk in self.card_map:
            return self.card_map[other_pk]
        card = dict(self.other.execute("SELECT * FROM cards WHERE pk = ?", [other_pk]).fetchone())
        key = (card["deck_id"], card["card_id"])
        if key not in self.local_cards:
            if card["deck_id"] not in self.local_decks:
                deck = dict(self.other.execute("SELECT * FROM decks WHERE id = ?", [card["deck_id"]]).fetchone())
                # no source or content hash: the deck's file, once here, is synced over it
                self.db.execute("INSERT INTO decks (id, title, description, version) VALUES (?, ?, ?, ?)",
                                [deck["id"], deck["title"], deck["description"], deck["version"]])
                self.local_decks.add(deck["id"])
                self.report.decks_added.append(deck["id"])
            card.pop("pk")
            card["retired_at"] = card["retired_at"] or self.now
            columns = {r[1] for r in self.db.execute("PRAGMA table_info(cards)")}
            values = {name: value for name, value in card.items() if name in columns}
            cursor = self.db.execute(
                f"INSERT INTO cards ({', '.join(values)}) VALUES ({', '.join('?' for _ in values)})",
                list(values.values()))
            self.local_cards[key] = int(cursor.lastrowid)
            self.report.cards_added += 1
        self.card_map[other_pk] = self.local_cards[key]
        return self.local_cards[key]

    def _copy_flags(self, other_id: int, local_id: int) -> None:
        for row in self.other.execute("SELECT * FROM card_flags WHERE learner_id = ?", [other_id]).fetchall():
            self.db.execute(
                "INSERT OR IGNORE INTO card_flags (learner_id, card_pk, suspended, buried_until) VALUES (?, ?, ?, ?)",
                [local_id, self._local_card(row["card_pk"]), row["suspended"], row["buried_until"]])

    # -- reviews and replay ----------------------------------------------------------------------

    def _merge_reviews(self, other_id: int, local_id: int) -> None:
        theirs: dict[int, list[dict]] = defaultdict(list)  # local card pk -> the other file's log, in order
        for row in self.other.execute(
                "SELECT * FROM reviews WHERE learner_id = ? ORDER BY answered_at, id", [other_id]).fetchall():
            theirs[self._local_card(row["card_pk"])].append(dict(row))
        # answers here already under another profile (moved there by `learners merge`), or erased here with
        # their person, are not brought again
        wanted = json.dumps([row["id"] for rows in theirs.values() for row in rows])
        elsewhere = {row[0] for row in self.db.execute(
            "SELECT id FROM reviews WHERE learner_id != ? AND id IN (SELECT value FROM json_each(?)) "
            "UNION SELECT id FROM erased_reviews WHERE id IN (SELECT value FROM json_each(?))",
            [local_id, wanted, wanted])}
        if elsewhere:
            theirs = defaultdict(list, {card: kept for card, rows in theirs.items()
                                        if (kept := [row for row in rows if row["id"] not in elsewhere])})
        if not theirs:
            return
        ours: dict[int, list[dict]] = defaultdict(list)
        for row in self.db.query("SELECT * FROM reviews WHERE learner_id = ? ORDER BY answered_at, id", [local_id]):
            ours[row["card_pk"]].append(row)
        present = {row["id"] for rows in ours.values() for row in rows}
        retention = self.db.execute("SELECT desired_retention FROM learners WHERE id = ?", [local_id]).fetchone()[0]
        from ..scheduling import make_scheduler

        scheduler = make_scheduler(self.settings, retention if retention is not None else 0.9)
        columns = None
        for card_pk, other_log in theirs.items():
            new = [{**row, "learner_id": local_id, "card_pk": card_pk} for row in other_log if row["id"] not in present]
            local_log = ours.get(card_pk, [])
            if not new and _same_prefix(other_log, local_log):
                continue  # the other file's log of this card is the start of ours: nothing to bring or change
            if new:
                columns = columns or list(new[0])
                self.db.conn.executemany(
                    f"INSERT INTO reviews ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                    [[row[name] for name in columns] for row in new])
            self.report.reviews_added += len(new)
            self._replay(scheduler, local_id, card_pk, local_log, other_log, new)

    def _replay(self, scheduler, learner_id: int, card_pk: int, ours: list[dict], theirs: list[dict],
                new: list[dict]) -> None:
        """Work out the after-states of the union of both logs of one card, and the card state they end in."""
        from fsrs import Rating, State

        union = sorted({row["id"]: row for row in [*ours, *theirs]}.values(), key=lambda r: (r["answered_at"], r["id"]))
        stored = {row["id"]: row for row in ours}
        stored.update({row["id"]: row for row in new})
        logs = [ours, theirs]
        valid = [True, True]
        chosen: list[dict] = []  # per union position: the after and before columns it ends with
        for i, row in enumerate(union):
            candidates = []
            for f, log in enumerate(logs):
                if valid[f] and i < len(log) and log[i]["id"] == row["id"] and (
                        i == 0 or _after(log[i - 1]) == _after(chosen[i - 1])):
                    candidates.append({name: log[i][name] for name in (*_AFTER_COLUMNS, *_BEFORE_COLUMNS)})
                else:
                    valid[f] = False
            if len(candidates) == 1 or (len(candidates) == 2 and candidates[0] == candidates[1]):
                chosen.append(candidates[0])
            elif candidates:
                chosen.append(min(candidates, key=lambda c: _key(tuple(c[n] for n in (*_AFTER_COLUMNS,
                                                                                       *_BEFORE_COLUMNS)))))
            else:  # position 0 always has a candidate: the file holding the earliest review
                chosen.append(self._grade(scheduler, card_pk, chosen[i - 1], union[i - 1]["answered_at"], row))
        rewritten = 0
        for row, result in zip(union, chosen):
            current = stored[row["id"]]
            if any(current[name] != result[name] for name in result):
                self.db.execute(
                    f"UPDATE reviews SET {', '.join(f'{name} = ?' for name in result)} WHERE id = ?",
                    [*result.values(), row["id"]])
                rewritten += 1
        # a review added as it was in the other file is no replay: count only the rewritten ones
        self.report.reviews_rewritten += rewritten
        if not new and not rewritten:
            return  # nothing came in and nothing changed: the card state stays as it is
        self.report.cards_replayed += 1
        last = chosen[-1]
        lapses = sum(1 for row, result in zip(union, chosen)
                     if result["state_before"] == int(State.Review) and row["rating"] == int(Rating.Again))
        self.db.execute(
            """
            INSERT INTO card_states (learner_id, card_pk, state, step, stability, difficulty, due, last_review,
                reps, lapses, deck_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT deck_id FROM cards WHERE pk = ?))
            ON CONFLICT (learner_id, card_pk) DO UPDATE SET
                state = excluded.state, step = excluded.step, stability = excluded.stability,
                difficulty = excluded.difficulty, due = excluded.due, last_review = excluded.last_review,
                reps = excluded.reps, lapses = excluded.lapses, deck_id = excluded.deck_id
            """,
            [learner_id, card_pk, last["state_after"], last["step"], last["stability"], last["difficulty"],
             iso(from_ms(last["due"])), iso(from_ms(union[-1]["answered_at"])), len(union), lapses, card_pk],
        )

    @staticmethod
    def _grade(scheduler, card_pk: int, before: dict, last_review: int, row: dict) -> dict:
        """The review `row` graded again from the state `before` (a previous review's after-state)."""
        from fsrs import Card as FSRSCard
        from fsrs import Rating, State

        from ..scheduling import grade

        card = FSRSCard(card_id=card_pk, state=State(before["state_after"]), step=before["step"],
                        stability=before["stability"], difficulty=before["difficulty"], due=from_ms(before["due"]),
                        last_review=from_ms(last_review))
        after = grade(scheduler, card, card_pk, Rating(row["rating"]), from_ms(row["answered_at"]))
        shown = round((card.due - card.last_review).total_seconds() * 1000) / 86400000
        return {"state_after": int(after.state), "step": after.step, "stability": after.stability,
                "difficulty": after.difficulty, "due": to_ms(after.due), "state_before": int(card.state),
                "interval_days": shown}


def _after(row: dict) -> _After:
    return tuple(row[name] for name in _AFTER_COLUMNS)


def _same_prefix(theirs: list[dict], ours: list[dict]) -> bool:
    """Whether the log `theirs` is the start of the log `ours`: the same reviews with the same stored columns."""
    if len(theirs) > len(ours):
        return False
    names = ("id", *_AFTER_COLUMNS, *_BEFORE_COLUMNS)
    return all(a[name] == b[name] for a, b in zip(theirs, ours) for name in names)
