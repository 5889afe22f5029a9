"""The learner's path: profiles on a shared terminal, counts that follow the clock, settings errors,
progress in a session; driven with Pilot, then the screen and the database checked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from fsrs import Rating
from textual.widgets import DataTable, Input, OptionList, Static

from vocab_tui.cli import build_cli
from vocab_tui.models import LearnerSettings
from vocab_tui.store import DuplicateLearner
from vocab_tui.study import StudySession
from vocab_tui.ui.app import VocabApp
from vocab_tui.ui.screens.home import HomeScreen
from vocab_tui.ui.screens.profile import NewProfileScreen, ProfileScreen

from .conftest import NO_FUZZ


def visible(app, selector: str) -> str:
    return app.screen.query_one(selector, Static).render().plain


def option_texts(app) -> list[str]:
    options = app.screen.query_one("#profiles", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


# -- profiles on a shared terminal ---------------------------------------------------------------


def test_the_same_person_cannot_get_a_second_profile_by_case_or_spaces(store):
    siti = store.add_learner("Siti Rahmawati", "Diskominfo")
    for name, unit in [("siti rahmawati", "diskominfo"), ("  SITI   Rahmawati ", "Dis kominfo")]:
        with pytest.raises(DuplicateLearner) as refused:
            store.add_learner(name, unit)
        assert refused.value.existing.id == siti.id
        assert "Siti Rahmawati (Diskominfo)" in str(refused.value)
    store.add_learner("Siti Rahmawati", "Bappeda")  # another unit: another person
    store.add_learner("Siti Rahmawati", "Diskominfo", allow_duplicate=True)  # asked for explicitly
    assert sorted((x.name, x.unit) for x in store.learners()) == [
        ("Siti Rahmawati", "Bappeda"), ("Siti Rahmawati", "Diskominfo"), ("Siti Rahmawati", "Diskominfo")]


def test_learners_add_refuses_a_near_duplicate_naming_the_existing_profile(tmp_path):
    db = str(tmp_path / "v.db")
    runner = CliRunner()
    assert runner.invoke(build_cli(), ["learners", "add", "Siti", "--unit", "Bappeda", "--db", db]).exit_code == 0
    again = runner.invoke(build_cli(), ["learners", "add", "siti", "--unit", "BAPPEDA", "--db", db])
    assert again.exit_code == 1
    assert "There is already a profile for Siti (Bappeda) (id 1)" in again.stderr
    assert "--allow-duplicate" in again.stderr
    forced = runner.invoke(build_cli(), ["learners", "add", "siti", "--unit", "BAPPEDA", "--allow-duplicate",
                                         "--db", db])
    assert forced.exit_code == 0
    listed = runner.invoke(build_cli(), ["learners", "list", "--db", db]).stdout
    assert listed.count("Bappeda") + listed.count("BAPPEDA") == 2


async def test_the_picker_highlights_nobody_so_enter_alone_studies_as_nobody(workspace):
    workspace.store.add_learner("Agus", "Bappeda")
    workspace.store.add_learner("Budi", "Dinkes")
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#profiles", OptionList).highlighted is None
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen) and app.learner is None
        await pilot.press("down", "down", "enter")  # the learner moves to their own name
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.learner.name == "Budi"


async def test_a_learner_finds_their_name_among_sixty_by_typing_part_of_it(workspace):
    store = workspace.store
    for i in range(60):
        store.add_learner(f"Pegawai {i:02d}", "Sekretariat Daerah")
    wanted = store.add_learner("Siti Rahmawati", "Diskominfo")
    store.add_learner("Rahmat Hidayat", "Bappeda")
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert len(option_texts(app)) == 63  # everyone, and "+ New profile"
        for selector in ("#profiles", "#profile-hint"):  # the list scrolls; nothing is pushed off screen
            assert on_screen(app, app.screen.query_one(selector))
        await pilot.press(*"rahmaw")
        await pilot.pause()
        assert option_texts(app)[0].startswith("Siti Rahmawati  ·  Diskominfo")
        assert len(option_texts(app)) == 2
        await pilot.press("enter")  # to the first match; nobody is opened yet
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.learner.id == wanted.id
        assert "Siti Rahmawati" in visible(app, "#topbar")


async def test_a_name_typed_that_matches_nobody_says_so(workspace):
    workspace.store.add_learner("Agus", "Bappeda")
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"zzz")
        await pilot.pause()
        assert option_texts(app) == ["No profile matches “zzz”.", "+ New profile"]


async def test_the_picker_shows_which_profile_holds_the_progress(workspace, clock):
    store = workspace.store
    used = store.add_learner("Siti", "Bappeda")
    store.add_learner("siti", "bappeda", allow_duplicate=True)  # made before duplicates were refused
    session = StudySession(store, used, ["mini"], clock, NO_FUZZ, mode="recognition")
    for _ in range(3):
        session.next_card()
        session.answer(Rating.Good)
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        texts = option_texts(app)
        assert texts[0] == "Siti  ·  Bappeda  (3 answers, last 2026-11-02)"
        assert texts[1] == "siti  ·  bappeda  (no answers yet)"


async def test_creating_a_near_duplicate_offers_the_existing_profile(workspace):
    siti = workspace.store.add_learner("Siti Rahmawati", "Diskominfo")
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, NewProfileScreen)
        await pilot.press(*"siti  rahmawati", "enter", *"DISKOMINFO", "enter", "enter")
        await pilot.pause()
        error = visible(app, "#dialog-error")
        assert "Siti Rahmawati · Diskominfo already has a profile. Press Enter to open it" in error
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.learner.id == siti.id
    assert len(workspace.store.learners()) == 1


# -- time moves on -------------------------------------------------------------------------------


def due_dates(store, learner_id: int) -> list:
    from vocab_tui.clock import parse_iso

    rows = store.db.execute("SELECT due FROM card_states WHERE learner_id = ?", [learner_id])
    return [parse_iso(row[0]) for row in rows]


async def test_home_left_open_overnight_counts_again_when_the_day_turns(workspace, clock):
    from vocab_tui.scheduling import day_start

    store = workspace.store
    learner = store.add_learner("Budi", "Bappeda")
    session = StudySession(store, learner, ["mini"], clock, NO_FUZZ, mode="recognition")
    while session.next_card() is not None:
        clock.advance(seconds=5)
        session.answer(Rating.Easy)  # every card goes to review, due some days later
    first_due = min(due_dates(store, learner.id))
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert "All done for today" in visible(app, "#home-hint")
        morning = day_start(first_due, clock.tz)  # 04:00 local on the day the first card falls due
        assert morning < first_due
        clock.current = morning - timedelta(minutes=1)
        home.check_time()
        await pilot.pause()
        assert "All done for today" in visible(app, "#home-hint")
        clock.current = morning
        home.check_time()
        await pilot.pause()
        assert "Choose a deck" in visible(app, "#home-hint")
        due = int(str(home.query_one("#decks", DataTable).get_row_at(0)[3]))
        assert due == sum(1 for d in due_dates(store, learner.id) if d < morning + timedelta(days=1))
        assert due > 0


async def test_home_counts_again_when_buried_cards_come_back(workspace, clock):
    store = workspace.store
    learner = store.add_learner("Budi")
    for pk in store.new_cards(learner.id, "mini", 100):
        store.bury(learner.id, pk, clock.now() + timedelta(hours=2))
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        home = app.screen
        assert str(home.query_one("#decks", DataTable).get_row_at(0)[1]) == "0"
        clock.advance(hours=2)
        home.check_time()
        await pilot.pause()
        assert str(home.query_one("#decks", DataTable).get_row_at(0)[1]) == "8"


# -- settings say what is wrong, where you can see it ------------------------------------------


def on_screen(app, widget) -> bool:
    """Whether the widget is drawn inside the terminal, above the footer."""
    region = widget.region
    return region.height > 0 and region.y >= 0 and region.bottom <= app.size.height - 1


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_a_wrong_number_is_explained_next_to_its_field_at_80x24(workspace, lang):
    from vocab_tui import i18n
    from vocab_tui.ui.screens.settings import SettingsScreen

    learner = workspace.store.add_learner("Siti", "Diskominfo")
    i18n.set_language(lang)
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        app.screen.query_one("#new", Input).value = "9999"
        app.screen.query_one("#retention", Input).value = "abc"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)  # refused
        new_error = app.screen.query_one("#new-error", Static)
        retention_error = app.screen.query_one("#retention-error", Static)
        expected = i18n._("✗ {field}: enter a whole number from {low} to {high}.")
        assert visible(app, "#new-error") == expected.format(field=i18n._("New cards a day"), low=0, high=500)
        assert visible(app, "#retention-error") == expected.format(field=i18n._("Desired retention"), low=70,
                                                                   high=97)
        assert not app.screen.query_one("#reviews-error", Static).display  # the right one says nothing
        for error, field in ((new_error, "#new"), (retention_error, "#retention")):
            assert on_screen(app, error)
            assert error.region.y == app.screen.query_one(field, Input).region.bottom  # just below its field
        assert app.focused is app.screen.query_one("#new", Input)
        app.screen.query_one("#new", Input).value = "30"
        app.screen.query_one("#retention", Input).value = "85"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    settings = workspace.store.learner(learner.id).settings
    assert (settings.new_per_day, settings.desired_retention) == (30, 0.85)


# -- progress that moves forward -------------------------------------------------------------------


async def test_the_session_shows_cards_left_by_kind_and_a_bar_that_only_moves_forward(workspace, clock):
    from textual.widgets import ProgressBar

    from vocab_tui.ui.screens.drill import DrillScreen

    store = workspace.store
    store.update_settings(store.add_learner("Budi").id, LearnerSettings(default_mode="recognition"))
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        bar = app.screen.query_one("#session-progress", ProgressBar)
        assert visible(app, "#drill-count") == "New 8 · Learning 0 · Due 0"
        assert bar.progress == 0
        seen = [bar.progress]
        for grade in ("1", "1", "3", "1"):
            clock.advance(seconds=5)
            await pilot.press("space", grade)
            await pilot.pause()
            seen.append(bar.progress)
        # Three cards forgotten: they wait as learning cards; one remembered one has left the session
        # or waits for its next step.
        left = app.screen.session.left()
        assert visible(app, "#drill-count") == f"New {left.new} · Learning {left.learning} · Due {left.review}"
        assert left.new == 4 and left.learning == 4
        await pilot.press("u")  # taking an answer back does not move the bar back
        await pilot.pause()
        seen.append(bar.progress)
        assert seen == sorted(seen) and seen[-1] > 0
        assert visible(app, "#drill-count") == "New 5 · Learning 3 · Due 0"


# -- 80x24 in both languages -----------------------------------------------------------------------


def footer_fits(app) -> None:
    """Every key shown in the footer is drawn whole inside the terminal."""
    from textual.widgets._footer import FooterKey

    keys = list(app.screen.query(FooterKey))
    assert keys
    shown = " ".join(f"{key.key_display} {key.description}" for key in keys)
    assert sum(key.outer_size.width for key in keys) <= app.size.width, f"footer cut: {shown}"


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_the_drill_footer_is_whole_when_grading_at_80x24(workspace, lang):
    from vocab_tui import i18n

    store = workspace.store
    store.update_settings(store.add_learner("Budi").id, LearnerSettings(default_mode="recognition"))
    i18n.set_language(lang)
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "enter", "space")
        await pilot.pause()
        footer_fits(app)
        grades = [visible(app, f"#grade-{n}") for n in range(1, 5)]
        assert [g.split("\n")[0] for g in grades] == [
            f"{n} {i18n._(name)}" for n, name in enumerate(("Again", "Hard", "Good", "Easy"), 1)]


async def test_session_notes_do_not_cover_the_card(workspace):
    store = workspace.store
    store.update_settings(store.add_learner("Budi").id, LearnerSettings(default_mode="recognition"))
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "enter", "space", "3", "u")
        await pilot.pause()
        note = app.screen.query_one("#drill-note", Static)
        assert note.display and visible(app, "#drill-note") == "Last answer taken back."
        assert not app._notifications  # no toast over the question
        term = app.screen.query_one("#term", Static).region
        assert not note.region.overlaps(term)


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_statistics_numbers_keep_apart_at_80x24(workspace, lang):
    from vocab_tui import i18n

    workspace.store.add_learner("Budi")
    i18n.set_language(lang)
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "t")
        await pilot.pause()
        left, right = app.screen.query(".stats-box")
        widest = max(len(line) for line in left.render().plain.splitlines())
        assert left.region.x + widest < right.region.x  # at least one space between the columns
        footer_fits(app)


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_the_home_table_keeps_every_column_at_60x20(workspace, clock, tmp_path, lang):
    from vocab_tui import i18n
    from vocab_tui.workspace import open_workspace

    from .helpers import write_deck

    write_deck(tmp_path / "decks", "long", 3, title="Cybersecurity and personal data protection for staff")
    ws = open_workspace(tmp_path / "v.db", [tmp_path / "decks"], clock)
    ws.store.add_learner("Siti")
    i18n.set_language(lang)
    app = VocabApp(ws, NO_FUZZ)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        table = app.screen.query_one("#decks", DataTable)
        widths = [column.get_render_width(table) for column in table.columns.values()]
        assert len(widths) == 4 and sum(widths) <= table.scrollable_content_region.width
        title = table.get_row_at(1)[0]
        assert title.plain.split() == "Cybersecurity and personal data protection for staff".split()  # wrapped
        assert [str(cell) for cell in table.get_row_at(1)[1:]] == ["3", "0", "0"]
    ws.store.close()
