"""A database of every earlier schema version opens with the current store and keeps its data (issue 12)."""

from __future__ import annotations

import pytest

from vocab_tui.clock import iso
from vocab_tui.store import APPLICATION_ID, SCHEMA_VERSION, Store

from .history import assert_chain_holds
from .old_schemas import build_old_database


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_a_database_of_each_earlier_schema_keeps_its_data(tmp_path, clock, version):
    path = tmp_path / "old.db"
    expected = build_old_database(path, version)

    store = Store(path, clock)

    assert store.schema_version == SCHEMA_VERSION
    assert store.db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    learners = store.learners()
    assert [(x.id, x.name, x.unit, x.role, x.nip) for x in learners] == [
        (2, "Agus", "", "learner", None), (1, "Siti Rahma", "Diskominfo", "learner", None)]
    assert learners[1].settings.default_mode == ("recognition" if version >= 2 else "mixed")
    rows = list(store.db.query("SELECT * FROM reviews ORDER BY id"))
    wanted = sorted(expected["reviews"], key=lambda r: r["id"])
    assert [row["id"] for row in rows] == [r["id"] for r in wanted]
    for row, want in zip(rows, wanted):
        for column in ("learner_id", "card_pk", "rating", "state_after", "step", "stability", "difficulty", "due"):
            assert row[column] == want[column], (column, row, want)
        if want["interval_days"] is None:
            assert row["interval_days"] is None
        else:
            assert row["interval_days"] == pytest.approx(want["interval_days"], abs=1e-6)
    for (learner_id, pk), card in expected["states"].items():
        state = store.card_state(learner_id, pk)
        assert (state.state, state.step, state.stability, state.difficulty, iso(state.due)) == (
            card.state, card.step, card.stability, card.difficulty, iso(card.due))
    assert store.db.execute("SELECT DISTINCT deck_id FROM card_states").fetchall() == [("spbe",)]
    # the study mode is kept as a number, and read back by name
    assert {row["mode"] for row in store.db.query("SELECT mode FROM reviews")} == {0}
    assert {row["mode"] for row in store.reviews(1)} == {"recognition"}
    if version >= 2:
        assert store.is_suspended(2, 2)
    assert_chain_holds(store)
    # undo works on a migrated history: the state before comes from the previous review's columns
    last = store.reviews(1)[-1]
    restored = store.undo_review(last["id"])
    assert restored is not None and store.card_state(1, last["card_pk"]).stability == restored.stability
    store.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_an_older_file_can_be_merged_and_restored(tmp_path, clock, version):
    """merge and restore migrate an older file in a temporary copy, never the file itself."""
    old = tmp_path / "old.db"
    build_old_database(old, version)
    before = old.read_bytes()
    store = Store(tmp_path / "vocab.db", clock)

    report = store.merge_from(old)

    assert sorted(report.learners_added) == ["Agus", "Siti Rahma (Diskominfo)"] and report.reviews_added == 10
    assert report.cards_added == 3 and report.decks_added == ["spbe"]
    assert old.read_bytes() == before
    store.restore_from(old, tmp_path / "kept.db")
    assert store.schema_version == SCHEMA_VERSION and len(store.reviews(1)) == 6
    assert old.read_bytes() == before
    store.close()
