"""Undo takes back the last answer and everything it caused, from the drill, the summary and home."""

from __future__ import annotations

import random

from textual.widgets import Static

from vocab_tui.models import LearnerSettings
from vocab_tui.ui.app import VocabApp
from vocab_tui.ui.screens.drill import DrillScreen, LeechScreen
from vocab_tui.ui.screens.home import HomeScreen
from vocab_tui.ui.screens.summary import SummaryScreen

from .conftest import NO_FUZZ
from .helpers import almost_a_leech


def start(workspace, **settings):
    store = workspace.store
    learner = store.add_learner("Budi", "Bappeda")
    learner = store.update_settings(learner.id, LearnerSettings(default_mode="recognition", **settings))
    return learner, VocabApp(workspace, NO_FUZZ, rng=random.Random(3))


def messages(app) -> list[str]:
    """What the learner was told: toasts, and the drill's own note line (a drill says things there)."""
    notes = [str(note.render()) for note in app.screen.query("#drill-note") if note.display]
    return [n.message for n in app._notifications] + notes


HISTORY = 8  # reviews of the card before the session: learned once, then forgotten seven times


async def test_the_last_grade_of_a_session_can_be_taken_back_on_the_summary(workspace):
    learner, app = start(workspace, new_per_day=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "enter")
        drill = app.screen
        term = drill.shown.card.term
        await pilot.press("space", "4")  # a mis-keyed Easy on the only card: straight to the summary
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "Undo last answer" in {b.description for _k, (_n, b, e, _t) in app.screen.active_bindings.items()
                                      if e}
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        assert app.screen.shown.card.term == term and app.screen.phase == "question"
        assert "Last answer taken back." in messages(app)
        assert workspace.store.reviews(learner.id) == []
        await pilot.press("space", "3")  # graded as meant: it comes back in a few minutes
        assert app.screen.shown.card.term == term
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
    assert [r["rating"] for r in workspace.store.reviews(learner.id)] == [3]


async def test_the_last_answer_can_be_taken_back_from_home_until_another_session_starts(workspace):
    learner, app = start(workspace, new_per_day=2)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "enter", "space", "4", "space", "4")
        await pilot.pause()
        second = app.screen  # the summary
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "2 cards studied" in app.screen.query_one("#today", Static).render().plain
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen) and second is not app.screen
        assert len(workspace.store.reviews(learner.id)) == 1
        await pilot.press("escape", "enter")  # leave it unanswered: back home
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "1 card studied" in app.screen.query_one("#today", Static).render().plain
        await pilot.press("u")  # the first answer, too
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        assert workspace.store.reviews(learner.id) == []
        await pilot.press("space", "3", "escape", "enter")
        await pilot.pause()
        # A new session starts: the earlier one can no longer be undone from home.
        await pilot.press("enter", "escape", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert not app.screen.check_action("undo", ())
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert len(workspace.store.reviews(learner.id)) == 1


async def test_undo_after_suspending_a_leech_brings_it_back_unsuspended(workspace, clock):
    learner, app = start(workspace)
    store = workspace.store
    pk = almost_a_leech(workspace.store, clock, learner.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "enter")
        drill = app.screen
        assert drill.shown.pk == pk
        term = drill.shown.card.term
        await pilot.press("space", "1")
        await pilot.pause()
        assert isinstance(app.screen, LeechScreen)
        await pilot.press("s")
        await pilot.pause()
        assert store.is_suspended(learner.id, pk) and store.lapses(learner.id, pk) == 8
        assert f"“{term}” is suspended. You can find it again in Browse." in messages(app)
        await pilot.press("u")
        await pilot.pause()
        assert app.screen is drill and drill.shown.pk == pk and drill.phase == "question"
    assert not store.is_suspended(learner.id, pk)
    assert store.card_flags(learner.id, pk) is None
    assert store.lapses(learner.id, pk) == 7
    assert len(store.reviews(learner.id)) == HISTORY  # only the history from before the session


async def test_a_leech_suspended_as_the_last_card_due_is_gone(workspace, clock):
    learner, app = start(workspace, new_per_day=0)
    store = workspace.store
    pk = almost_a_leech(workspace.store, clock, learner.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "enter")
        term = app.screen.shown.card.term
        await pilot.press("space", "1")
        await pilot.pause()
        assert isinstance(app.screen, LeechScreen)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)  # not the suspended card again
        assert f"“{term}” is suspended. You can find it again in Browse." in messages(app)
        await pilot.press("enter", "enter")  # and a new session has nothing for it either
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "Nothing to study here right now." in messages(app)
    assert store.is_suspended(learner.id, pk)
    assert len(store.reviews(learner.id)) == HISTORY + 1  # the history and the one lapse, nothing more


async def test_suspend_and_bury_in_a_drill_name_the_card_and_are_undone(workspace):
    learner, app = start(workspace)
    store = workspace.store
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "enter")
        drill = app.screen
        first, first_term = drill.shown.pk, drill.shown.card.term
        await pilot.press("s")
        assert f"“{first_term}” is suspended (U takes it back)." in messages(app)
        second, second_term = drill.shown.pk, drill.shown.card.term
        await pilot.press("b")
        assert f"“{second_term}” is buried until tomorrow (U takes it back)." in messages(app)
        assert store.is_suspended(learner.id, first) and store.card_flags(learner.id, second).buried_until
        await pilot.press("u")
        assert drill.shown.pk == second and store.card_flags(learner.id, second) is None
        assert f"“{second_term}” is back in this session." in messages(app)
        await pilot.press("u")
        assert drill.shown.pk == first and store.card_flags(learner.id, first) is None
        await pilot.press("space", "3")
        assert drill.shown.pk == second  # the order is as before
        await pilot.press("space", "3", "b")  # bury after answering: undo takes back both
        third = app.screen.shown.pk if isinstance(app.screen, DrillScreen) else None
        await pilot.press("space", "3")
        answered_third = store.card_state(learner.id, third)
        await pilot.press("u")
        assert drill.shown.pk == third and store.card_state(learner.id, third) is None
        assert answered_third is not None
    assert not store.is_suspended(learner.id, first)
    assert [r["card_pk"] for r in store.reviews(learner.id)] == [first, second]
