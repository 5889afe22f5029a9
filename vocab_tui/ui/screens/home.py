"""Home: every deck with what is waiting today; study all decks or one."""

from __future__ import annotations

import textwrap

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer

from ...i18n import N_, _, ngettext
from ...models import DeckCounts
from ...progress import home_counts, next_change
from ...store import StoreError
from ..safe import DataTable, Static
from .base import VocabScreen

ALL = "__all__"
COUNT_COLUMNS = (N_("New"), N_("Learning"), N_("Due"))
COUNT_ROOM = 1  # spaces on each side of a count's heading
DECK_WIDTH = 44  # deck titles wrap beyond this, to keep the counts near them
SCROLLBAR = 2
CLOCK_CHECK_SECONDS = 30  # the clock is asked, not trusted to wake us: a laptop sleeps overnight


class HomeScreen(VocabScreen):
    BINDINGS = [
        # Not on the bottom line either: the hint above it says Enter studies, and so the help key (?) fits
        # there at 80 columns, in Indonesian too.
        Binding("enter", "study", N_("Study"), id="home.study", priority=True, show=False),
        Binding("o", "options", N_("Options"), id="home.options"),
        Binding("slash", "browse", N_("Browse"), id="home.browse"),
        Binding("t", "stats", N_("Statistics"), id="home.stats"),
        Binding("s", "settings", N_("Settings"), id="home.settings"),
        # Shown to managers only; anyone else pressing it is told why nothing opens (the second binding).
        Binding("m", "dashboard", N_("Dashboard"), id="home.dashboard"),
        Binding("m", "dashboard_refused", N_("Dashboard"), id="home.dashboard_refused", show=False),
        Binding("p", "profiles", N_("Switch profile"), id="home.profiles", show=False),
        Binding("r", "reload", N_("Reload decks"), id="home.reload", show=False),
        # For trainers and managers only (check_action).
        Binding("v", "preview", N_("Preview deck"), id="home.preview", show=False),
        Binding("k", "terms", N_("Hardest terms"), id="home.terms", show=False),
        # Not on the bottom line, which is full at 80 columns; listed in help (?) and the guide.
        Binding("u,ctrl+z", "undo", N_("Undo last answer"), id="home.undo", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="topbar")
        yield Static(id="today")
        yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
        yield Static(id="home-hint", classes="hint")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.deck_width = 0
        self.refresh_counts()
        self.query_one("#decks", DataTable).focus()
        self.set_interval(CLOCK_CHECK_SECONDS, self.check_time)

    def on_screen_resume(self) -> None:
        # A command that leaves for another screen (switch profile, language) passes through this one
        # on its way: only the screen still shown, with a learner chosen, has counts to show.
        if self.is_current and self.vocab.learner is not None:
            self.refresh_counts()
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            return self.vocab.can_take_back()
        if action in ("dashboard", "dashboard_refused"):
            from .dashboard import is_manager

            return is_manager(self.vocab) == (action == "dashboard")
        if action in ("preview", "terms"):
            return self.vocab.is_trainer()
        return True

    def action_undo(self) -> None:
        """Until another session starts, the last answer of the latest one can still be taken back."""
        from .drill import DrillScreen

        session = self.vocab.take_back()
        if session is not None:
            self.app.push_screen(DrillScreen.resume(session))

    def on_resize(self) -> None:
        if self.is_mounted and self._deck_column_width() != self.deck_width:
            self.refresh_counts()

    def _deck_column_width(self) -> int:
        """What is left for deck titles once the three counts have their room (titles wrap, never cut)."""
        counts = sum(len(_(name)) for name in COUNT_COLUMNS) + 2 * len(COUNT_COLUMNS) * COUNT_ROOM
        room = self.app.size.width - 2 - 2 * (len(COUNT_COLUMNS) + 1) - counts - SCROLLBAR
        return max(12, min(DECK_WIDTH, room))

    def _columns(self, table: DataTable) -> None:
        """(Re)make the columns to fit the terminal's width."""
        self.deck_width = self._deck_column_width()
        table.clear(columns=True)
        table.add_column(_("Deck"), key="deck", width=self.deck_width)
        for key, name in zip(("new", "learning", "due"), COUNT_COLUMNS):
            table.add_column(_(name), key=key, width=len(_(name)) + 2 * COUNT_ROOM)

    def _add_row(self, table: DataTable, title: str, counts: DeckCounts, key: str) -> None:
        lines = textwrap.wrap(title, self.deck_width) or [""]
        table.add_row("\n".join(lines), str(counts.new), str(counts.learning), str(counts.due),
                      key=key, height=len(lines))

    def check_time(self) -> None:
        """Count again once the study day has turned or a card has fallen due since the last count."""
        if self.vocab.learner is not None and self.vocab.clock.now() >= self.refresh_at:
            self.refresh_counts()

    def refresh_counts(self) -> None:
        app = self.vocab
        learner = app.learner
        assert learner is not None
        counts = home_counts(app.store, learner, app.workspace.deck_ids, app.clock, app.scheduler_settings)
        self.counts = counts
        self.refresh_at = next_change(app.store, learner, app.workspace.deck_ids, app.clock,
                                      app.scheduler_settings)
        who = learner.name + (f" · {learner.unit}" if learner.unit else "")
        self.query_one("#topbar", Static).update(f"vocab-tui · {who}")
        today = counts.today
        if today.reviewed:
            line = ngettext("Today: {n} card studied", "Today: {n} cards studied", today.reviewed).format(
                n=today.reviewed
            ) + " · " + _("Remembered: {pct}%").format(pct=counts.remembered_percent)
        else:
            line = _("Today: nothing studied yet.")
        line += " · " + ngettext("{n} new card left today", "{n} new cards left today",
                                 counts.new_left_today).format(n=counts.new_left_today)
        self.query_one("#today", Static).update(line)
        table = self.query_one("#decks", DataTable)
        row = table.cursor_row
        if self._deck_column_width() != self.deck_width:
            self._columns(table)
        else:
            table.clear()
        total = counts.total
        self._add_row(table, _("All decks"), total, ALL)
        for deck in counts.decks:
            self._add_row(table, deck.title, deck, deck.deck_id)
        if row:
            table.move_cursor(row=min(row, table.row_count - 1))
        waiting = total.new + total.learning + total.due
        hint = self.query_one("#home-hint", Static)
        if not counts.decks:
            hint.update(_("No decks loaded. Check the deck folder with: vocab-tui decks check"))
        elif waiting:
            hint.update(_("Choose a deck with ↑/↓ and press Enter to study."))
        else:
            hint.update(_("✓ All done for today. Come back tomorrow! (O: study more)"))

    @on(DataTable.RowSelected, "#decks")
    def row_chosen(self) -> None:
        self.action_study()

    def chosen_decks(self) -> list[str]:
        table = self.query_one("#decks", DataTable)
        if table.row_count == 0:
            return []
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return list(self.vocab.workspace.deck_ids) if key == ALL else [str(key)]

    def action_study(self, **options: object) -> None:
        from .drill import DrillScreen

        deck_ids = self.chosen_decks()
        if deck_ids:
            self.app.push_screen(DrillScreen(deck_ids, **options))  # type: ignore[arg-type]

    def action_options(self) -> None:
        from .options import StudyOptionsScreen

        if self.chosen_decks():
            self.app.push_screen(StudyOptionsScreen(), self._options_chosen)

    def _options_chosen(self, options: dict | None) -> None:
        if options is not None:
            self.action_study(**options)

    def action_browse(self) -> None:
        from .browse import BrowseScreen

        self.app.push_screen(BrowseScreen())

    def action_stats(self) -> None:
        from .stats import StatsScreen

        self.app.push_screen(StatsScreen())

    def action_dashboard(self) -> None:
        from .dashboard import DashboardScreen

        self.app.push_screen(DashboardScreen())

    def action_dashboard_refused(self) -> None:
        self.app.notify(_("The dashboard is for managers only."), severity="warning")

    def action_settings(self) -> None:
        from .settings import SettingsScreen

        self.app.push_screen(SettingsScreen())

    def action_reload(self) -> None:
        """Load the deck files again (a trainer changed one) and say what changed."""
        app = self.vocab
        try:
            report = app.workspace.reload()
        except StoreError as err:
            self.notify(str(err), title=_("Could not reload the decks"), severity="error", markup=False)
            return
        titles = {info.id: info.title for info in app.store.decks()}

        def named(ids: list[str]) -> str:
            return ", ".join(titles.get(deck_id, deck_id) for deck_id in ids)

        lines = []
        if report.added:
            lines.append(ngettext("{n} deck added: {names}", "{n} decks added: {names}",
                                  len(report.added)).format(n=len(report.added), names=named(report.added)))
        if report.updated:
            lines.append(ngettext("{n} deck updated: {names}", "{n} decks updated: {names}",
                                  len(report.updated)).format(n=len(report.updated), names=named(report.updated)))
        if report.removed:
            lines.append(ngettext("{n} deck no longer loaded: {names}", "{n} decks no longer loaded: {names}",
                                  len(report.removed)).format(n=len(report.removed), names=named(report.removed)))
        if not lines:
            lines.append(_("No deck has changed."))
        self.notify("\n".join(lines), title=_("Decks reloaded"), timeout=8, markup=False)
        if report.skipped:
            app.announce_skipped_decks()
        self.refresh_counts()

    def action_preview(self) -> None:
        """Trainers: page through the chosen deck (the first one when all are chosen) as learners see it."""
        from .preview import PreviewScreen

        deck_ids = self.chosen_decks()
        if deck_ids and self.vocab.is_trainer():
            self.app.push_screen(PreviewScreen(deck_ids[0]))

    def action_terms(self) -> None:
        """Trainers and managers: the hardest terms of the chosen deck (or of all)."""
        from .terms import TermsScreen

        if not self.vocab.is_trainer():
            return
        deck_ids = self.chosen_decks()
        one = deck_ids[0] if len(deck_ids) == 1 else None
        title = next((d.title for d in self.counts.decks if d.deck_id == one), "") if one else ""
        self.app.push_screen(TermsScreen(one, title))

    def action_profiles(self) -> None:
        from .profile import ProfileScreen

        self.vocab.learner = None
        self.vocab.pin_given = False
        self.app.switch_screen(ProfileScreen())
