"""Each study mode, undo, leeches and the learner's other screens, driven with Pilot."""

from __future__ import annotations

import random

from fsrs import Rating
from textual.widgets import DataTable, Input, Static

from vocab_tui.models import LearnerSettings
from vocab_tui.study import StudySession
from vocab_tui.ui.app import VocabApp
from vocab_tui.ui.screens.browse import BrowseScreen
from vocab_tui.ui.screens.drill import DrillScreen, LeechScreen
from vocab_tui.ui.screens.home import HomeScreen
from vocab_tui.ui.screens.settings import SettingsScreen
from vocab_tui.ui.screens.stats import StatsScreen

from .conftest import NO_FUZZ
from .helpers import almost_a_leech


def visible(app, selector: str) -> str:
    return app.screen.query_one(selector, Static).render().plain


def start(workspace, mode: str = "mixed", **settings):
    learner = workspace.store.add_learner("Budi", "Bappeda")
    learner = workspace.store.update_settings(learner.id, LearnerSettings(default_mode=mode, **settings))
    return learner, VocabApp(workspace, NO_FUZZ, rng=random.Random(3))


async def open_drill(pilot):
    await pilot.press("down", "enter", "enter")  # choose the profile, study all decks
    await pilot.pause()
    assert isinstance(pilot.app.screen, DrillScreen)
    return pilot.app.screen


async def test_typed_answer_right_near_and_wrong(workspace):
    learner, app = start(workspace, "typed")
    async with app.run_test(size=(80, 24)) as pilot:
        drill = await open_drill(pilot)
        # The prompt is the Indonesian; the learner types the English.
        assert visible(app, "#term") == drill.shown.card.translation
        term = drill.shown.card.term
        await pilot.press(*f"  {term.upper()} ", "enter")
        assert "✓ Correct" in visible(app, "#feedback")
        await pilot.press("enter")
        term = drill.shown.card.term
        near = term[:-1] if len(term) > 5 else term + "x"
        await pilot.press(*near, "enter")
        assert "Almost" in visible(app, "#feedback") and "Hard" in visible(app, "#feedback")
        await pilot.press("enter")
        await pilot.press(*"zzzz", "enter")
        feedback = visible(app, "#feedback")
        assert "✗" in feedback and drill.shown.card.term in feedback and "zzzz" in feedback
    ratings = [(r["rating"], r["mode"]) for r in workspace.store.reviews(learner.id)]
    assert ratings == [(3, "typed"), (2, "typed"), (1, "typed")]


async def test_multiple_choice_right_and_wrong(workspace):
    learner, app = start(workspace, "choice")
    async with app.run_test(size=(80, 24)) as pilot:
        drill = await open_drill(pilot)
        options = [o.translation for o in drill.shown.options]
        assert len(options) == 4 and len(set(options)) == 4
        right = 1 + [o.id for o in drill.shown.options].index(drill.shown.card.id)
        wrong = 1 if right != 1 else 2
        await pilot.press(str(wrong))
        assert "✗" in visible(app, "#feedback")
        shown = [w.render().plain for w in app.screen.query(".option-key")]
        assert "✓" in shown[right - 1] and "✗" in shown[wrong - 1]
        await pilot.press("enter")
        right = 1 + [o.id for o in drill.shown.options].index(drill.shown.card.id)
        await pilot.press(str(right))
        assert "✓" in visible(app, "#feedback")
    assert [r["rating"] for r in workspace.store.reviews(learner.id)] == [1, 3]


async def test_cloze_blanks_the_term_in_its_example(workspace):
    learner, app = start(workspace, "cloze")
    async with app.run_test(size=(80, 24)) as pilot:
        drill = await open_drill(pilot)
        assert "_____" in visible(app, "#term")
        assert drill.shown.card.term.lower() not in visible(app, "#term").lower()
        await pilot.press(*drill.shown.cloze.answer, "enter")
        assert "✓" in visible(app, "#feedback")
    assert [r["mode"] for r in workspace.store.reviews(learner.id)] == ["cloze"]


async def test_production_shows_the_indonesian_first(workspace):
    learner, app = start(workspace, "production")
    async with app.run_test(size=(80, 24)) as pilot:
        drill = await open_drill(pilot)
        assert visible(app, "#term") == drill.shown.card.translation
        await pilot.press("space")
        assert drill.shown.card.term in visible(app, "#answer-term")
        await pilot.press("4")
    assert [(r["rating"], r["mode"]) for r in workspace.store.reviews(learner.id)] == [(4, "production")]


async def test_undo_takes_back_several_answers(workspace):
    learner, app = start(workspace, "recognition")
    async with app.run_test(size=(80, 24)) as pilot:
        drill = await open_drill(pilot)
        first = drill.shown.card.term
        await pilot.press("space", "3")
        second = drill.shown.card.term
        await pilot.press("space", "1")
        assert len(workspace.store.reviews(learner.id)) == 2
        await pilot.press("u")
        assert drill.shown.card.term == second
        await pilot.press("ctrl+z")
        assert drill.shown.card.term == first
        assert workspace.store.reviews(learner.id) == []
        assert workspace.store.card_state(learner.id, drill.shown.pk) is None
        await pilot.press("space", "3")
        assert drill.shown.card.term == second  # the order is as before
    assert len(workspace.store.reviews(learner.id)) == 1


async def test_a_leech_can_be_suspended(workspace, clock):
    learner, app = start(workspace, "recognition")
    store = workspace.store
    pk = almost_a_leech(store, clock, learner.id)
    assert store.lapses(learner.id, pk) == 7
    async with app.run_test(size=(80, 24)) as pilot:
        drill = await open_drill(pilot)
        assert drill.shown.pk == pk
        await pilot.press("space", "1")
        await pilot.pause()
        assert isinstance(app.screen, LeechScreen)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
    assert store.lapses(learner.id, pk) == 8
    assert store.is_suspended(learner.id, pk)


async def test_suspend_and_bury_from_the_drill(workspace):
    learner, app = start(workspace, "recognition")
    async with app.run_test(size=(80, 24)) as pilot:
        drill = await open_drill(pilot)
        first = drill.shown.pk
        await pilot.press("s")
        second = drill.shown.pk
        await pilot.press("b")
        assert drill.shown.pk not in (first, second)
    assert workspace.store.is_suspended(learner.id, first)
    assert not workspace.store.is_suspended(learner.id, second)
    assert workspace.store.reviews(learner.id) == []


async def test_browse_finds_a_term_as_you_type_and_shows_history(workspace):
    learner, app = start(workspace, "recognition")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "enter", "space", "3", "escape", "enter")  # study one card
        await pilot.pause()
        await pilot.press("slash")
        assert isinstance(app.screen, BrowseScreen)
        await pilot.press(*"unduh")
        table = app.screen.query_one("#results", DataTable)
        assert table.row_count == 1 and str(table.get_row_at(0)[0]) == "download"
        detail = visible(app, "#detail")
        assert "download" in detail and "Good" in detail and "Next review" in detail
        await pilot.press("ctrl+s")
        assert "Suspended" in visible(app, "#detail")
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_statistics_after_a_simulated_month(workspace, clock):
    from vocab_tui.study import StudySession
    from fsrs import Rating

    learner, app = start(workspace, "recognition")
    for day in range(30):
        session = StudySession(workspace.store, learner, ["mini"], clock, NO_FUZZ)
        while session.next_card() is not None:
            clock.advance(seconds=5)
            session.answer(Rating.Good)
        clock.advance(days=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "t")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        numbers = " ".join(w.render().plain for w in app.screen.query(".stats-box"))
        assert "Words known: 8" in numbers
        assert "Reviews today: 0" in numbers
        from vocab_tui.clock import from_ms
        from vocab_tui.progress import study_date

        days = {study_date(from_ms(r["answered_at"]), clock.tz, 4) for r in workspace.store.reviews(learner.id)}
        assert 2 < len(days) < 30  # cards come back less often as they are learned
        heat = visible(app, "#heatmap")
        assert sum(heat.count(ch) for ch in "░▒▓█") - 4 == len(days)  # one shaded cell a study day


async def test_settings_are_saved_for_the_learner(workspace):
    learner, app = start(workspace, "recognition")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "s")
        assert isinstance(app.screen, SettingsScreen)
        new = app.screen.query_one("#new", Input)
        new.value = "700"
        await pilot.press("ctrl+s")
        assert "500" in visible(app, "#new-error")  # out of range: refused, nothing saved
        new.value = "5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "5 new cards left today" in visible(app, "#today")
    assert workspace.store.learner(learner.id).settings.new_per_day == 5


async def test_more_new_cards_after_the_daily_limit(workspace):
    learner, app = start(workspace, "recognition", new_per_day=2)
    async with app.run_test(size=(80, 24)) as pilot:
        drill = await open_drill(pilot)
        await pilot.press("space", "4", "space", "4")
        await pilot.pause()
        assert not isinstance(app.screen, DrillScreen)  # the summary: limit reached
        await pilot.press("enter", "o")
        await pilot.pause()
        await pilot.press("down", "down", "down", "down", "down", "down", "enter")  # "10 more new cards"
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        assert app.screen.shown.is_new


async def test_a_failed_save_keeps_the_card_on_screen_and_says_why(workspace, monkeypatch):
    from vocab_tui.store import StoreError

    learner, app = start(workspace, "recognition")
    async with app.run_test(size=(80, 24)) as pilot:
        drill = await open_drill(pilot)
        term = drill.shown.card.term
        real = workspace.store.record_answer

        def full_disk(answer, rebase=None):
            raise StoreError("The disk holding vocab.db is full; free some space and try again")

        monkeypatch.setattr(workspace.store, "record_answer", full_disk)
        await pilot.press("space", "3")
        await pilot.pause()
        assert drill.shown.card.term == term and drill.phase == "revealed"  # nothing moved on
        note = visible(app, "#drill-note")  # said on the drill's own line, not in a toast over the card
        assert "disk" in note and "not saved" in note
        monkeypatch.setattr(workspace.store, "record_answer", real)
        await pilot.press("3")  # space freed, the same grade goes through
        assert drill.shown.card.term != term
    assert len(workspace.store.reviews(learner.id)) == 1


async def test_an_answer_to_a_card_studied_on_another_screen_says_so_and_keeps_that_progress(workspace, clock):
    learner, app = start(workspace, "recognition")
    async with app.run_test(size=(80, 24)) as pilot:
        drill = await open_drill(pilot)
        pk = drill.shown.pk
        assert drill.shown.is_new
        other = workspace.store.__class__(workspace.store.path, clock)  # another terminal, same learner
        elsewhere = StudySession(other, other.learner(learner.id), ["mini"], clock, NO_FUZZ, mode="recognition")
        assert elsewhere.next_card().pk == pk
        elsewhere.answer(Rating.Easy)
        studied_there = other.card_state(learner.id, pk)
        other.close()
        await pilot.press("space", "3")
        await pilot.pause()
        assert drill.shown.pk != pk  # the answer was saved and the drill moved on
        assert "another screen" in visible(app, "#drill-note")  # on the drill's own line
    log = workspace.store.reviews(learner.id)
    assert [r["state_before"] for r in log] == [0, int(studied_there.state)]
    assert workspace.store.card_state(learner.id, pk).stability >= studied_there.stability


async def test_undo_of_a_card_studied_since_on_another_screen_is_refused_with_a_reason(workspace, clock):
    learner, app = start(workspace, "recognition")
    async with app.run_test(size=(80, 24)) as pilot:
        drill = await open_drill(pilot)
        pk = drill.shown.pk
        await pilot.press("space", "3")  # Good: in learning for 10 minutes
        await pilot.pause()
        clock.advance(minutes=11)
        other = workspace.store.__class__(workspace.store.path, clock)
        elsewhere = StudySession(other, other.learner(learner.id), ["mini"], clock, NO_FUZZ, mode="recognition")
        assert elsewhere.next_card().pk == pk
        elsewhere.answer(Rating.Good)
        other.close()
        await pilot.press("u")
        await pilot.pause()
        assert "cannot be taken back" in visible(app, "#drill-note")
        assert not drill.session.can_undo
        assert drill.shown.pk != pk  # the next card stays on screen
    assert len(workspace.store.reviews(learner.id)) == 2
