"""Other ways to study the chosen deck: one fixed mode, more new cards, or reviewing ahead."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from ...i18n import N_, _
from ...modes import MODE_LABELS, Mode
from ..safe import Label, Option, OptionList, Static
from .base import VocabModal

EXTRA_NEW = 10


class StudyOptionsScreen(VocabModal):
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="options.cancel")]

    def compose(self) -> ComposeResult:
        choices = [Option(_(label), id=f"mode:{mode}") for mode, label in MODE_LABELS.items()]
        choices += [
            None,
            Option(_("{n} more new cards today").format(n=EXTRA_NEW), id="extra"),
            Option(_("Review ahead: cards due tomorrow"), id="ahead:1"),
            Option(_("Review ahead: cards due in the next 7 days"), id="ahead:7"),
        ]
        with Vertical(id="dialog"):
            yield Label(_("How do you want to study?"), classes="dialog-title")
            yield OptionList(*choices, id="study-options")
            yield Static(_("Enter: start · Esc: cancel"), classes="hint")

    @on(OptionList.OptionSelected, "#study-options")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        kind, _sep, value = (event.option.id or "").partition(":")
        if kind == "mode":
            self.dismiss({"mode": Mode(value)})
        elif kind == "extra":
            self.dismiss({"extra_new": EXTRA_NEW})
        elif kind == "ahead":
            self.dismiss({"review_ahead_days": int(value)})

    def action_cancel(self) -> None:
        self.dismiss(None)
