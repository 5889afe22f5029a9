"""A learner's own settings: daily limits, desired retention, default study mode."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer

from ...i18n import N_, _
from ...models import LearnerSettings
from ...modes import MODE_LABELS, Mode
from ...store import StoreError
from ..safe import Input, Label, Select, Static
from .base import VocabScreen

LIMITS = {"new": (0, 500), "reviews": (0, 5000), "retention": (70, 97)}


class SettingsScreen(VocabScreen):
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="settings.save", priority=True),
        Binding("escape", "back", N_("Back without saving"), id="settings.back"),
    ]

    def compose(self) -> ComposeResult:
        learner = self.vocab.learner
        assert learner is not None
        s = learner.settings
        yield Static(_("Settings · {name}").format(name=learner.name), id="topbar")
        with VerticalScroll(id="settings"):
            yield Label(_("New cards a day (0–500)"))
            yield Input(str(s.new_per_day), id="new", type="integer")
            yield Label(_("Reviews a day (0–5000)"))
            yield Input(str(s.reviews_per_day), id="reviews", type="integer")
            yield Label(_("Desired retention in % (70–97): higher means more reviews"))
            yield Input(str(round(s.desired_retention * 100)), id="retention", type="integer")
            yield Label(_("Study mode"))
            yield Select([(_(label), str(mode)) for mode, label in MODE_LABELS.items()],
                         value=s.default_mode, allow_blank=False, id="mode")
            yield Static(id="settings-error", classes="error")
            yield Static(_("Tab: next field · ctrl+s: save · Esc: back"), classes="hint")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#new", Input).focus()

    def read(self) -> LearnerSettings | None:
        values = {}
        for key, (low, high) in LIMITS.items():
            text = self.query_one(f"#{key}", Input).value.strip()
            if not text.isdigit() or not low <= int(text) <= high:
                self.query_one("#settings-error", Static).update(
                    _("✗ Please enter a whole number from {low} to {high}.").format(low=low, high=high))
                self.query_one(f"#{key}", Input).focus()
                return None
            values[key] = int(text)
        mode = self.query_one("#mode", Select).value
        return LearnerSettings(values["new"], values["reviews"], values["retention"] / 100, str(Mode(str(mode))))

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.focus_next()

    def action_save(self) -> None:
        settings = self.read()
        app = self.vocab
        if settings is None or app.learner is None:
            return
        try:
            app.learner = app.store.update_settings(app.learner.id, settings)
        except StoreError as err:
            self.query_one("#settings-error", Static).update("✗ " + str(err))
            return
        self.notify(_("Settings saved."), timeout=3)
        self.app.pop_screen()

    def action_back(self) -> None:
        self.app.pop_screen()
