from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from fsrs import Rating, State

from vocab_tui.decks import load_decks
from vocab_tui.store import SCHEMA_VERSION, Store, StoreError
from vocab_tui.study import StudySession

from .conftest import NO_FUZZ, REPO
from .helpers import write_deck


def test_a_new_file_is_migrated_to_the_current_schema(tmp_path, clock):
    path = tmp_path / "sub" / "dir" / "v.db"
    store = Store(path, clock)
    assert path.exists()
    assert store.schema_version == SCHEMA_VERSION
    assert {"learners", "decks", "cards", "card_states", "reviews"} <= set(store.db.table_names())
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    store.add_learner("Siti", "Diskominfo")
    store.close()
    again = Store(path, clock)  # reopening migrates nothing and keeps the data
    assert [x.name for x in again.learners()] == ["Siti"]


def test_a_database_from_a_newer_version_is_refused_with_a_clear_message(db_path, clock):
    Store(db_path, clock).db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer version"):
        Store(db_path, clock)


def test_a_file_that_is_not_a_database_gets_a_clear_message_and_is_left_alone(tmp_path, clock):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is a shopping list, not a database\n" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a vocab-tui database"):
        Store(path, clock)
    assert path.read_bytes() == before


def test_a_folder_given_as_the_database_path_is_explained(tmp_path, clock):
    with pytest.raises(StoreError, match="is a folder"):
        Store(tmp_path, clock)


def _sync(store: Store, folder: Path) -> None:
    store.sync_decks(load_decks([folder]).decks)


def test_edited_cards_keep_progress_and_removed_cards_are_retired_not_deleted(tmp_path, clock):
    folder = tmp_path / "decks"
    write_deck(folder, "office", 5)
    store = Store(tmp_path / "v.db", clock)
    _sync(store, folder)
    learner = store.add_learner("Budi")
    session = StudySession(store, learner, ["office"], clock, NO_FUZZ)
    answered = {}
    while (card := session.next_card()) is not None and len(answered) < 3:
        session.answer(Rating.Good)
        answered[card.stored.card.term] = card.pk

    write_deck(folder, "office", 5, skip={0}, edits={1: "kata satu (diperbaiki)"})
    _sync(store, folder)
    retired = store.card(answered["word0"])
    assert store.db.execute("SELECT retired_at FROM cards WHERE pk = ?", [retired.pk]).fetchone()[0]
    assert store.card_state(learner.id, retired.pk) is not None  # history and state stay
    assert any(r["card_pk"] == retired.pk for r in store.reviews(learner.id))
    edited = store.card(answered["word1"])
    assert edited.card.translation == "kata satu (diperbaiki)"
    assert store.card_state(learner.id, edited.pk) is not None  # same identity, same progress
    week = clock.now() + timedelta(days=7)
    counts = {c.deck_id: c for c in store.deck_counts(learner.id, ["office"], clock.now(), week)}
    assert counts["office"].total == 4
    # the retired card is out of every count and queue: 2 studied cards left, both in learning or due
    assert counts["office"].new == 2 and counts["office"].learning + counts["office"].due == 2
    assert store.due_before(learner.id, ["office"], week) == 2
    assert retired.pk not in {c.card_id for c in store.due_states(learner.id, ["office"], tuple(State), week)}

    write_deck(folder, "office", 5)  # the card comes back: un-retired, with its old progress
    _sync(store, folder)
    assert store.db.execute("SELECT retired_at FROM cards WHERE pk = ?", [retired.pk]).fetchone()[0] is None
    assert store.card_state(learner.id, retired.pk) is not None
    assert store.due_before(learner.id, ["office"], week) == 3
    assert retired.pk in {c.card_id for c in store.due_states(learner.id, ["office"], tuple(State), week)}


def test_unchanged_deck_files_are_not_written_again(tmp_path, clock):
    folder = tmp_path / "decks"
    write_deck(folder, "office", 3)
    store = Store(tmp_path / "v.db", clock)
    assert store.sync_decks(load_decks([folder]).decks) == ["office"]
    assert store.sync_decks(load_decks([folder]).decks) == []


KILL_SCRIPT = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timezone
    from pathlib import Path
    from fsrs import Rating, State
    from vocab_tui.clock import FixedClock
    from vocab_tui.scheduling import SchedulerSettings
    from vocab_tui.study import StudySession
    from vocab_tui.workspace import open_workspace

    clock = FixedClock(datetime(2026, 11, 2, 2, tzinfo=timezone.utc))
    ws = open_workspace(Path(sys.argv[1]), [Path(sys.argv[2])], clock)
    learner = ws.store.add_learner("Killed")
    session = StudySession(ws.store, learner, ws.deck_ids, clock, SchedulerSettings(enable_fuzzing=False))
    n = 0
    while True:
        card = session.next_card()
        if card is None:
            session = StudySession(ws.store, learner, ws.deck_ids, clock, SchedulerSettings(enable_fuzzing=False))
            clock.advance(days=1)
            continue
        clock.advance(seconds=3)
        session.answer(Rating.Good)
        n += 1
        print(n, card.pk, flush=True)
    """
)


def test_killing_the_process_mid_session_loses_no_answered_card(tmp_path):
    folder = tmp_path / "decks"
    write_deck(folder, "big", 200)
    db = tmp_path / "v.db"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(db), str(folder)],
        stdout=subprocess.PIPE, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    reported = 0
    assert proc.stdout is not None
    for line in proc.stdout:
        reported = int(line.split()[0])
        if reported >= 40:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    import sqlite3

    conn = sqlite3.connect(db)
    saved = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    states = conn.execute("SELECT count(*) FROM card_states").fetchone()[0]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Every answer the process reported had already been committed when it was reported.
    assert saved >= reported >= 40
    assert states >= 1


def test_queue_and_counts_use_indexes_not_scans_of_the_review_log(store):
    plans = {
        "due": "SELECT s.* FROM card_states s JOIN cards c ON c.pk = s.card_pk WHERE s.learner_id = 1 "
        "AND s.state IN (1, 3) AND s.due < 'x' AND c.retired_at IS NULL",
        "today": "SELECT count(*) FROM reviews WHERE learner_id = 1 AND answered_at >= 'x'",
        "new": "SELECT c.pk FROM cards c WHERE c.deck_id = 'mini' AND c.retired_at IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM card_states s WHERE s.learner_id = 1 AND s.card_pk = c.pk) ORDER BY c.position LIMIT 20",
    }
    for name, sql in plans.items():
        plan = " ".join(row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + sql).fetchall())
        assert "SCAN reviews" not in plan, (name, plan)
        assert "SCAN s" not in plan and "SCAN card_states" not in plan, (name, plan)


def test_unchanged_deck_files_are_not_parsed_again_at_start_up(tmp_path, clock, monkeypatch):
    from vocab_tui import decks as decks_module
    from vocab_tui.workspace import open_workspace

    folder = tmp_path / "decks"
    write_deck(folder, "alpha", 3)
    write_deck(folder, "beta", 2)
    first = open_workspace(tmp_path / "v.db", [folder], clock)
    assert first.deck_ids == ["alpha", "beta"]
    first.store.close()
    parsed = []
    real = decks_module.check_deck
    monkeypatch.setattr(decks_module, "check_deck", lambda path, raw=None: parsed.append(path.name) or real(path, raw))
    write_deck(folder, "beta", 4)  # only this file changed
    again = open_workspace(tmp_path / "v.db", [folder], clock)
    assert again.deck_ids == ["alpha", "beta"]
    assert parsed == ["beta.yaml"]
    assert [d.card_count for d in again.store.decks(["alpha", "beta"])] == [3, 4]


def test_a_version_1_database_is_migrated_forward_keeping_its_data(tmp_path, clock):
    import sqlite3

    from sqlite_utils import Database

    from vocab_tui.store import MIGRATIONS

    path = tmp_path / "old.db"
    old = Database(sqlite3.connect(path))
    MIGRATIONS[0](old)  # the database as the first release made it
    old.execute("PRAGMA user_version = 1")
    old["learners"].insert({"name": "Siti", "unit": "Dinkes", "created_at": "2026-01-05T01:00:00.000+00:00"})
    old.conn.commit()
    old.close()

    store = Store(path, clock)
    assert store.schema_version == SCHEMA_VERSION
    [siti] = store.learners()
    assert (siti.name, siti.unit, siti.settings.default_mode) == ("Siti", "Dinkes", "mixed")
    assert "card_flags" in store.db.table_names()


def test_a_deck_parsed_before_a_trainer_saved_it_never_overwrites_the_newer_version(tmp_path, clock):
    folder = tmp_path / "decks"
    write_deck(folder, "office", 3)
    late = load_decks([folder]).decks  # this terminal parsed the old file ...
    write_deck(folder, "office", 3, edits={1: "kata baru"})  # ... then the trainer saved a new version
    first = Store(tmp_path / "vocab.db", clock)
    first.sync_decks(load_decks([folder]).decks)  # another terminal started and stored it
    second = Store(tmp_path / "vocab.db", clock)
    assert second.sync_decks(late) == []  # the late terminal's old parse is not written back
    row = second.db.execute("SELECT translation FROM cards WHERE card_id = 'word1'").fetchone()
    assert row[0] == "kata baru"
    first.close()
    second.close()


# -- multiple-choice candidates -----------------------------------------------------------------


def _deck_with_parts(folder: Path, deck_id: str, parts: list[str | None]) -> None:
    import yaml

    cards = []
    for i, part in enumerate(parts):
        card = {"term": f"{deck_id}{i}", "translation": f"arti{deck_id}{i}", "definition": f"Meaning {i}.",
                "example": f"We use {deck_id}{i} at the office."}
        if part:
            card["part_of_speech"] = part
        cards.append(card)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{deck_id}.yaml").write_text(
        yaml.safe_dump({"deck": {"id": deck_id, "title": deck_id}, "cards": cards}, sort_keys=False), encoding="utf-8")


def _candidates_store(tmp_path, clock, parts, other=None):
    import random

    folder = tmp_path / "decks"
    _deck_with_parts(folder, "big", parts)
    if other:
        _deck_with_parts(folder, "other", other)
    store = Store(tmp_path / "c.db", clock)
    store.sync_decks(load_decks([folder]).decks)
    return store, random


def test_choice_candidates_are_a_small_sample_of_the_same_part_of_speech(tmp_path, clock):
    parts = ["noun", "verb", "verb", "adjective"] * 50  # 50 nouns among 200 cards
    store, random = _candidates_store(tmp_path, clock, parts)
    target = store.card(1)  # a noun
    seen_terms = set()
    for seed in range(20):
        picked = store.choice_candidates(target, ["big"], random.Random(seed), per_group=6)
        assert 1 <= len(picked) <= 6
        assert all(c.part_of_speech == "noun" and c.deck_id == "big" for c in picked)
        assert target.card.id not in {c.id for c in picked}
        assert len({c.id for c in picked}) == len(picked)
        seen_terms.update(c.term for c in picked)
    assert len(seen_terms) > 30  # random draws spread over the deck, not the same run of cards
    first = store.choice_candidates(target, ["big"], random.Random(7))
    assert store.choice_candidates(target, ["big"], random.Random(7)) == first
    store.close()


def test_choice_candidates_fall_back_to_other_parts_then_other_decks(tmp_path, clock):
    store, random = _candidates_store(tmp_path, clock, ["noun", "verb", "verb"], other=["noun"] * 10)
    target = store.card(1)
    picked = store.choice_candidates(target, ["big", "other"], random.Random(3), per_group=4)
    same_deck = [c for c in picked if c.deck_id == "big"]
    assert sorted(c.part_of_speech for c in same_deck) == ["verb", "verb"]
    assert 1 <= len([c for c in picked if c.deck_id == "other"]) <= 4
    assert target.card.id not in {c.id for c in same_deck}
    store.close()


def test_choice_candidates_skip_retired_cards(tmp_path, clock):
    store, random = _candidates_store(tmp_path, clock, ["noun"] * 6)
    store.db.execute("UPDATE cards SET retired_at = '2026-01-01T00:00:00.000+00:00' WHERE pk IN (2, 3, 4)")
    picked = store.choice_candidates(store.card(1), ["big"], random.Random(1))
    assert sorted(c.term for c in picked) == ["big4", "big5"]
    store.close()


def test_due_reviews_come_in_the_order_of_order_reviews_and_stop_at_the_limit(tmp_path, clock):
    """The SQL order (whole days elapsed / stability, descending) is FSRS-6's retrievability order."""
    import random as random_module
    from datetime import timedelta

    from fsrs import State

    from vocab_tui.clock import iso
    from vocab_tui.scheduling import SchedulerSettings, make_scheduler, order_reviews

    folder = tmp_path / "decks"
    write_deck(folder, "office", 300)
    store = Store(tmp_path / "r.db", clock)
    store.sync_decks(load_decks([folder]).decks)
    learner = store.add_learner("Sari", "Bappeda")
    now = clock.now()
    rng = random_module.Random(5)
    rows = []
    for pk in range(1, 301):
        last = now - timedelta(days=rng.choice([0, 1, 2, 3, 5, 8, 13, 40]), hours=rng.randint(0, 23))
        stability = rng.choice([0.5, 1.0, 2.5, 4.0, 10.0, 33.3])
        due = now - timedelta(days=rng.randint(-3, 9), minutes=rng.randint(0, 59))
        rows.append((learner.id, pk, int(State.Review), None, stability, 5.0, iso(due),
                     None if pk % 37 == 0 else iso(last)))
    store.db.conn.executemany(
        "INSERT INTO card_states (learner_id, card_pk, state, step, stability, difficulty, due, last_review, "
        "deck_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'office')", rows)
    store.db.conn.commit()
    before = now + timedelta(days=1)
    scheduler = make_scheduler(SchedulerSettings())
    expected = order_reviews(store.due_states(learner.id, ["office"], (State.Review,), before), scheduler, now)
    got = store.due_reviews(learner.id, ["office"], before, now, None)
    assert len(expected) > 150
    assert [c.card_id for c in got] == [c.card_id for c in expected]
    assert [c.card_id for c in store.due_reviews(learner.id, ["office"], before, now, 25)] == [
        c.card_id for c in expected[:25]]
    assert store.due_reviews(learner.id, ["office"], before, now, 0) == []
    store.close()
