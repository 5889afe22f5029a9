"""Databases as earlier releases wrote them: schema v1 to v4 files with realistic rows, for migration tests."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from fsrs import Card as FSRSCard
from fsrs import Rating
from sqlite_utils import Database

from vocab_tui.clock import iso, to_ms
from vocab_tui.scheduling import grade, make_scheduler
from vocab_tui.store import APPLICATION_ID, MIGRATIONS

from .conftest import NO_FUZZ, START

# (learner, card position, rating, minutes after START) of the answers every old file holds, in order.
ANSWERS = [
    (1, 0, 3, 0), (1, 0, 3, 2), (1, 0, 3, 15), (1, 0, 3, 60 * 24 * 3), (1, 1, 1, 5), (1, 1, 3, 8),
    (2, 0, 4, 30), (2, 2, 2, 31), (2, 2, 3, 40), (2, 2, 1, 60 * 24 * 2),
]
CARDS = [("spbe-001", "e-government", "pemerintahan digital"), ("spbe-002", "interoperability", "interoperabilitas"),
         ("spbe-003", "data center", "pusat data")]


def build_old_database(path: Path, version: int) -> dict:
    """A file of schema `version` (1-4) holding two learners, a deck, three cards, their states and ten reviews
    as that release stored them (v1-v3: with JSON card_before/card_after; v4: the v3 file taken through the
    v4 migration, times as text). Returns what the file holds, as a newer release must read it: per review
    (by answer order) its expected id, interval and state after (due in Unix ms)."""
    assert 1 <= version <= 4
    if version == 4:
        found = build_old_database(path, 3)
        db = Database(path, execute_plugins=False)
        with db.conn:
            MIGRATIONS[3](db)
            db.execute("PRAGMA user_version = 4")
        db.close()
        return found
    db = Database(path, execute_plugins=False)
    for migrate in MIGRATIONS[:version]:
        migrate(db)
    learner = {"created_at": iso(START), "new_per_day": 20, "reviews_per_day": 200, "desired_retention": 0.9}
    extra = {"default_mode": "recognition"} if version >= 2 else {}
    db["learners"].insert({"id": 1, "name": "Siti Rahma", "unit": "Diskominfo", **learner, **extra})
    db["learners"].insert({"id": 2, "name": "Agus", "unit": "", **learner, **extra})
    db["decks"].insert({"id": "spbe", "title": "SPBE", "description": "", "version": "1", "source": "/decks/spbe.yaml",
                        "content_hash": "old", "synced_at": iso(START)})
    for position, (card_id, term, translation) in enumerate(CARDS):
        db["cards"].insert({"pk": position + 1, "deck_id": "spbe", "card_id": card_id, "position": position,
                            "term": term, "translation": translation, "definition": f"The {term}.",
                            "example": f"We use {term}.", "tags": "[]"})
    scheduler = make_scheduler(NO_FUZZ)
    states: dict[tuple[int, int], tuple[FSRSCard | None, int]] = {}
    expected = []
    for n, (learner_id, position, rating, minutes) in enumerate(ANSWERS):
        pk = position + 1
        when = START + timedelta(minutes=minutes)
        before, reps = states.get((learner_id, pk), (None, 0))
        after = grade(scheduler, before, pk, Rating(rating), when)
        states[(learner_id, pk)] = (after, reps + 1)
        old_id = 1000 + n  # an old autoincrement id
        db["reviews"].insert({
            "id": old_id, "learner_id": learner_id, "card_pk": pk, "rating": rating, "answered_at": iso(when),
            "duration_ms": 2000, "mode": "recognition", "state_before": 0 if before is None else int(before.state),
            "state_after": int(after.state), "card_before": json.dumps(before.to_dict()) if before else None,
            "card_after": json.dumps(after.to_dict()),
        })
        millis = int(round(when.timestamp() * 1000))
        shown = None if before is None else (before.due - before.last_review).total_seconds() / 86400
        expected.append({"id": (millis << 20) | (old_id & ((1 << 20) - 1)), "learner_id": learner_id, "card_pk": pk,
                         "rating": rating, "interval_days": shown, "state_after": int(after.state), "step": after.step,
                         "stability": after.stability, "difficulty": after.difficulty, "due": to_ms(after.due)})
    for (learner_id, pk), (card, reps) in states.items():
        db["card_states"].insert({"learner_id": learner_id, "card_pk": pk, "state": int(card.state), "step": card.step,
                                  "stability": card.stability, "difficulty": card.difficulty, "due": iso(card.due),
                                  "last_review": iso(card.last_review), "reps": reps, "lapses": 0})
    if version >= 2:
        db["card_flags"].insert({"learner_id": 2, "card_pk": 2, "suspended": 1, "buried_until": None})
    db.execute(f"PRAGMA user_version = {version}")
    if version >= 3:  # releases before schema 3 did not mark their files
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.conn.commit()
    db.close()
    return {"reviews": expected, "states": {key: card for key, (card, _reps) in states.items()}}


def at(moment: datetime) -> str:
    return iso(moment)
