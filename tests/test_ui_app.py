"""App-wide behaviour: language, themes, NO_COLOR, remapped keys, the command palette, config."""

from __future__ import annotations

import random

import pytest
from click.testing import CliRunner
from textual.command import CommandInput
from textual.widgets import Static

from vocab_tui import i18n
from vocab_tui.cli import build_cli
from vocab_tui.config import Config, ConfigError, load_config
from vocab_tui.models import LearnerSettings
from vocab_tui.ui.app import VocabApp
from vocab_tui.ui.screens.drill import DrillScreen
from vocab_tui.ui.screens.home import HomeScreen

from .conftest import FIXTURES, NO_FUZZ


def recognition_learner(workspace):
    learner = workspace.store.add_learner("Budi", "Bappeda")
    return workspace.store.update_settings(learner.id, LearnerSettings(default_mode="recognition"))


def visible(app, selector):
    return app.screen.query_one(selector, Static).render().plain


async def test_the_interface_starts_in_indonesian_and_switches_to_english(workspace):
    recognition_learner(workspace)
    i18n.set_language("id")
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        assert isinstance(app.screen, HomeScreen)
        id_hint = visible(app, "#home-hint")
        assert id_hint == i18n._("Choose a deck with ↑/↓ and press Enter to study.")
        assert id_hint != "Choose a deck with ↑/↓ and press Enter to study."
        app.action_switch_language()
        await pilot.pause()
        assert visible(app, "#home-hint") == "Choose a deck with ↑/↓ and press Enter to study."
        descriptions = {b.description for _k, (_n, b, _e, _t) in app.screen.active_bindings.items()}
        assert "Study" in descriptions and "Quit" in descriptions


async def test_the_command_palette_speaks_the_interface_language(workspace):
    recognition_learner(workspace)
    i18n.set_language("id")
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "ctrl+p")
        await pilot.pause()
        assert app.screen.query_one(CommandInput).placeholder == i18n._("Type a command…")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert i18n._("Study all decks") in titles and i18n._("Theme") in titles
        assert "Screenshot" not in titles and "Keys" not in titles


@pytest.mark.parametrize(("name", "theme"), [("default", "textual-dark"), ("high-contrast", "vocab-high-contrast"),
                                             ("ansi", "ansi-dark")])
async def test_themes_from_the_config(workspace, name, theme):
    app = VocabApp(workspace, NO_FUZZ, Config(theme=name))
    async with app.run_test(size=(80, 24)):
        assert app.theme == theme


async def test_the_theme_command_cycles_through_the_three_themes(workspace):
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)):
        seen = [app.theme]
        for _ in range(3):
            app.action_cycle_theme()
            seen.append(app.theme)
        assert seen == ["textual-dark", "vocab-high-contrast", "ansi-dark", "textual-dark"]


async def test_no_color_is_respected(workspace, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)):
        assert app.no_color


async def test_remapping_one_job_of_a_key_leaves_its_other_jobs(workspace):
    learner = workspace.store.add_learner("Budi")
    app = VocabApp(workspace, NO_FUZZ, Config(keys={"drill.again": "j", "drill.next": "n"}), rng=random.Random(1))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "enter")  # mixed mode: a new card is multiple choice
        drill = app.screen
        right = 1 + [o.id for o in drill.shown.options].index(drill.shown.card.id)
        await pilot.press(str(right))  # the number keys still choose
        assert drill.phase == "feedback"
        await pilot.press("space")  # space still moves on, though "next" also has n now
        assert drill.phase == "question"
    assert [r["rating"] for r in workspace.store.reviews(learner.id)] == [3]


async def test_an_unknown_binding_id_in_the_config_is_reported(workspace):
    app = VocabApp(workspace, NO_FUZZ, Config(keys={"drill.agian": "j"}))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert any("drill.agian" in n.message for n in app._notifications)


async def test_keys_can_be_remapped_in_the_config(workspace):
    learner = recognition_learner(workspace)
    app = VocabApp(workspace, NO_FUZZ, Config(keys={"drill.again": "j", "drill.reveal": "k"}), rng=random.Random(1))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "enter")
        assert isinstance(app.screen, DrillScreen)
        await pilot.press("space")  # no longer bound
        assert app.screen.phase == "question"
        await pilot.press("k", "j")
    assert [r["rating"] for r in workspace.store.reviews(learner.id)] == [1]


def test_a_config_file_is_read_and_checked(tmp_path):
    path = tmp_path / "config.toml"
    assert load_config(path) == Config(path=path)  # no file: defaults
    path.write_text('language = "id"\ntheme = "ansi"\n[keys]\n"drill.again" = "1,j"\n', encoding="utf-8")
    assert load_config(path) == Config("id", "ansi", {"drill.again": "1,j"}, path)
    path.write_text('language = "id"\ntheme = "pink"\n', encoding="utf-8")
    config = load_config(path)  # one bad value costs only that value
    assert (config.language, config.theme) == ("id", "default")
    assert len(config.warnings) == 1 and "'theme' must be one of" in config.warnings[0]
    path.write_text("language = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_a_broken_config_file_warns_and_the_command_still_runs(tmp_path):
    import os
    import subprocess
    import sys

    config = tmp_path / "config.toml"
    config.write_text("theme = [\n", encoding="utf-8")
    env = {**os.environ, "VOCAB_TUI_CONFIG": str(config), "VOCAB_TUI_LANG": "en"}
    out = subprocess.run([sys.executable, "-m", "vocab_tui", "decks", "check", str(FIXTURES)],
                         capture_output=True, text=True, env=env)
    assert out.returncode == 0
    assert out.stderr.startswith(f"Warning: The config file {config} is not valid TOML")
    assert "Traceback" not in out.stderr


def test_the_command_line_speaks_indonesian(tmp_path):
    i18n.set_language("id")
    result = CliRunner().invoke(build_cli(), ["decks", "check", str(FIXTURES)])
    assert result.exit_code == 0
    assert i18n._("no problems") in result.stderr and "no problems" not in result.stderr
    from vocab_tui import cli_texts

    cli_texts.install()  # click's own headings and errors, as `vocab-tui` itself does
    help_text = CliRunner().invoke(build_cli(), ["--help"]).output
    assert i18n._("Learner profiles: add, import, list, edit, merge and remove.") in help_text
    assert help_text.startswith(i18n._("Usage:")) and "Usage:" not in help_text
    assert i18n._("Show this message and exit.") in help_text
    error = CliRunner().invoke(build_cli(), ["decks", "check", "/no/such/deck"])
    assert error.exit_code == 2 and "does not exist" not in error.stderr
    assert i18n._("Try '{command} {option}' for help.").split("'")[0] in error.stderr


def test_the_language_flag_works_on_the_real_command(tmp_path):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "vocab_tui", "--lang", "id", "decks", "check", str(FIXTURES)],
                         capture_output=True, text=True)
    i18n.set_language("id")
    assert out.returncode == 0 and i18n._("no problems") in out.stderr


async def test_ctrl_c_explains_how_to_quit_in_the_interface_language(workspace):
    recognition_learner(workspace)
    i18n.set_language("id")
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
        titles = [n.title for n in app._notifications]
        assert i18n._("Do you want to quit?") in titles and "Do you want to quit?" not in titles
        assert app.is_running


async def test_the_palette_opens_statistics_from_anywhere(workspace):
    from vocab_tui.ui.screens.stats import StatsScreen

    recognition_learner(workspace)
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "enter")  # in a session
        assert isinstance(app.screen, DrillScreen)
        await pilot.press("ctrl+p", *"Statistics")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
