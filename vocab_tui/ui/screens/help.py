"""Help: the keys that work on the screen underneath, in the interface language."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen

from ...i18n import N_, _
from ..safe import Label, Static, plain
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
        keys: dict[str, list[str]] = {}  # description -> every key that does it
        for _key, (node, binding, enabled, _tooltip) in self.beneath.active_bindings.items():
            # Only this app's own keys: widgets' built-in keys (scrolling, copying) are Textual's.
            if node is not self.beneath and node is not self.app:
                continue
            if not binding.description or enabled is False:
                continue
            shown = keys.setdefault(binding.description, [])
            display = self.app.get_key_display(binding)
            if display not in shown:
                shown.append(display)
        width = max((len(" / ".join(k)) for k in keys.values()), default=0)
        generic = {_("Next field"), _("Previous field"), _("Copy selected text")}
        ordered = sorted(keys.items(), key=lambda item: item[0] in generic)  # the screen's own keys first
        lines = [plain(" / ".join(k).rjust(width), "b") + "  " + plain(description) for description, k in ordered]
        with Vertical(id="dialog"):
            yield Label(_("Keys on this screen"), classes="dialog-title")
            with VerticalScroll(id="help-keys"):
                yield Static(plain("\n").join(lines))
            yield Static(_("Esc: close"), classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
