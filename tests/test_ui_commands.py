"""Every command of the palette, and every key a screen offers, from every screen: none ends the app."""

from __future__ import annotations

import random

import pytest

from vocab_tui import i18n
from vocab_tui.clock import FixedClock
from vocab_tui.models import LearnerSettings
from vocab_tui.ui.app import VocabApp
from vocab_tui.ui.screens.browse import BrowseScreen
from vocab_tui.ui.screens.drill import DrillScreen, LeechScreen
from vocab_tui.ui.screens.help import HelpScreen
from vocab_tui.ui.screens.home import HomeScreen
from vocab_tui.ui.screens.options import StudyOptionsScreen
from vocab_tui.ui.screens.profile import NewProfileScreen, ProfileScreen
from vocab_tui.ui.screens.settings import SettingsScreen
from vocab_tui.ui.screens.stats import StatsScreen
from vocab_tui.ui.screens.summary import SummaryScreen
from vocab_tui.workspace import open_workspace

from .conftest import FIXTURES, NO_FUZZ, START
from .helpers import almost_a_leech

# screen name -> (keys from the profile screen, the screen they open)
SCREENS = {
    "profile": ([], ProfileScreen),
    "new-profile": (["ctrl+n"], NewProfileScreen),
    "home": (["down", "enter"], HomeScreen),
    "drill": (["down", "enter", "enter"], DrillScreen),
    "leech": (["down", "enter", "enter", "space", "1"], LeechScreen),
    "summary": (["down", "enter", "enter", "escape"], SummaryScreen),
    "browse": (["down", "enter", "slash"], BrowseScreen),
    "statistics": (["down", "enter", "t"], StatsScreen),
    "settings": (["down", "enter", "s"], SettingsScreen),
    "options": (["down", "enter", "o"], StudyOptionsScreen),
    "help": (["down", "enter", "enter", "question_mark"], HelpScreen),
}
# command title -> the screen it leads to (None: the screen stays as it was)
COMMANDS = {
    "Study all decks": DrillScreen,
    "Statistics": StatsScreen,
    "Browse": BrowseScreen,
    "Settings": SettingsScreen,
    "Switch profile": ProfileScreen,
    "Language: Bahasa Indonesia / English": None,
    "Theme": None,
    "Help": HelpScreen,
    "Quit": None,
}


def app_with_a_leech(workspace, clock) -> tuple[VocabApp, int]:
    """Budi, studying in recognition, whose first card due is one lapse short of a leech."""
    store = workspace.store
    learner = store.add_learner("Budi", "Bappeda")
    store.update_settings(learner.id, LearnerSettings(default_mode="recognition"))
    almost_a_leech(store, clock, learner.id)
    return VocabApp(workspace, NO_FUZZ, rng=random.Random(3)), learner.id


async def open_screen(pilot, name: str) -> None:
    keys, screen = SCREENS[name]
    for key in keys:
        await pilot.press(key)
    assert type(pilot.app.screen) is screen


@pytest.mark.parametrize("name", SCREENS)
@pytest.mark.parametrize("title", COMMANDS)
async def test_every_palette_command_works_from_every_screen(workspace, clock, name, title):
    app, _learner = app_with_a_leech(workspace, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, name)
        before = app.screen
        offered = {command.title: command for command in app.get_system_commands(app.screen)}
        if title not in offered:
            # Commands that need a learner are offered only once one is chosen.
            assert app.learner is None and title in ("Study all decks", "Statistics", "Browse", "Settings")
            return
        language = i18n.current_language()
        theme = app.theme
        offered[title].callback()  # what the palette runs once it has closed
        await pilot.pause()
        if title == "Quit":
            assert not app.is_running
            return
        expected = COMMANDS[title]
        if expected is not None:
            assert isinstance(app.screen, expected)
        if title == "Switch profile":
            assert app.learner is None
            await pilot.press("down", "enter")  # and choosing a profile again leads home
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
        if title.startswith("Language"):
            assert i18n.current_language() != language
            assert isinstance(app.screen, HomeScreen if app.learner else ProfileScreen)
        if title == "Theme":
            assert app.theme != theme and app.screen is before
        assert app.is_running


async def test_switch_profile_from_the_palette_during_a_drill(workspace, clock):
    app, learner_id = app_with_a_leech(workspace, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, "drill")
        await pilot.press("space", "3")
        await pilot.press("ctrl+p", *"Switch profile")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ProfileScreen)
        assert app.learner is None
    assert app.return_code in (None, 0)
    assert len(workspace.store.reviews(learner_id)) == 9  # the card's history and the answer just given


def offered_keys(app) -> list[str]:
    """The keys the screen itself (or the app) offers there now, Textual's own focus keys aside."""
    skip = {"tab", "shift+tab", "super+c", "ctrl+c", "ctrl+q", "ctrl+p"}
    return [key for key, (node, _binding, enabled, _tooltip) in app.screen.active_bindings.items()
            if enabled and (node is app.screen or node is app) and key not in skip]


@pytest.mark.parametrize("name", SCREENS)
async def test_every_key_a_screen_offers_works_there(workspace, clock, tmp_path, name):
    app, _learner = app_with_a_leech(workspace, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, name)
        keys = offered_keys(app)
    assert keys
    for number, key in enumerate(keys):
        fresh = open_workspace(tmp_path / f"{number}.db", [FIXTURES], FixedClock(START, tz=clock.tz))
        app, _learner = app_with_a_leech(fresh, fresh.clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_screen(pilot, name)
            await pilot.press(key)
            await pilot.pause()
            assert app.is_running or key == "ctrl+q", key
        fresh.store.close()
