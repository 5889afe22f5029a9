"""A profile removed (or joined with another) on another terminal while it is open here: every write for it
says so in plain words and writes nothing; the app goes back to the profile list."""

from __future__ import annotations

import random

import pytest
from fsrs import Rating

from vocab_tui.models import LearnerSettings
from vocab_tui.store import LearnerGoneError, Store
from vocab_tui.study import StudySession
from vocab_tui.ui.app import VocabApp
from vocab_tui.ui.screens.drill import DrillScreen
from vocab_tui.ui.screens.profile import ProfileScreen

from .conftest import NO_FUZZ


def _studied(workspace, clock):
    store = workspace.store
    learner = store.add_learner("Rina", "Diskominfo")
    session = StudySession(store, learner, workspace.deck_ids, clock, NO_FUZZ, mode="recognition")
    session.next_card()
    session.answer(Rating.Good)
    session.next_card()
    session.outcomes()
    return learner, session


def _counts(store: Store) -> tuple:
    return tuple(store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("reviews", "card_states", "card_flags", "daily_activity", "learners"))


@pytest.mark.parametrize("write", ["answer", "undo", "bury", "suspend", "settings", "pin"])
def test_every_write_for_a_profile_erased_elsewhere_says_so(workspace, clock, db_path, write):
    learner, session = _studied(workspace, clock)
    other = Store(db_path, clock)  # another terminal
    other.erase_learner(learner.id)
    other.close()
    store = workspace.store
    before = _counts(store)
    action = {
        "answer": lambda: session.answer(Rating.Good),
        "undo": session.undo,
        "bury": session.bury_current,
        "suspend": session.suspend_current,
        "settings": lambda: store.update_settings(learner.id, LearnerSettings(new_per_day=5)),
        "pin": lambda: store.set_pin(learner.id, "2468"),
    }[write]
    with pytest.raises(LearnerGoneError, match="no longer in the database.*choose your profile again"):
        action()
    assert _counts(store) == before


def test_an_answer_for_a_profile_joined_into_another_is_not_saved_under_the_old_one(workspace, clock, db_path):
    learner, session = _studied(workspace, clock)
    keep = workspace.store.add_learner("Rina Wati", "Diskominfo")
    other = Store(db_path, clock)
    other.merge_learners(keep.id, learner.id)
    other.close()
    with pytest.raises(LearnerGoneError):
        session.answer(Rating.Good)


async def test_the_drill_goes_back_to_the_profile_list_when_the_profile_is_gone(workspace, clock, db_path):
    store = workspace.store
    store.add_learner("Agus", "Bappeda")
    learner = store.add_learner("Rina", "Diskominfo")
    store.update_settings(learner.id, LearnerSettings(default_mode="recognition"))
    app = VocabApp(workspace, NO_FUZZ, rng=random.Random(3))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "down", "enter", "enter")
        assert isinstance(app.screen, DrillScreen)
        assert app.learner.id == learner.id
        other = Store(db_path, clock)
        other.erase_learner(learner.id)
        other.close()
        await pilot.press("space", "3")
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen)
        assert app.learner is None
        told = [n.message for n in app._notifications]
        assert any("no longer in the database" in m for m in told), told
        assert not any("try again" in m for m in told), told
    assert store.db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0


def test_a_removed_profiles_id_is_never_given_to_a_new_profile(workspace, clock, db_path):
    learner, session = _studied(workspace, clock)
    assert learner.id == max(x.id for x in workspace.store.learners())  # the highest: SQLite would reuse it
    other = Store(db_path, clock)
    other.erase_learner(learner.id)
    newcomer = other.add_learner("Tono", "Bappeda")
    other.close()
    assert newcomer.id != learner.id
    with pytest.raises(LearnerGoneError):
        session.answer(Rating.Good)  # the terminal that still shows the removed profile
    assert workspace.store.reviews(newcomer.id) == []


def test_a_joined_profiles_id_is_never_given_again_either(workspace, clock):
    store = workspace.store
    keep = store.add_learner("Rina Wati", "Diskominfo")
    gone = store.add_learner("Rina", "Diskominfo")
    store.merge_learners(keep.id, gone.id)
    assert store.add_learner("Tono", "Bappeda").id not in (keep.id, gone.id)


def test_undo_after_the_profile_was_joined_elsewhere_leaves_the_joined_answer(workspace, clock, db_path):
    store = workspace.store
    keep = store.add_learner("Rina Wati", "Diskominfo")
    learner, session = _studied(workspace, clock)
    other = Store(db_path, clock)
    other.merge_learners(keep.id, learner.id)  # the answer moves to the kept profile
    other.close()
    with pytest.raises(LearnerGoneError):
        session.undo()
    assert len(store.reviews(keep.id)) == 1


async def test_choosing_a_profile_removed_since_the_list_was_shown_says_so(workspace, clock, db_path):
    store = workspace.store
    store.add_learner("Agus", "Bappeda")
    rina = store.add_learner("Rina", "Diskominfo")
    store.set_pin(rina.id, "2468")
    app = VocabApp(workspace, NO_FUZZ, rng=random.Random(3))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        other = Store(db_path, clock)
        other.erase_learner(rina.id)
        other.close()
        await pilot.press("down", "down", "enter")  # Rina, still on this terminal's list
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen) and app.learner is None
        assert any("no longer in the database" in n.message for n in app._notifications)


async def test_the_help_key_opens_help_from_the_profile_search(workspace):
    workspace.store.add_learner("Agus", "Bappeda")
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a", "question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen", app.screen
