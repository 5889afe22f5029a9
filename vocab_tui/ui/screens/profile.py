"""Choose or create the learner profile."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer

from ...i18n import N_, _
from ...store import StoreError
from ..safe import Input, Label, Option, OptionList, Static
from .base import VocabModal, VocabScreen

NEW_PROFILE = "__new__"


class ProfileScreen(VocabScreen):
    BINDINGS = [
        Binding("n", "new_profile", N_("New profile"), id="profile.new"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(_("vocab-tui · English for digital government"), id="topbar")
        with Vertical(id="profile-box"):
            yield Label(_("Who is studying today?"), id="profile-title")
            yield OptionList(id="profiles")
            yield Static(_("Choose your name and press Enter, or press N to add a new profile."),
                         id="profile-hint", classes="hint")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.refresh_profiles()
        if not self.vocab.store.learners():  # the very first start: nobody to choose yet
            self.action_new_profile()

    def refresh_profiles(self) -> None:
        options = self.query_one("#profiles", OptionList)
        options.clear_options()
        for learner in self.vocab.store.learners():
            label = learner.name + (f"  ·  {learner.unit}" if learner.unit else "")
            options.add_option(Option(label, id=str(learner.id)))
        options.add_option(Option(_("+ New profile"), id=NEW_PROFILE))
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#profiles")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == NEW_PROFILE:
            self.action_new_profile()
        elif event.option.id is not None:
            self.open_learner(int(event.option.id))

    def action_new_profile(self) -> None:
        self.app.push_screen(NewProfileScreen(), self._created)

    def _created(self, learner_id: int | None) -> None:
        if learner_id is not None:
            self.open_learner(learner_id)

    def open_learner(self, learner_id: int) -> None:
        from .home import HomeScreen

        self.vocab.learner = self.vocab.store.learner(learner_id)
        self.app.switch_screen(HomeScreen())


class NewProfileScreen(VocabModal):
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="profile.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("New profile"), classes="dialog-title")
            yield Label(_("Your name"))
            yield Input(placeholder=_("e.g. Siti Rahmawati"), id="name", max_length=80)
            yield Label(_("Your unit (OPD)"))
            yield Input(placeholder=_("e.g. Dinas Komunikasi dan Informatika"), id="unit", max_length=120)
            yield Static("", id="dialog-error", classes="error")
            yield Static(_("Enter: save · Esc: cancel"), classes="hint")

    @on(Input.Submitted, "#name")
    def next_field(self) -> None:
        if self._name_missing():
            return
        self.query_one("#unit", Input).focus()

    def _name_missing(self) -> bool:
        name = self.query_one("#name", Input)
        if name.value.strip():
            self.query_one("#dialog-error", Static).update("")
            return False
        self.query_one("#dialog-error", Static).update(_("✗ Please write your name."))
        name.focus()
        return True

    @on(Input.Submitted, "#unit")
    def save(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        unit = self.query_one("#unit", Input).value.strip()
        error = self.query_one("#dialog-error", Static)
        if self._name_missing():
            return
        try:
            learner = self.vocab.store.add_learner(name, unit)
        except StoreError as err:
            error.update("✗ " + str(err))
            return
        self.dismiss(learner.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
