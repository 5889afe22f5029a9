"""Names, units and deck text with brackets or control characters, on every screen, driven with Pilot.

What is asserted is what a learner would see: the text exactly as typed (control characters as
visible escapes), and a terminal that receives no control character at all.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import DataTable, Input, OptionList, Static
from textual.widgets._toast import Toast

from vocab_tui.cli import build_cli
from vocab_tui.clock import FixedClock
from vocab_tui.models import LearnerSettings
from vocab_tui.store import StoreError
from vocab_tui.text import control_characters, has_control_characters, hiding_characters, visible
from vocab_tui.ui.app import VocabApp
from vocab_tui.ui.screens.browse import BrowseScreen
from vocab_tui.ui.screens.drill import DrillScreen
from vocab_tui.ui.screens.help import HelpScreen
from vocab_tui.ui.screens.home import HomeScreen
from vocab_tui.ui.screens.profile import NewProfileScreen, ProfileScreen
from vocab_tui.ui.screens.settings import SettingsScreen
from vocab_tui.ui.screens.stats import StatsScreen
from vocab_tui.ui.screens.summary import SummaryScreen
from vocab_tui.workspace import open_workspace

from .conftest import FIXTURES, NO_FUZZ, START


def terminal(app) -> str:
    """Every character the terminal is sent for the active screen, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def widget_texts(app) -> list[str]:
    """The full text of every text widget on the active screen (not cut to the terminal's width)."""
    texts: list[str] = []
    for widget in app.screen.query("*"):
        if isinstance(widget, Static):
            texts.append(str(widget.render()))
        elif isinstance(widget, OptionList):
            texts += [str(option.prompt) for option in widget.options]
        elif isinstance(widget, DataTable):
            texts += [str(column.label) for column in widget.columns.values()]
            texts += [str(cell) for row in range(widget.row_count) for cell in widget.get_row_at(row)]
    return texts


def shows(app, text: str) -> bool:
    """`text` appears in some widget, as written; a long title may wrap over lines (never cut)."""
    squeezed = "".join(text.split())
    return any(text in shown or squeezed in "".join(shown.split()) for shown in widget_texts(app))


def assert_terminal_is_clean(app) -> None:
    screen = terminal(app)
    assert not has_control_characters(screen, allow="\n"), repr(screen)


def topbar(app) -> str:
    return str(app.screen.query_one("#topbar", Static).render())


# -- a learner named with brackets -------------------------------------------------------------


async def test_agus_tu_typed_in_the_new_profile_dialog_is_shown_literally_now_and_later(db_path, clock):
    workspace = open_workspace(db_path, [FIXTURES], clock)
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NewProfileScreen)
        await pilot.press(*"Agus [/TU]", "enter", *"[b]Bold[/b]", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert topbar(app) == "vocab-tui · Agus [/TU] · [b]Bold[/b]"
        assert "Agus [/TU] · [b]Bold[/b]" in terminal(app)
        assert not app.screen.query_one("#topbar", Static).render().spans  # nothing made bold
        await pilot.press("t")
        assert isinstance(app.screen, StatsScreen) and topbar(app) == "Statistics · Agus [/TU]"
        await pilot.press("escape", "s")
        assert isinstance(app.screen, SettingsScreen) and topbar(app) == "Settings · Agus [/TU]"
    workspace.store.close()

    again = open_workspace(db_path, [FIXTURES], clock)  # a later start, on the same file
    app = VocabApp(again, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen)
        profiles = app.screen.query_one("#profiles", OptionList)
        assert str(profiles.get_option_at_index(0).prompt) == "Agus [/TU]  ·  [b]Bold[/b]  (no answers yet)"
        assert "Agus [/TU]  ·  [b]Bold[/b]" in terminal(app)
        await pilot.press("down", "enter")
        assert isinstance(app.screen, HomeScreen) and "Agus [/TU]" in topbar(app)
    again.store.close()


async def test_names_added_with_the_command_line_are_shown_literally(db_path, clock):
    runner = CliRunner()
    for name, unit in (("Agus [/TU]", "Dinas [Kominfo]"), ("Budi [PNS]", "")):
        result = runner.invoke(build_cli(), ["learners", "add", name, "--unit", unit, "--db", str(db_path)])
        assert result.exit_code == 0, result.output
    workspace = open_workspace(db_path, [FIXTURES], clock)
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        prompts = [str(o.prompt) for o in app.screen.query_one("#profiles", OptionList).options]
        assert prompts[:2] == ["Agus [/TU]  ·  Dinas [Kominfo]  (no answers yet)", "Budi [PNS]  (no answers yet)"]
        screen = terminal(app)
        assert "Agus [/TU]  ·  Dinas [Kominfo]" in screen and "Budi [PNS]" in screen
        await pilot.press("down", "down", "enter")
        assert topbar(app) == "vocab-tui · Budi [PNS]"
    workspace.store.close()


async def test_a_name_that_looks_like_a_click_action_does_nothing(workspace):
    learner = workspace.store.add_learner("[@click=app.quit]Quit[/]", "[@click=app.switch_profile]x[/]")
    app = VocabApp(workspace, NO_FUZZ)
    app.learner = learner
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        assert isinstance(app.screen, HomeScreen)
        assert topbar(app) == "vocab-tui · [@click=app.quit]Quit[/] · [@click=app.switch_profile]x[/]"
        bar = app.screen.query_one("#topbar", Static)
        for x in range(len("vocab-tui · "), len(topbar(app)), 3):  # click all along the name
            await pilot.click(bar, offset=(x, 0))
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, HomeScreen) and app.learner is not None


async def test_notifications_show_file_names_and_messages_literally(tmp_path, clock):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "[b]Agus[-TU].yaml").write_text("deck: [unclosed\n", encoding="utf-8")
    workspace = open_workspace(tmp_path / "v.db", [folder], clock)
    workspace.store.add_learner("Siti")
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await pilot.pause()
        app.notify("Budi [PNS] \x1b[2J", title="[b]Title[/b]")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("[b]Agus[-TU].yaml was skipped" in str(m) for m in messages)
        assert "Budi [PNS] \\x1b[2J" in messages
        toasts = [str(toast.render()) for toast in app.screen.query(Toast)]
        assert any("[b]Title[/b]\nBudi [PNS] \\x1b[2J" == t for t in toasts), toasts
        assert any("[b]Agus[-TU].yaml" in t for t in toasts), toasts
        assert_terminal_is_clean(app)
    workspace.store.close()


# -- control characters -------------------------------------------------------------------------


async def test_a_name_with_a_control_character_is_refused_in_the_dialog(workspace):
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NewProfileScreen)
        app.screen.query_one("#name", Input).value = "Agus\x1b]0;owned\x07"  # e.g. pasted
        await pilot.press("enter", *"Diskominfo", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NewProfileScreen)
        error = str(app.screen.query_one("#dialog-error", Static).render())
        assert "control character (U+001B) at position 5" in error
        assert "Agus␛]0;owned␇" in terminal(app)  # drawn as symbols in the field, never sent raw
        assert_terminal_is_clean(app)
    assert workspace.store.learners() == []


def test_learners_add_refuses_control_characters(db_path):
    runner = CliRunner()
    result = runner.invoke(build_cli(), ["learners", "add", "Agus\x1b[31m", "--db", str(db_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: The name holds a control character (U+001B) at position 5")
    result = runner.invoke(build_cli(), ["learners", "add", "Agus", "--unit", "TU\x07", "--db", str(db_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: The unit holds a control character (U+0007) at position 3")


def test_the_store_trims_names_and_refuses_only_what_is_left(store):
    assert store.add_learner("  Siti \t", " Diskominfo ").name == "Siti"
    for name in ("", "   "):
        try:
            store.add_learner(name)
        except StoreError as err:
            assert "needs a name" in str(err)
        else:
            raise AssertionError("an empty name was accepted")


async def test_an_old_name_holding_escape_codes_is_shown_visibly(db_path, workspace):
    # Written before names were checked: straight into the file.
    with sqlite3.connect(db_path) as db:
        db.execute("INSERT INTO learners (name, unit, created_at) VALUES (?, ?, ?)",
                   ("Agus\x1b[2J\x1b]0;owned\x07", "TU\x9b1m", START.isoformat()))
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        prompt = str(app.screen.query_one("#profiles", OptionList).get_option_at_index(0).prompt)
        assert prompt == "Agus\\x1b[2J\\x1b]0;owned\\x07  ·  TU\\x9b1m  (no answers yet)"
        assert_terminal_is_clean(app)
        await pilot.press("down", "enter")
        assert topbar(app) == "vocab-tui · Agus\\x1b[2J\\x1b]0;owned\\x07 · TU\\x9b1m"
        assert_terminal_is_clean(app)


# -- any text, on every screen ---------------------------------------------------------------------

NASTY = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["Agus [/TU]", "Budi [PNS]", "[@click=app.quit]x[/]", "[b]Bold[/b]", "a\\", "\\[b]", "[",
                     "$name {n}", "\u202eright-to-left\u200f", "x\x1b[31my", "Agus\x9b", "word" * 40,
                     "[/]", "[bold red on blue]", "多言語 テキスト", "e\u0301"]),
    st.lists(st.sampled_from(["[", "]", "/", "\\", "@", "=", "b", " ", "\x1b", "\u202e", "é", "[b]", "[/]"]),
             max_size=12).map("".join),
)


def nasty_deck(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    card = {key: text for key in ("term", "translation", "definition", "example", "example_translation", "notes")}
    path = folder / "nasty.yaml"
    path.write_text(yaml.safe_dump({"deck": {"id": "nasty", "title": text}, "cards": [card]}, allow_unicode=True),
                    encoding="utf-8")
    return path


async def visit_every_screen(app, pilot, deck_loaded: bool) -> None:
    """Profile, home, drill (question and answer), help, summary, browse and statistics."""
    stored = app.workspace.store
    learner = app.learner

    async def look(where: str, *expected: str) -> None:
        await pilot.pause()
        assert_terminal_is_clean(app)
        for part in expected:
            assert shows(app, part), (where, part, widget_texts(app))

    await look("profile", visible(learner.name), visible(learner.unit))
    await pilot.press("down", "enter")
    assert isinstance(app.screen, HomeScreen)
    await look("home", visible(learner.name), visible(learner.unit))
    if deck_loaded:
        [card] = [s.card for s in stored.search_cards("", ["nasty"], limit=5)]
        title = {d.deck_id: d.title for d in app.screen.counts.decks}["nasty"]
        await look("home", visible(title))
        table = app.screen.query_one("#decks", DataTable)
        table.move_cursor(row=table.get_row_index("nasty"))
        await pilot.press("enter")
        assert isinstance(app.screen, DrillScreen)
        await look("drill question", visible(card.term))
        await pilot.press("space")
        await look("drill answer", visible(card.translation), visible(card.definition), visible(card.example),
                   visible(card.notes or "", allow="\n"))
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await look("help")
        await pilot.press("escape", "3", "escape")  # close the help, grade, end the session
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await look("summary")
        await pilot.press("enter", "slash")
        assert isinstance(app.screen, BrowseScreen)
        await look("browse", visible(card.term), visible(card.translation), visible(card.definition))
        await pilot.press("escape")
    await pilot.press("t")
    assert isinstance(app.screen, StatsScreen)
    await look("statistics", visible(learner.name))
    await pilot.press("escape", "p")
    assert isinstance(app.screen, ProfileScreen)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NASTY, unit=NASTY, text=NASTY)
def test_any_text_is_refused_with_a_reason_or_shown_literally_on_every_screen(tmp_path_factory, name, unit, text):
    """`text` is the deck's title and every field of its card. One app per example, through every screen."""
    folder = tmp_path_factory.mktemp("nasty")
    nasty_deck(folder / "decks", text)
    clock = FixedClock(START)
    workspace = open_workspace(folder / "v.db", [folder / "decks"], clock)
    try:
        try:
            learner = workspace.store.add_learner(name, unit)
        except StoreError as err:
            if not name.strip():
                assert "needs a name" in str(err)
            else:
                if control_characters(name.strip()) or control_characters(unit.strip()):
                    assert "control character (U+" in str(err)
                else:  # a character that reorders or hides what the name shows
                    assert hiding_characters(name.strip()) or hiding_characters(unit.strip())
                    assert "invisible character (U+" in str(err)
            learner = workspace.store.add_learner("Siti", "[b]TU[/b]")
        learner = workspace.store.update_settings(learner.id, LearnerSettings(default_mode="recognition"))
        deck_loaded = "nasty" in workspace.deck_ids
        if not deck_loaded:
            assert workspace.problems  # refused with a reason the app announces
        app = VocabApp(workspace, NO_FUZZ, rng=random.Random(1))

        async def drive() -> None:
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                app.learner = workspace.store.learner(learner.id)
                await visit_every_screen(app, pilot, deck_loaded)

        asyncio.run(drive())
    finally:
        workspace.store.close()
