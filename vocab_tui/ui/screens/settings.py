"""A learner's own settings: daily limits, desired retention, default study mode."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer

from ...i18n import N_, _
from ...models import Learner, LearnerSettings
from ...modes import MODE_LABELS, Mode
from ...store import LearnerGoneError, StoreError
from ..safe import Input, Label, Select, Static
from .base import VocabScreen

LIMITS = {"new": (0, 500), "reviews": (0, 5000), "retention": (70, 97)}
# Each number's name, as the error next to it says it.
FIELD_NAMES = {"new": N_("New cards a day"), "reviews": N_("Reviews a day"), "retention": N_("Desired retention")}


def pin_status(learner: Learner) -> str:
    if learner.has_pin:
        return _("PIN: set — ctrl+k changes or removes it.")
    return _("PIN: none — ctrl+k sets one, so nobody else can open your profile.")


class SettingsScreen(VocabScreen):
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="settings.save", priority=True),
        Binding("escape", "back", N_("Back without saving"), id="settings.back"),
        Binding("ctrl+k", "pin", N_("PIN"), id="settings.pin", priority=True),
    ]

    def compose(self) -> ComposeResult:
        learner = self.vocab.learner
        assert learner is not None
        s = learner.settings
        yield Static(_("Settings · {name}").format(name=learner.name), id="topbar")
        labels = {
            "new": _("New cards a day (0–500)"),
            "reviews": _("Reviews a day (0–5000)"),
            "retention": _("Desired retention in % (70–97): higher means more reviews"),
        }
        values = {"new": s.new_per_day, "reviews": s.reviews_per_day, "retention": round(s.desired_retention * 100)}
        with VerticalScroll(id="settings"):
            for key, label in labels.items():
                with Horizontal(classes="setting-row"):
                    yield Label(label, classes="setting-label")
                    yield Input(str(values[key]), id=key, type="integer", max_length=6)
                yield Static(id=f"{key}-error", classes="error field-error")
            yield Label(_("Study mode"))
            yield Select([(_(label), str(mode)) for mode, label in MODE_LABELS.items()],
                         value=s.default_mode, allow_blank=False, id="mode")
            yield Static(id="settings-error", classes="error")
            yield Static(_("Tab: next field · ctrl+s: save · Esc: back"), classes="hint")
            yield Static(pin_status(learner), id="settings-pin", classes="hint")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#new", Input).focus()

    def read(self) -> LearnerSettings | None:
        """The settings as typed; None, with an error next to each wrong field, when one is out of range."""
        values = {}
        wrong = []
        for key, (low, high) in LIMITS.items():
            text = self.query_one(f"#{key}", Input).value.strip()
            error = self.query_one(f"#{key}-error", Static)
            if text.isdigit() and low <= int(text) <= high:
                values[key] = int(text)
                error.update("")
                error.display = False
                continue
            error.update(_("✗ {field}: enter a whole number from {low} to {high}.").format(
                field=_(FIELD_NAMES[key]), low=low, high=high))
            error.display = True
            wrong.append(key)
        if wrong:
            field = self.query_one(f"#{wrong[0]}", Input)
            field.focus()
            self.call_after_refresh(self.query_one("#settings", VerticalScroll).scroll_to_widget,
                                    self.query_one(f"#{wrong[0]}-error"), animate=False)
            return None
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
        except LearnerGoneError as err:
            app.profile_gone(err)
            return
        except StoreError as err:
            self.query_one("#settings-error", Static).update("✗ " + str(err))
            return
        self.notify(_("Settings saved."), timeout=3)
        self.app.pop_screen()

    def action_pin(self) -> None:
        from .pins import PinDialog

        learner = self.vocab.learner
        if learner is not None:
            self.app.push_screen(PinDialog(self.vocab.store.learner(learner.id)), self._pin_changed)

    def _pin_changed(self, changed: bool | None) -> None:
        learner = self.vocab.learner
        if changed and learner is not None:
            self.query_one("#settings-pin", Static).update(pin_status(learner))

    def action_back(self) -> None:
        self.app.pop_screen()
