"""The manager's dashboard: units and learners in sortable tables, filters, daily charts, and export.

Only profiles with the manager role open it (the home screen shows its key to them alone). The numbers come
from `reports.open_report`, the same as the exports', in a thread worker with its own Store connection
(sqlite3 connections belong to the thread that made them), so the screen stays responsive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Sparkline

from ...i18n import N_, _
from ...reports import LearnerRow, ReportError, ReportScope, UnitRow, office_today, open_report, parse_day
from ..safe import DataTable, Input, Label, Select, Static
from .base import VocabModal, VocabScreen

ALL = "__all__"
MANAGER = "manager"


def is_manager(app: Any) -> bool:
    """Whether the manager screens may open: a manager's profile, entered with its PIN (`VocabApp.manager_access`)."""
    return bool(app.manager_access())


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


@dataclass(frozen=True)
class DashboardData:
    """What one load of the dashboard shows."""

    scope: ReportScope
    city: UnitRow
    units: list[UnitRow]
    learners: list[LearnerRow]
    days: list[date]
    reviews_per_day: list[int]
    retention_per_day: list[float]  # percent, on the days with mature reviews


# Columns: (key, heading, value of a row for sorting and showing).
UNIT_COLUMNS = (
    ("unit", N_("Unit")), ("learners", N_("Learners")), ("studied", N_("Studied")), ("reviews", N_("Reviews")),
    ("minutes", N_("Minutes")), ("retention", N_("Retention")), ("introduced", N_("New cards")),
    ("mature", N_("Mature")), ("due", N_("Due")),
)
LEARNER_COLUMNS = (
    ("name", N_("Name")), ("unit", N_("Unit")), ("reviews", N_("Reviews")), ("minutes", N_("Minutes")),
    ("retention", N_("Retention")), ("days", N_("Days")), ("streak", N_("Streak")), ("last", N_("Last studied")),
)


def unit_values(row: UnitRow) -> dict[str, Any]:
    m = row.metrics
    return {"unit": row.unit or "–", "learners": row.learners, "studied": row.active_learners, "reviews": m.reviews,
            "minutes": m.study_minutes, "retention": m.retention, "introduced": m.introduced, "mature": m.mature,
            "due": m.due_now}


def learner_values(row: LearnerRow, tz: Any) -> dict[str, Any]:
    m = row.metrics
    return {"name": row.learner.name, "unit": row.learner.unit or "–", "reviews": m.reviews,
            "minutes": m.study_minutes, "retention": m.retention, "days": m.active_days,
            "streak": m.current_streak or 0,
            "last": m.last_studied.astimezone(tz).strftime("%Y-%m-%d %H:%M") if m.last_studied else None}


def shown(key: str, value: Any) -> str:
    if key == "retention":
        return _percent(value)
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def sort_key(value: Any) -> tuple:
    """Sorts numbers as numbers, text without regard to case, and empty values last."""
    if value is None:
        return (1, 0, "")
    if isinstance(value, int | float):
        return (0, value, "")
    return (0, 0, str(value).casefold())


class SortableTable(DataTable):
    """A table that keeps its rows' values and sorts by a column: click its heading, or press s on it."""

    def fill(self, columns: tuple[tuple[str, str], ...], rows: list[dict[str, Any]]) -> None:
        self.spec, self.values = columns, rows
        self.sorted_by: tuple[str, bool] | None = getattr(self, "sorted_by", None)
        self._show()

    def sort_by(self, key: str) -> None:
        reverse = self.sorted_by == (key, False)  # a second time on one column: the other way round
        self.sorted_by = (key, reverse)
        self._show()

    def _show(self) -> None:
        rows = list(self.values)
        if self.sorted_by:
            key, reverse = self.sorted_by
            rows.sort(key=lambda r: sort_key(r[key]), reverse=reverse)
        row = self.cursor_row
        self.clear(columns=True)
        for key, heading in self.spec:
            mark = ""
            if self.sorted_by and self.sorted_by[0] == key:
                mark = " ▼" if self.sorted_by[1] else " ▲"
            self.add_column(_(heading) + mark, key=key)
        for values in rows:
            self.add_row(*(shown(key, values[key]) for key, _heading in self.spec))
        if rows:
            self.move_cursor(row=min(row, len(rows) - 1))

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self.sort_by(str(event.column_key.value))

    def action_sort(self) -> None:
        if self.row_count or self.columns:
            self.sort_by(self.spec[self.cursor_column][0])


class ExportPathScreen(VocabModal):
    """Asks where to write the export (.xlsx or .csv); dismisses with the path, or None."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="dashboard.export_cancel")]

    def __init__(self, default: Path) -> None:
        super().__init__()
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("Export to file"), classes="dialog-title")
            yield Label(_("A name ending in .xlsx (Excel, with a chart) or .csv. Enter: write, Esc: cancel."))
            yield Input(str(self.default), id="export-path")
            yield Static("", id="export-error", classes="error")

    @on(Input.Submitted, "#export-path")
    def chosen(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.query_one("#export-error", Static).update(_("Type a file name."))
            return
        path = Path(text).expanduser()
        if path.suffix.lower() not in (".xlsx", ".csv"):
            self.query_one("#export-error", Static).update(_("The name must end in .xlsx or .csv."))
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)


class DashboardScreen(VocabScreen):
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="dashboard.back"),
        Binding("s", "sort", N_("Sort"), id="dashboard.sort"),  # short: the bottom line holds every key at 80 columns
        Binding("e", "export", N_("Export"), id="dashboard.export"),
        Binding("r", "reload", N_("Refresh"), id="dashboard.reload"),
    ]

    def compose(self) -> ComposeResult:
        app = self.vocab
        today = office_today(app.store, app.clock, app.scheduler_settings.day_starts_at)  # the office's day, not this terminal's
        units = app.store.units()
        decks = app.store.decks(app.workspace.deck_ids)
        yield Static(_("Manager dashboard"), id="topbar")
        with Horizontal(id="dash-filters"):
            yield Select([(_("All units"), ALL), *[(u or "–", u) for u in units]], value=ALL, allow_blank=False,
                         id="dash-unit")
            yield Select([(_("All decks"), ALL), *[(d.title, d.id) for d in decks]], value=ALL, allow_blank=False,
                         id="dash-deck")
            yield Input(today.replace(day=1).isoformat(), id="dash-since", placeholder="YYYY-MM-DD")
            yield Input(today.isoformat(), id="dash-until", placeholder="YYYY-MM-DD")
        yield Static("", id="dash-status", classes="hint")
        with Vertical(id="dash-tables"):
            yield SortableTable(id="dash-units", cursor_type="cell", zebra_stripes=True)
            yield SortableTable(id="dash-learners", cursor_type="cell", zebra_stripes=True)
        with Horizontal(id="dash-charts"):
            with Vertical():
                yield Label(_("Reviews per day"), id="dash-reviews-title", classes="stats-title")
                yield Sparkline([], id="dash-reviews", summary_function=max)
            with Vertical():
                yield Label(_("True retention per day"), id="dash-retention-title", classes="stats-title")
                yield Sparkline([], id="dash-retention", summary_function=max)
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.data: DashboardData | None = None
        if not is_manager(self.vocab):  # the home screen refuses already; this guards other ways in
            self.app.pop_screen()
            self.app.notify(_("The dashboard is for managers only."), severity="warning")
            return
        self.query_one("#dash-units", SortableTable).focus()
        self.action_reload()

    # -- loading ------------------------------------------------------------------------------

    def scope(self) -> ReportScope:
        """The filters as a scope; raises ReportError for a date that is not YYYY-MM-DD."""
        unit = self.query_one("#dash-unit", Select).value
        deck = self.query_one("#dash-deck", Select).value
        since = self.query_one("#dash-since", Input).value.strip()
        until = self.query_one("#dash-until", Input).value.strip()
        return ReportScope(
            since=parse_day(since, _("From")) if since else None,
            until=parse_day(until, _("To")) if until else None,
            units=None if unit == ALL else (str(unit),), deck_ids=None if deck == ALL else (str(deck),))

    def action_reload(self) -> None:
        try:
            scope = self.scope()
        except ReportError as err:
            self.query_one("#dash-status", Static).update(str(err))
            return
        self.query_one("#dash-status", Static).update(_("Counting…"))
        self.load(scope)

    @work(thread=True, exclusive=True, group="dashboard")
    def load(self, scope: ReportScope) -> None:
        """Gather the numbers on a worker thread, through a Store connection of its own."""
        from ...store import Store, StoreError

        app = self.vocab
        try:
            store = Store(app.store.path, app.clock)
        except StoreError as err:
            self.app.call_from_thread(self._failed, str(err))
            return
        try:
            with open_report(store, scope, app.clock, app.scheduler_settings.day_starts_at,
                             app.workspace.deck_ids) as report:
                daily = report.daily()
                days: dict[date, list[int]] = {}
                for row in daily:
                    totals = days.setdefault(row.day, [0, 0, 0])
                    totals[0] += row.reviews
                    totals[1] += row.retention_reviews
                    totals[2] += row.retention_passed
                first = report.first_day or min(days, default=None)
                last = report.last_day or max(days, default=None)
                span = [] if first is None or last is None else [
                    first + timedelta(days=n) for n in range((last - first).days + 1)]
                data = DashboardData(
                    scope, report.city(), report.units(), list(report.learners()), span,
                    [days.get(d, [0, 0, 0])[0] for d in span],
                    [100 * days[d][2] / days[d][1] for d in span if d in days and days[d][1]])
        except (ReportError, StoreError) as err:
            self.app.call_from_thread(self._failed, str(err))
            return
        finally:
            store.close()
        self.app.call_from_thread(self.show, data)

    def _failed(self, message: str) -> None:
        self.query_one("#dash-status", Static).update(message)

    def show(self, data: DashboardData) -> None:
        self.data = data
        tz = self.vocab.clock.tz
        self.query_one("#dash-units", SortableTable).fill(UNIT_COLUMNS, [unit_values(u) for u in data.units])
        self.query_one("#dash-learners", SortableTable).fill(
            LEARNER_COLUMNS, [learner_values(r, tz) for r in data.learners])
        city = data.city.metrics
        period = (f"{data.days[0].isoformat()} – {data.days[-1].isoformat()}" if data.days else "–")
        self.query_one("#dash-status", Static).update(
            _("{period}: {studied} of {learners} learners studied · {reviews} reviews · {minutes} minutes · "
              "true retention {retention}").format(
                period=period, studied=data.city.active_learners, learners=data.city.learners, reviews=city.reviews,
                minutes=f"{city.study_minutes:.1f}", retention=_percent(city.retention)))
        # no data: an empty line, not one bar (a single value fills the whole height)
        self.query_one("#dash-reviews", Sparkline).data = data.reviews_per_day if any(data.reviews_per_day) else []
        self.query_one("#dash-retention", Sparkline).data = data.retention_per_day
        self.query_one("#dash-reviews-title", Label).update(
            _("Reviews per day (most: {most}, total: {total})").format(
                most=max(data.reviews_per_day, default=0), total=sum(data.reviews_per_day)))
        days_with = [v for v in data.retention_per_day if v]
        self.query_one("#dash-retention-title", Label).update(
            _("True retention per day (lowest: {low}, highest: {high})").format(
                low=f"{min(days_with):.0f}%" if days_with else "–", high=f"{max(days_with):.0f}%" if days_with else "–"))

    @on(Select.Changed)
    def filter_changed(self) -> None:
        if self.is_mounted and getattr(self, "data", None) is not None:
            self.action_reload()

    @on(Input.Submitted, "#dash-since, #dash-until")
    def dates_changed(self) -> None:
        self.action_reload()

    # -- actions ------------------------------------------------------------------------------

    def action_sort(self) -> None:
        focused = self.focused
        if isinstance(focused, SortableTable):
            focused.action_sort()

    def action_export(self) -> None:
        try:
            scope = self.scope()
        except ReportError as err:
            self.query_one("#dash-status", Static).update(str(err))
            return
        first = scope.since.isoformat() if scope.since else "start"
        last = scope.until.isoformat() if scope.until else "today"
        default = self.vocab.store.path.parent / f"vocab-progress-{first}-{last}.xlsx"
        self.app.push_screen(ExportPathScreen(default), lambda path: self._export(scope, path))

    def _export(self, scope: ReportScope, path: Path | None) -> None:
        if path is not None:
            self.query_one("#dash-status", Static).update(_("Writing {path}…").format(path=path))
            self.write_export(scope, path)

    @work(thread=True, exclusive=True, group="export")
    def write_export(self, scope: ReportScope, path: Path) -> None:
        from ...export import ExportError, ExportOptions, export_report, private_output
        from ...store import Store, StoreError

        app = self.vocab
        fmt = "csv" if path.suffix.lower() == ".csv" else "xlsx"
        try:
            store = Store(app.store.path, app.clock)
            try:
                with open_report(store, scope, app.clock, app.scheduler_settings.day_starts_at,
                                 app.workspace.deck_ids) as report, private_output(path) as out:
                    export_report(report, fmt, out, ExportOptions(tz=app.clock.tz))
            finally:
                store.close()
        except (ExportError, ReportError, StoreError, OSError) as err:
            message = _("Could not export: {error}").format(error=err)
            self.app.call_from_thread(self._failed, message)
            self.app.call_from_thread(self.app.notify, message, severity="error")
            return
        message = _("Exported to {path}").format(path=path.resolve())
        self.app.call_from_thread(self._failed, message)
        self.app.call_from_thread(self.app.notify, message)

    def action_back(self) -> None:
        self.app.pop_screen()
