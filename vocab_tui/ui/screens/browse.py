"""Browse: find any term across the decks as you type; see the card and your history with it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer

from ...clock import from_ms
from ...i18n import N_, _
from ...scheduling import format_interval
from ...store import LearnerGoneError, StoreError
from ..safe import DataTable, Input, Static, markup, plain
from .base import VocabScreen
from .drill import GRADE_NAMES


class Results(DataTable):
    """The search results; ↑ on the first row goes back to the search box."""

    def action_cursor_up(self) -> None:
        if self.cursor_row <= 0:
            self.screen.query_one("#search", Input).focus()
        else:
            super().action_cursor_up()


class BrowseScreen(VocabScreen):
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="browse.back"),
        Binding("ctrl+s", "toggle_suspend", N_("Suspend / resume card"), id="browse.suspend"),
        Binding("down", "to_results", N_("Results"), id="browse.results", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Static(_("Browse and search"), id="topbar")
        yield Input(placeholder=_("Type a word in English or Indonesian…"), id="search")
        yield Results(id="results", cursor_type="row")
        with VerticalScroll(id="details"):
            yield Static(id="detail")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one("#results", DataTable)
        table.add_column(_("Term"), key="term", width=28)
        table.add_column(_("Translation"), key="translation", width=30)
        table.add_column(_("Deck"), key="deck", width=14)
        self.search("")
        self.query_one("#search", Input).focus()

    @on(Input.Changed, "#search")
    def changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    def search(self, query: str) -> None:
        app = self.vocab
        table = self.query_one("#results", DataTable)
        table.clear()
        results = app.store.search_cards(query, app.workspace.deck_ids, limit=200)
        for stored in results:
            c = stored.card
            table.add_row(c.term, c.translation, c.deck_id, key=str(stored.pk))
        if not results:
            self.query_one("#detail", Static).update(_("No card matches “{query}”.").format(query=query))
        else:
            self.show_details(results[0].pk)

    def action_to_results(self) -> None:
        self.query_one("#results", DataTable).focus()

    @on(DataTable.RowHighlighted, "#results")
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.show_details(int(event.row_key.value))

    def selected_pk(self) -> int | None:
        table = self.query_one("#results", DataTable)
        if table.row_count == 0:
            return None
        return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def show_details(self, pk: int) -> None:
        app = self.vocab
        assert app.learner is not None
        stored = app.store.card(pk)
        c = stored.card
        lines = [markup("[b]{term}[/b] — {translation}", term=c.term, translation=c.translation), plain(c.definition),
                 plain(f"“{c.example}”")]
        if c.notes:
            lines.append(plain(_("Note: {text}").format(text=c.notes)))
        state = app.store.card_state(app.learner.id, pk)
        history = app.store.card_history(app.learner.id, pk)
        if app.store.is_suspended(app.learner.id, pk):
            lines.append(plain(_("Suspended: this card is not shown in sessions (ctrl+s resumes it)."), "b"))
        if state is None:
            lines.append(plain(_("You have not studied this card yet.")))
        else:
            due = state.due.astimezone(app.clock.tz)
            wait = format_interval(state.due - app.clock.now()) if state.due > app.clock.now() else _("now")
            lines.append(plain(_("Next review: {date} (in {wait})").format(
                date=due.strftime("%Y-%m-%d %H:%M"), wait=wait)))
        if history:
            lines.append(plain(_("Your answers:")))
            for review in history[-12:]:
                when = from_ms(review["answered_at"]).astimezone(app.clock.tz).strftime("%Y-%m-%d %H:%M")
                mark = "✗" if review["rating"] == 1 else "✓"
                lines.append(plain(f"  {when}  {mark} {_(GRADE_NAMES[review['rating']])}"))
        self.query_one("#detail", Static).update(plain("\n").join(lines))

    def action_toggle_suspend(self) -> None:
        pk = self.selected_pk()
        app = self.vocab
        if pk is None or app.learner is None:
            return
        suspended = not app.store.is_suspended(app.learner.id, pk)
        try:
            app.store.set_suspended(app.learner.id, pk, suspended)
        except LearnerGoneError as err:
            app.profile_gone(err)
            return
        except StoreError as err:
            self.notify(str(err), severity="error", markup=False)
            return
        self.notify(_("Suspended.") if suspended else _("The card is back in your sessions."), timeout=3)
        self.show_details(pk)

    def action_back(self) -> None:
        self.app.pop_screen()
