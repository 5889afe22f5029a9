"""The hardest terms, for trainers and managers: what to explain again in class."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer

from ...i18n import N_, _, ngettext
from ...store import StoreError
from ...term_report import DEFAULT_DAYS, default_since, hardest_terms, percent, seconds
from ..safe import DataTable, Static
from .base import VocabScreen

SHOWN = 50  # rows on screen; the CLI (`report terms --limit`) gives more


class TermsScreen(VocabScreen):
    BINDINGS = [Binding("escape", "back", N_("Back"), id="terms.back")]

    def __init__(self, deck_id: str | None = None, title: str = "") -> None:
        super().__init__()
        self.deck_id = deck_id
        self.deck_title = title

    def compose(self) -> ComposeResult:
        heading = _("Hardest terms") + (f" · {self.deck_title}" if self.deck_title else " · " + _("All decks"))
        heading += " · " + ngettext("last {n} day", "last {n} days", DEFAULT_DAYS).format(n=DEFAULT_DAYS)
        yield Static(heading, id="topbar")
        yield DataTable(id="terms", cursor_type="row", zebra_stripes=True)
        yield Static(_("Lapse rate: answers Again while the card was in review, of all its answers in review. "
                       "First Again: first answers that were Again. Hardest first."), id="terms-hint", classes="hint")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        app = self.vocab
        table = self.query_one("#terms", DataTable)
        for key, name, width in (("term", _("Term"), 26), ("learners", _("Learners"), 8),
                                 ("lapses", _("Lapse rate"), 10), ("first", _("First Again"), 11),
                                 ("time", _("Avg. s"), 7)):
            table.add_column(name, key=key, width=max(width, len(name)))
        try:
            with app.store.explained():
                hour = app.scheduler_settings.day_starts_at
                since = default_since(app.clock.now(), app.clock.tz, hour)
                rows = hardest_terms(app.store, app.clock.tz, deck_id=self.deck_id, since=since, limit=SHOWN,
                                     day_starts_at=hour)
        except StoreError as err:
            self.notify(str(err), title=_("Could not read the report"), severity="error", markup=False)
            rows = []
        for row in rows:
            table.add_row(row.term, str(row.learners), percent(row.lapse_rate), percent(row.first_again_share),
                          seconds(row.average_ms), key=str(row.card_pk))
        if not rows:
            self.query_one("#terms-hint", Static).update(_("No answers yet: nothing to report."))
        table.focus()

    def action_back(self) -> None:
        self.app.pop_screen()
