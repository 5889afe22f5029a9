"""The manager dashboard, driven as a manager would: open it, filter, sort, export."""

from __future__ import annotations

import stat

import openpyxl
import pytest

from vocab_tui.ui.app import VocabApp
from vocab_tui.ui.safe import Input, Select
from vocab_tui.ui.screens.dashboard import DashboardScreen, ExportPathScreen, SortableTable
from vocab_tui.ui.screens.home import HomeScreen
from vocab_tui.workspace import Workspace

from .conftest import NO_FUZZ
from .test_reports import office  # noqa: F401  (the hand-built history)


def column(table: SortableTable, key: str) -> list[str]:
    return [str(table.get_cell_at((row, [k for k, _h in table.spec].index(key)))) for row in range(table.row_count)]


async def settle(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_home(app, pilot, learner) -> None:
    """Enter `learner` as the profile screen does once its PIN (if any) was given."""
    app.enter(learner, pin_given=learner.has_pin)
    app.switch_screen(HomeScreen())
    await pilot.pause()


def footer_actions(app) -> set[str]:
    return {binding.action for _key, (_node, binding, enabled, _tip) in app.screen.active_bindings.items()
            if binding.show and enabled}


async def test_only_managers_open_the_dashboard(office):  # noqa: F811
    store, clock, (a, b, c) = office
    store.db.execute("UPDATE learners SET role = 'manager' WHERE id = ?", [a])
    store.set_pin(a, "2468")  # a manager always has one
    app = VocabApp(Workspace(store, clock, ["alpha", "beta"]), NO_FUZZ)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_home(app, pilot, store.learner(b))
        assert "dashboard" not in footer_actions(app)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("for managers only" in str(n.message) for n in app._notifications)
        app.enter(store.learner(a), pin_given=False)  # entered without its PIN: no manager access
        app.switch_screen(HomeScreen())
        await pilot.pause()
        assert "dashboard" not in footer_actions(app)
        await open_home(app, pilot, store.learner(a))
        assert "dashboard" in footer_actions(app)
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_dashboard_filters_sorts_and_exports(office, tmp_path):  # noqa: F811
    store, clock, (a, b, c) = office
    store.db.execute("UPDATE learners SET role = 'manager', name = 'Ani [/b] =1+1' WHERE id = ?", [a])
    store.set_pin(a, "2468")
    app = VocabApp(Workspace(store, clock, ["alpha", "beta"]), NO_FUZZ)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_home(app, pilot, store.learner(a))
        await pilot.press("m")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        units = screen.query_one("#dash-units", SortableTable)
        learners = screen.query_one("#dash-learners", SortableTable)
        # This month so far (1-2 November): Ani's 1 November, Budi's today; not the review stamped the 5th.
        assert column(units, "unit") == ["Bappeda", "Diskominfo"]
        assert column(units, "reviews") == ["1", "1"]
        assert column(learners, "name") == ["Budi", "Citra", "Ani [/b] =1+1"]  # a name is text, not markup
        # Sort the learners by reviews, then the other way round (s on the column under the cursor).
        learners.focus()
        learners.move_cursor(column=2)
        await pilot.press("s")
        assert column(learners, "reviews") == ["0", "1", "1"]
        await pilot.press("s")
        assert column(learners, "reviews") == ["1", "1", "0"]
        # A range of days, typed; then one unit.
        screen.query_one("#dash-since", Input).value = "2026-10-28"
        screen.query_one("#dash-until", Input).value = "2026-10-31"
        screen.query_one("#dash-since", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert column(units, "reviews") == ["0", "4"]
        assert screen.data is not None and screen.data.reviews_per_day == [2, 0, 1, 1]
        screen.query_one("#dash-unit", Select).value = "Diskominfo"
        await settle(app, pilot)
        assert column(units, "unit") == ["Diskominfo"]
        assert column(learners, "name") == ["Ani [/b] =1+1"]
        # A bad date is explained, and the tables stay as they were.
        screen.query_one("#dash-since", Input).value = "28/10/2026"
        screen.query_one("#dash-since", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert "YYYY-MM-DD" in str(screen.query_one("#dash-status").render())
        screen.query_one("#dash-since", Input).value = "2026-10-28"
        # Export what is shown to a file the manager names.
        units.focus()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportPathScreen)
        target = tmp_path / "diskominfo.xlsx"
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert f"Exported to {target}" in str(screen.query_one("#dash-status").render())
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    book = openpyxl.load_workbook(target)
    rows = list(book["Learners"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[3], r[8]) for r in rows] == [("Ani [/b] =1+1", "Diskominfo", 4)]


async def test_the_dashboard_range_ends_on_the_offices_day_not_this_terminals(office):  # noqa: F811
    from datetime import datetime, timezone

    from vocab_tui.clock import FixedClock

    store, _clock, (a, _b, _c) = office
    office_days = store.study_days()
    store.db.execute("UPDATE learners SET role = 'manager' WHERE id = ?", [a])
    store.set_pin(a, "2468")
    # 22:00 UTC: still the 2nd on a terminal kept on UTC, already the 3rd (05:00) in the office's zone
    terminal = FixedClock(datetime(2026, 11, 2, 22, 0, tzinfo=timezone.utc), tz=timezone.utc)
    app = VocabApp(Workspace(store, terminal, ["alpha", "beta"]), NO_FUZZ)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_home(app, pilot, store.learner(a))
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        from vocab_tui.study_days import day_of_number

        office_today = day_of_number(office_days.number(terminal.now()))
        assert app.screen.query_one("#dash-until", Input).value == office_today.isoformat()
        assert office_today.isoformat() == "2026-11-03"  # the office (UTC+7) is at 05:00 on the 3rd


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_a_managers_home_and_dashboard_footers_are_whole_at_80_columns(office, lang):  # noqa: F811
    from vocab_tui import i18n

    from .test_ui_learner_path import footer_fits

    store, clock, (a, _b, _c) = office
    store.db.execute("UPDATE learners SET role = 'manager' WHERE id = ?", [a])
    store.set_pin(a, "2468")
    i18n.set_language(lang)
    app = VocabApp(Workspace(store, clock, ["alpha", "beta"]), NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_home(app, pilot, store.learner(a))
        assert {"dashboard", "help"} <= footer_actions(app)
        footer_fits(app)
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        footer_fits(app)
        titles = [app.screen.query_one(f"#dash-{name}-title") for name in ("reviews", "retention")]
        assert titles[0].region.right <= titles[1].region.x  # the chart titles do not run into each other
