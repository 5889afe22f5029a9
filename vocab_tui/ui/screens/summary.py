"""The end of a session: what was studied and what comes tomorrow."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer

from ...i18n import N_, _, ngettext
from ...study import SessionSummary
from ..safe import Label, Static, markup
from .base import VocabScreen


def format_duration(ms: int) -> str:
    seconds = round(ms / 1000)
    minutes, seconds = divmod(seconds, 60)
    if minutes:
        return _("{m} min {s} s").format(m=minutes, s=seconds)
    return _("{s} s").format(s=seconds)


def heading(s: SessionSummary) -> str:
    """A first line that fits the numbers below it."""
    if not s.studied:
        if s.left:
            return ngettext("Ended before the first answer: {n} card is still waiting.",
                            "Ended before the first answer: {n} cards are still waiting.", s.left).format(n=s.left)
        return _("Nothing to study right now.")
    if s.remembered_percent >= 80:
        return _("Well done!")
    if s.remembered_percent >= 50:
        return _("Good effort!")
    return _("A hard session: the words you forgot come back soon.")


class SummaryScreen(VocabScreen):
    BINDINGS = [
        Binding("enter", "home", N_("Back to decks"), id="summary.home", priority=True),
        Binding("escape", "home", N_("Back to decks"), id="summary.back", show=False),
        Binding("u,ctrl+z", "undo", N_("Undo last answer"), id="summary.undo"),
    ]

    def __init__(self, summary: SessionSummary) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        s = self.summary
        yield Static(_("Session finished"), id="topbar")
        with Vertical(id="summary-box"):
            yield Label(heading(s), classes="dialog-title")
            rows = [
                (_("Cards studied"), str(s.studied)),
                (_("Remembered"), f"{s.remembered_percent}%" if s.studied else "–"),
                (_("Time spent"), format_duration(s.time_ms)),
                (_("Due by the end of tomorrow"), str(s.due_tomorrow)),
            ]
            for name, value in rows:
                yield Static(markup("{name:<30} [b]{value}[/b]", name=name, value=value), classes="summary-row")
            if s.learning_later:
                yield Static(
                    ngettext(
                        "{n} card you are learning comes back later today.",
                        "{n} cards you are learning come back later today.",
                        s.learning_later,
                    ).format(n=s.learning_later),
                    classes="hint",
                )
        yield Footer(show_command_palette=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            return self.vocab.can_take_back()
        return True

    def action_home(self) -> None:
        self.app.pop_screen()

    def action_undo(self) -> None:
        """A mis-keyed last grade is not final: take it back and show the card again."""
        from .drill import DrillScreen

        session = self.vocab.take_back()
        if session is not None:
            self.app.switch_screen(DrillScreen.resume(session))
