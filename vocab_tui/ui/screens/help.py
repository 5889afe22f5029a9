"""Help: the keys that work on the screen underneath, in the interface language."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from ...i18n import N_, _
from .base import VocabModal


class HelpScreen(VocabModal):
    BINDINGS = [
        Binding("escape", "close", N_("Close"), id="help.close"),
        Binding("question_mark", "close", N_("Close"), id="help.close2", show=False),
    ]

    def __init__(self, beneath: Screen) -> None:
        super().__init__()
        self.beneath = beneath

    def compose(self) -> ComposeResult:
        seen: set[str] = set()
        lines = []
        for key, (node, binding, enabled, _tooltip) in self.beneath.active_bindings.items():
            # Only this app's own keys: widgets' built-in keys (scrolling, copying) are Textual's.
            if node is not self.beneath and node is not self.app:
                continue
            if not binding.description or binding.description in seen or enabled is False:
                continue
            seen.add(binding.description)
            lines.append(f"[b]{escape(self.app.get_key_display(binding)):>8}[/b]  {escape(binding.description)}")
        with Vertical(id="dialog"):
            yield Label(_("Keys on this screen"), classes="dialog-title")
            with VerticalScroll(id="help-keys"):
                yield Static("\n".join(lines))
            yield Static(_("Esc: close"), classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
