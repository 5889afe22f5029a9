"""PIN dialogs: asking for a profile's PIN, setting, changing or removing one, and a manager's reset.

Every check goes through the store (`verify_pin`, `set_pin`, ...), which counts wrong tries and
makes the learner wait after too many; these screens only say what it answered. A PIN is typed
into a masked Input and never shown, logged or kept after the dialog closes.
"""

from __future__ import annotations

from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical

from ...i18n import N_, _, ngettext
from ...models import Learner
from ...store import LearnerGoneError, PinCheck, PinError, StoreError
from ...store.pins import PIN_MAX_DIGITS
from ..safe import Input, Label, Option, OptionList, Static
from .base import VocabModal


def when(moment: datetime, now: datetime) -> str:
    """A local time as a person reads it: 09:05:30 today, else with its date."""
    if moment.date() == now.date():
        return f"{moment:%H:%M:%S}"
    return f"{moment:%Y-%m-%d %H:%M}"


def pin_refusal(check: PinCheck, now: datetime) -> str:
    """Why a PIN was not accepted: tries left, or until when the profile waits (local time)."""
    if check.locked_until is not None:
        return _("✗ Too many wrong tries. Try again at {time}.").format(
            time=when(check.locked_until, now.astimezone(check.locked_until.tzinfo)))
    return "✗ " + ngettext("Wrong PIN. {n} try left before a wait.", "Wrong PIN. {n} tries left before a wait.",
                           check.tries_left).format(n=check.tries_left)


def pin_input(field_id: str, placeholder: str) -> Input:
    return Input(placeholder=placeholder, id=field_id, password=True, max_length=PIN_MAX_DIGITS,
                 restrict=r"[0-9]*")


class PinPrompt(VocabModal):
    """Ask for the PIN of the chosen profile; dismissed with True once it is right, False on Esc."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="pin.cancel")]

    def __init__(self, learner: Learner) -> None:
        super().__init__()
        self.learner = learner

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("PIN for {name}").format(name=self.learner.name), classes="dialog-title")
            yield pin_input("pin", _("Your PIN (4–8 digits)"))
            yield Static("", id="dialog-error", classes="error")
            yield Static(_("Enter: open · Esc: back to the list"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#pin", Input).focus()
        try:
            state = self.vocab.store.pin_lock(self.learner.id)
        except LearnerGoneError as err:  # removed on another terminal while the list was shown here
            self.dismiss(False)
            self.vocab.profile_gone(err)
            return
        if state.locked:
            self.query_one("#dialog-error", Static).update(pin_refusal(state, self.vocab.clock.now()))

    @on(Input.Submitted, "#pin")
    def submitted(self, event: Input.Submitted) -> None:
        field = self.query_one("#pin", Input)
        pin, field.value = event.value, ""
        try:
            check = self.vocab.store.verify_pin(self.learner.id, pin)
        except LearnerGoneError as err:  # removed on another terminal while the list was shown here
            self.dismiss(False)
            self.vocab.profile_gone(err)
            return
        except StoreError as err:
            self.query_one("#dialog-error", Static).update("✗ " + str(err))
            return
        if check.ok:
            self.dismiss(True)
        else:
            self.query_one("#dialog-error", Static).update(pin_refusal(check, self.vocab.clock.now()))

    def action_cancel(self) -> None:
        self.dismiss(False)


class PinDialog(VocabModal):
    """Set, change or remove the learner's own PIN; dismissed with True when something changed.

    `required`: a manager's profile without a PIN, which must get one before it is entered.
    """

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="pin.cancel")]

    def __init__(self, learner: Learner, *, required: bool = False) -> None:
        super().__init__()
        self.learner = learner
        self.required = required

    def compose(self) -> ComposeResult:
        learner = self.learner
        manager = learner.role == "manager"
        with Vertical(id="dialog"):
            if self.required:
                yield Label(_("Choose a PIN"), classes="dialog-title")
                yield Static(_("A manager's profile opens only with a PIN, so that nobody else can see your "
                               "staff's progress. Choose 4 to 8 digits and keep them to yourself."))
            elif learner.has_pin:
                yield Label(_("Change your PIN"), classes="dialog-title")
            else:
                yield Label(_("Set a PIN"), classes="dialog-title")
                yield Static(_("With a PIN, nobody else at this computer can open your profile."))
            if learner.has_pin:
                yield Label(_("Current PIN"))
                yield pin_input("current", _("4–8 digits"))
            yield Label(_("New PIN"))
            yield pin_input("new", _("4–8 digits") if manager or not learner.has_pin
                            else _("4–8 digits; empty removes the PIN"))
            yield Label(_("New PIN again"))
            yield pin_input("again", _("the same digits"))
            yield Static("", id="dialog-error", classes="error")
            yield Static(_("Enter: next field, then save · Esc: cancel"), classes="hint")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def error(self, message: str, field: str | None = None) -> None:
        self.query_one("#dialog-error", Static).update(message)
        for input_ in self.query(Input):
            input_.value = ""
        self.query_one(f"#{field}" if field else "Input", Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "again":
            self.focus_next()
            return
        self.save()

    def save(self) -> None:
        store, learner = self.vocab.store, self.learner
        current = self.query_one("#current", Input).value if learner.has_pin else None
        new, again = self.query_one("#new", Input).value, self.query_one("#again", Input).value
        try:
            if learner.has_pin and not new and not again:
                if learner.role == "manager":
                    self.error(_("✗ A manager's profile always has a PIN; type a new one."), "current")
                    return
                check = store.remove_pin(learner.id, current or "")
                done = _("Your PIN is removed.")
            else:
                if new != again:
                    self.error(_("✗ The two new PINs differ; type them again."), "current" if learner.has_pin else "new")
                    return
                check = store.set_pin(learner.id, new, current)
                done = _("Your PIN is saved.")
        except PinError as err:
            self.error("✗ " + str(err), "current" if learner.has_pin else "new")
            return
        except LearnerGoneError as err:
            self.dismiss(False)
            self.vocab.profile_gone(err)
            return
        except StoreError as err:
            self.error("✗ " + str(err))
            return
        if not check.ok:
            self.error(pin_refusal(check, self.vocab.clock.now()), "current")
            return
        self.vocab.learner = store.learner(learner.id)
        self.notify(done, timeout=4)
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class ResetPinScreen(VocabModal):
    """For a manager: remove another learner's forgotten PIN (the learner then enters without one)."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="pin.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("Reset a learner's PIN"), classes="dialog-title")
            yield Static(_("Choose the learner who forgot their PIN and press Enter twice. They then open "
                           "their profile without a PIN and can choose a new one in Settings."))
            yield OptionList(id="pin-learners")
            yield Static("", id="dialog-error", classes="error")
            yield Static(_("Enter: choose · Esc: close"), classes="hint")

    def on_mount(self) -> None:
        self.chosen: int | None = None
        options = self.query_one("#pin-learners", OptionList)
        me = self.vocab.learner.id if self.vocab.learner else None
        for learner in self.vocab.store.learners():
            if learner.has_pin and learner.id != me:
                who = learner.name + (f"  ·  {learner.unit}" if learner.unit else "")
                options.add_option(Option(who, id=str(learner.id)))
        if not options.option_count:
            options.add_option(Option(_("Nobody else has a PIN."), disabled=True))
        options.focus()

    @on(OptionList.OptionSelected, "#pin-learners")
    def selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        learner_id = int(event.option.id)
        message = self.query_one("#dialog-error", Static)
        if self.chosen != learner_id:
            self.chosen = learner_id
            message.update(_("Press Enter again to reset this PIN."))
            return
        if not self.vocab.manager_access():
            self.dismiss(False)
            return
        try:
            self.vocab.store.reset_pin(learner_id)
        except StoreError as err:
            message.update("✗ " + str(err))
            return
        self.notify(_("The PIN is reset: {name} opens the profile without one.").format(
            name=self.vocab.store.learner(learner_id).name), timeout=6)
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
