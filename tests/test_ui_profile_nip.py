"""The NIP field of the new-profile dialog, and roles in the profile list, driven with Pilot."""

from __future__ import annotations

from textual.widgets import Input, OptionList, Static

from vocab_tui.ui.app import VocabApp
from vocab_tui.ui.screens.home import HomeScreen
from vocab_tui.ui.screens.profile import NewProfileScreen

from .conftest import NO_FUZZ

SITI_NIP = "198504122010012003"


def error_text(app) -> str:
    return app.screen.query_one("#dialog-error", Static).render().plain


async def test_the_nip_is_checked_in_the_dialog_and_saved_without_spaces(workspace):
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NewProfileScreen)
        await pilot.press(*"Siti Rahma", "enter", *"Diskominfo", "enter")
        nip = app.screen.query_one("#nip", Input)
        assert app.focused is nip
        await pilot.press(*"19850412 2010x00 2 003")  # a letter cannot be typed into the field
        assert nip.value == "19850412 201000 2 003"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NewProfileScreen) and app.focused is nip
        assert error_text(app) == "✗ NIP: digits 9-14 give appointment month 2010-00, which is not a month"
        assert workspace.store.learners() == []

        nip.value = "19850412 201001 2 003"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    [siti] = workspace.store.learners()
    assert (siti.name, siti.unit, siti.nip, siti.role) == ("Siti Rahma", "Diskominfo", SITI_NIP, "learner")


async def test_a_nip_of_another_profile_is_refused_without_saying_whose(workspace):
    workspace.store.add_learner("Budi Santoso", "Bappeda", nip=SITI_NIP)
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press(*"Siti Rahma", "enter", "enter", *SITI_NIP, "enter")
        await pilot.pause()
        assert isinstance(app.screen, NewProfileScreen)
        assert "already belongs to another profile" in error_text(app) and "Budi" not in error_text(app)
        app.screen.query_one("#nip", Input).value = ""  # no NIP: the profile is made
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.learner.nip is None


async def test_the_profile_list_shows_trainers_and_managers(workspace):
    workspace.store.add_learner("Siti Rahma", "Diskominfo", role="manager")
    workspace.store.add_learner("Budi Santoso", "Bappeda")
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#profiles", OptionList)
        texts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert texts[:2] == ["Budi Santoso  ·  Bappeda  (no answers yet)",
                             "Siti Rahma  ·  Diskominfo  ·  manager  (no answers yet)"]
