"""The app driven as a learner would, with Pilot, then the database checked."""

from __future__ import annotations

from textual.widgets import DataTable, OptionList, Static

import random

from vocab_tui.models import LearnerSettings
from vocab_tui.modes import Mode
from vocab_tui.ui.app import VocabApp
from vocab_tui.ui.screens.drill import DrillScreen
from vocab_tui.ui.screens.home import HomeScreen
from vocab_tui.ui.screens.profile import NewProfileScreen, ProfileScreen
from vocab_tui.ui.screens.summary import SummaryScreen

from .conftest import NO_FUZZ


def visible(widget: Static) -> str:
    """The text a learner sees in a widget (markup rendered away)."""
    return widget.render().plain


def text(app, selector: str) -> str:
    return visible(app.screen.query_one(selector, Static))


async def test_a_whole_session_from_new_profile_to_summary(workspace, clock):
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NewProfileScreen)  # the first start asks for a profile at once
        await pilot.press("enter")  # no name yet: refused with a message
        assert "name" in text(app, "#dialog-error")
        await pilot.press(*"Siti Rahma", "enter")
        await pilot.press(*"Diskominfo", "enter", "enter")  # no NIP
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#decks", DataTable)
        assert [str(cell) for cell in table.get_row_at(0)[:4]] == ["All decks", "8", "0", "0"]

        await pilot.press("enter")
        assert isinstance(app.screen, DrillScreen)
        assert not app.screen.query_one("#answer").display
        for _ in range(10):
            drill = app.screen
            assert text(app, "#term")
            clock.advance(seconds=6)
            if drill.shown.mode == Mode.CHOICE:  # new cards start as multiple choice
                right = 1 + [o.id for o in drill.shown.options].index(drill.shown.card.id)
                await pilot.press(str(right))
                assert "✓" in text(app, "#feedback")
                await pilot.press("enter")
            else:  # a card coming back from learning is flipped and self-graded
                await pilot.press("space")
                assert app.screen.query_one("#answer").display
                assert "Good" in text(app, "#grade-3")
                await pilot.press("3")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        rows = [" ".join(visible(w).split()) for w in app.screen.query(".summary-row")]
        assert rows[:3] == ["Cards studied 10", "Remembered 100%", "Time spent 1 min 0 s"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "10 cards studied" in text(app, "#today")

    store = workspace.store
    [learner] = store.learners()
    assert (learner.name, learner.unit) == ("Siti Rahma", "Diskominfo")
    reviews = store.reviews(learner.id)
    assert len(reviews) == 10
    assert {r["rating"] for r in reviews} == {3}
    assert all(r["duration_ms"] == 6000 for r in reviews)
    assert {r["mode"] for r in reviews} <= {"choice", "recognition"}
    assert reviews[0]["mode"] == "choice"


def learner_with_mode(workspace, mode: str):
    learner = workspace.store.add_learner("Budi", "Bappeda")
    return workspace.store.update_settings(learner.id, LearnerSettings(default_mode=mode))


async def test_grades_are_refused_until_the_answer_is_shown(workspace):
    learner = learner_with_mode(workspace, "recognition")
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")  # choose Budi
        await pilot.press("enter")  # study all decks
        await pilot.press("3")
        assert workspace.store.reviews(learner.id) == []
        await pilot.press("space", "1")
        assert len(workspace.store.reviews(learner.id)) == 1


async def test_every_answer_is_saved_before_the_next_card_shows(workspace):
    learner = learner_with_mode(workspace, "recognition")
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "enter")
        for n in range(1, 4):
            await pilot.press("space", "4")
            other = workspace.store.__class__(workspace.store.path, workspace.clock)  # another reader
            assert len(other.reviews(learner.id)) == n
            other.close()


async def test_help_lists_the_keys_of_the_current_screen(workspace):
    learner_with_mode(workspace, "recognition")
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "enter", "question_mark")
        shown = " ".join(visible(w) for w in app.screen.query(Static))
        assert "Show answer" in shown and "End session" in shown and "Quit" in shown
        await pilot.press("escape")
        assert isinstance(app.screen, DrillScreen)


async def test_a_skipped_deck_is_announced(tmp_path, clock):
    from vocab_tui.workspace import open_workspace

    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "broken.yaml").write_text("deck:\n  id: broken\ncards: [\n", encoding="utf-8")
    ws = open_workspace(tmp_path / "v.db", [folder], clock)
    app = VocabApp(ws, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("broken.yaml was skipped" in m for m in messages)
        await pilot.press("escape")  # not now: back to the profile list
        assert isinstance(app.screen, ProfileScreen)
        assert app.screen.query_one(OptionList).option_count == 1  # only "+ New profile"
