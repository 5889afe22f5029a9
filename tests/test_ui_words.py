"""Words that fit the numbers: the summary's first line, an empty session, reviewing ahead."""

from __future__ import annotations

import random

import pytest
from textual.widgets import Label, Static

from vocab_tui import i18n
from vocab_tui.models import LearnerSettings
from vocab_tui.study import SessionSummary
from vocab_tui.ui.app import VocabApp
from vocab_tui.ui.screens.drill import DrillScreen
from vocab_tui.ui.screens.home import HomeScreen
from vocab_tui.ui.screens.summary import SummaryScreen, heading

from .conftest import NO_FUZZ


def start(workspace, **settings):
    store = workspace.store
    learner = store.add_learner("Budi", "Bappeda")
    learner = store.update_settings(learner.id, LearnerSettings(default_mode="recognition", **settings))
    return learner, VocabApp(workspace, NO_FUZZ, rng=random.Random(3))


def title(app) -> str:
    return app.screen.query_one(".dialog-title", Label).render().plain


def rows(app) -> list[str]:
    return [" ".join(w.render().plain.split()) for w in app.screen.query(".summary-row")]


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


@pytest.mark.parametrize(
    ("studied", "remembered", "left", "words"),
    [
        (4, 4, 0, "Well done!"),
        (5, 4, 0, "Well done!"),
        (4, 2, 0, "Good effort!"),
        (3, 0, 0, "A hard session: the words you forgot come back soon."),
        (0, 0, 0, "Nothing to study right now."),
        (0, 0, 1, "Ended before the first answer: 1 card is still waiting."),
        (0, 0, 20, "Ended before the first answer: 20 cards are still waiting."),
    ],
)
def test_the_summary_heading_fits_the_numbers(studied, remembered, left, words):
    assert heading(SessionSummary(studied, remembered, 1000, 0, 0, left)) == words


async def test_no_praise_when_nothing_was_remembered(workspace):
    learner, app = start(workspace, new_per_day=2)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter", "space", "1", "space", "1", "escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert rows(app)[:2] == ["Cards studied 2", "Remembered 0%"]
        assert title(app) != "Well done!"
        assert "forgot" in title(app)


@pytest.mark.parametrize("language", ["en", "id"])
async def test_leaving_at_the_first_card_says_the_cards_are_still_waiting(workspace, language):
    i18n.set_language(language)
    learner, app = start(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter", "escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert title(app) == i18n.ngettext("Ended before the first answer: {n} card is still waiting.",
                                           "Ended before the first answer: {n} cards are still waiting.", 8
                                           ).format(n=8)
        assert title(app) != i18n._("Nothing to study right now.")
        assert rows(app)[1].endswith("–")  # no share of nothing


async def test_reviewing_ahead_with_nothing_due_does_not_start_a_session(workspace):
    learner, app = start(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "o")
        await pilot.pause()
        for _ in range(7):  # past the modes and "more new cards" to "Review ahead: cards due tomorrow"
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "No cards are due in the next day." in messages(app)
    assert workspace.store.reviews(learner.id) == []


async def test_a_deck_with_nothing_to_study_does_not_open_an_empty_summary(workspace):
    learner, app = start(workspace, new_per_day=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "Nothing to study here right now." in messages(app)
        assert "All done for today" in app.screen.query_one("#home-hint", Static).render().plain
        await pilot.press("u")  # and there is nothing to take back
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and not isinstance(app.screen, DrillScreen)
