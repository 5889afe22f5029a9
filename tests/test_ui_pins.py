"""The PIN on the profile screen, the PIN dialog, a manager's reset, and the idle lock (a fake clock)."""

from __future__ import annotations

import pytest

from vocab_tui import i18n
from vocab_tui.config import Config
from vocab_tui.models import LearnerSettings
from vocab_tui.ui.app import VocabApp
from vocab_tui.ui.safe import Input, Static
from vocab_tui.ui.screens.drill import DrillScreen
from vocab_tui.ui.screens.home import HomeScreen
from vocab_tui.ui.screens.pins import PinDialog, PinPrompt, ResetPinScreen
from vocab_tui.ui.screens.profile import ProfileScreen
from vocab_tui.ui.screens.settings import SettingsScreen

from .conftest import NO_FUZZ
from .test_pins import make_manager


def error_text(app) -> str:
    return app.screen.query_one("#dialog-error", Static).render().plain


async def until(pilot, condition, seconds: float = 10.0) -> bool:
    """Wait (a busy machine is slow) until `condition()` holds; False if it never does."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


async def type_pin(pilot, pin: str) -> None:
    await pilot.press(*pin, "enter")
    await pilot.pause()


async def test_a_profile_with_a_pin_opens_only_with_it(workspace):
    learner = workspace.store.add_learner("Siti", "Diskominfo")
    workspace.store.set_pin(learner.id, "2468")
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PinPrompt) and app.learner is None
        field = app.screen.query_one("#pin", Input)
        assert field.password  # masked
        await pilot.press("1", "1", "1", "1")
        shown = app.export_screenshot()
        assert "1111" not in shown and "••••" in shown
        await pilot.press("enter")
        await pilot.pause()
        assert error_text(app) == "✗ Wrong PIN. 2 tries left before a wait."
        assert field.value == ""  # the wrong PIN is not left in the field
        await type_pin(pilot, "2468")
        assert isinstance(app.screen, HomeScreen) and app.learner.id == learner.id
        assert not app.manager_access()  # a learner's profile, PIN or not


async def test_too_many_wrong_tries_say_until_when_in_local_time(workspace, clock):
    learner = workspace.store.add_learner("Siti", "Diskominfo")
    workspace.store.set_pin(learner.id, "2468")
    i18n.set_language("id")
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        for _ in range(3):
            await type_pin(pilot, "9999")
        # START is 09:00 in Jakarta; 30 s of waiting
        assert error_text(app) == i18n._("✗ Too many wrong tries. Try again at {time}.").format(time="09:00:30")
        assert "09:00:30" in error_text(app) and "Too many" not in error_text(app)
        await type_pin(pilot, "2468")  # even the right PIN waits
        assert isinstance(app.screen, PinPrompt)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen) and app.learner is None
        # Coming back shows the wait at once.
        await pilot.press("enter")
        await pilot.pause()
        assert "09:00:30" in error_text(app)
        clock.advance(seconds=30)
        await type_pin(pilot, "2468")
        assert isinstance(app.screen, HomeScreen)


async def test_a_manager_without_a_pin_must_choose_one_before_entering(workspace):
    boss = workspace.store.add_learner("Rina", "Sekretariat Daerah")
    make_manager(workspace.store, boss.id)
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PinDialog) and app.screen.required
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen) and app.learner is None
        await pilot.press("enter")  # the list keeps the profile highlighted
        await pilot.pause()
        await pilot.press(*"135790", "enter", *"135791", "enter")
        await pilot.pause()
        assert error_text(app) == "✗ The two new PINs differ; type them again."
        await pilot.press(*"135790", "enter", *"135790", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.manager_access() and workspace.store.learner(boss.id).has_pin
        app.action_switch_profile()
        await pilot.pause()
        assert not app.manager_access()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PinPrompt)  # from now on, its PIN
        await type_pin(pilot, "135790")
        assert app.manager_access()


async def test_a_profile_made_manager_meanwhile_has_no_manager_access_until_entered_with_a_pin(workspace):
    learner = workspace.store.add_learner("Rina", "Sekretariat Daerah")
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        make_manager(workspace.store, learner.id)
        assert not app.manager_access()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Reset a learner's PIN" not in titles


async def test_a_learner_sets_changes_and_removes_the_pin_in_settings(workspace):
    learner = workspace.store.add_learner("Siti", "Diskominfo")
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        assert "PIN: none" in app.screen.query_one("#settings-pin", Static).render().plain
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert isinstance(app.screen, PinDialog)
        await pilot.press(*"12", "enter", *"12", "enter")  # too short
        await pilot.pause()
        assert error_text(app) == "✗ A PIN is 4 to 8 digits (0-9)."
        await pilot.press(*"4821", "enter", *"4821", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        assert "PIN: set" in app.screen.query_one("#settings-pin", Static).render().plain
        assert workspace.store.verify_pin(learner.id, "4821").ok
        # Changing needs the current PIN.
        await pilot.press("ctrl+k")
        await pilot.pause()
        await pilot.press(*"0000", "enter", *"5555", "enter", *"5555", "enter")
        await pilot.pause()
        assert error_text(app) == "✗ Wrong PIN. 2 tries left before a wait."
        await pilot.press(*"4821", "enter", *"5555", "enter", *"5555", "enter")
        await pilot.pause()
        assert workspace.store.verify_pin(learner.id, "5555").ok
        # An empty new PIN removes it.
        await pilot.press("ctrl+k")
        await pilot.pause()
        await pilot.press(*"5555", "enter", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen) and not workspace.store.learner(learner.id).has_pin


async def test_a_manager_resets_a_forgotten_pin_in_the_app(workspace):
    boss = workspace.store.add_learner("Agus", "Sekretariat Daerah")
    make_manager(workspace.store, boss.id)
    workspace.store.set_pin(boss.id, "97531")
    siti = workspace.store.add_learner("Siti", "Diskominfo")
    workspace.store.set_pin(siti.id, "2468")
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")  # Agus comes first
        await type_pin(pilot, "97531")
        titles = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "Reset a learner's PIN" in titles
        app.action_reset_pin()
        await pilot.pause()
        assert isinstance(app.screen, ResetPinScreen)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert workspace.store.learner(siti.id).has_pin  # not yet: Enter twice
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ResetPinScreen)
        assert not workspace.store.learner(siti.id).has_pin and workspace.store.learner(boss.id).has_pin


def recognition_learner(workspace, name="Budi"):
    learner = workspace.store.add_learner(name, "Bappeda")
    return workspace.store.update_settings(learner.id, LearnerSettings(default_mode="recognition"))


@pytest.fixture
def quick_idle_check(monkeypatch):
    monkeypatch.setattr(VocabApp, "IDLE_CHECK_SECONDS", 0.05)


async def test_an_idle_session_locks_back_to_the_profile_screen(workspace, clock, quick_idle_check):
    learner = recognition_learner(workspace)
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "enter")  # profile, then study
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        await pilot.press("space", "3")  # one answer given
        await pilot.pause()
        saved = workspace.store.db.execute("SELECT count(*) FROM reviews").fetchone()[0]
        assert saved == 1
        clock.advance(minutes=4, seconds=50)
        assert not app.lock_if_idle() and isinstance(app.screen, DrillScreen)  # not yet
        await pilot.press("space")  # a key press starts the idle time again
        clock.advance(minutes=4, seconds=50)
        assert not app.lock_if_idle() and isinstance(app.screen, DrillScreen)
        clock.advance(seconds=10)
        assert await until(pilot, lambda: isinstance(app.screen, ProfileScreen))
        assert app.learner is None
        assert len(app.screen_stack) == 2  # nothing of the session left underneath
        assert workspace.store.db.execute("SELECT count(*) FROM reviews").fetchone()[0] == saved
        assert await until(pilot, lambda: [str(n.message) for n in app._notifications] == [
            "Locked after 5 minutes without use: choose your profile to go on."])
        # The next person gets the profile list; the answer was kept for its learner.
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.learner.id == learner.id


async def test_the_idle_lock_can_be_switched_off(workspace, clock, quick_idle_check):
    recognition_learner(workspace)
    app = VocabApp(workspace, NO_FUZZ, config=Config(idle_lock_minutes=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        clock.advance(hours=3)
        await pilot.pause(0.2)
        assert not app.lock_if_idle()
        assert isinstance(app.screen, HomeScreen) and app.learner is not None
