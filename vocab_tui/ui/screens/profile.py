"""Choose or create the learner profile."""

from __future__ import annotations

from datetime import datetime, tzinfo

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Footer

from ...i18n import N_, _, ngettext
from ...models import Learner
from ...nip import nip_problems
from ...store import DuplicateLearner, DuplicateNip, LearnerGoneError, StoreError, same_person_key
from ..safe import Input, Label, Option, OptionList, Static, plain
from .base import VocabModal, VocabScreen

NEW_PROFILE = "__new__"


# Shown after the unit for the roles that are not the usual one (a learner's is left out: calm lists).
ROLE_LABELS = {"trainer": N_("trainer"), "manager": N_("manager")}


def profile_label(learner: Learner, activity: tuple[int, datetime | None] | None, tz: tzinfo) -> Content:
    """Name · unit · role, and how much progress the profile holds (so a duplicate shows which one is used)."""
    who = learner.name + (f"  ·  {learner.unit}" if learner.unit else "")
    if learner.role in ROLE_LABELS:
        who += "  ·  " + _(ROLE_LABELS[learner.role])
    if activity is None:
        held = _("no answers yet")
    else:
        answers, last = activity
        held = ngettext("{n} answer", "{n} answers", answers).format(n=answers)
        if last is not None:
            held += ", " + _("last {date}").format(date=f"{last.astimezone(tz):%Y-%m-%d}")
    return plain(who) + plain(f"  ({held})", "dim")


def matches(learner: Learner, query: str) -> bool:
    """Whether the profile's name or unit contains what was typed (any case, spaces ignored)."""
    needle = "".join(query.split()).casefold()
    return not needle or any(needle in part for part in same_person_key(learner.name, learner.unit))


class NameSearch(Input):
    """The profile list's search field: `?` opens help (as the footer says) instead of being typed; no name
    has one."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character != "?" and super().check_consume_key(key, character)


class ProfileScreen(VocabScreen):
    BINDINGS = [
        Binding("ctrl+n", "new_profile", N_("New profile"), id="profile.new", priority=True),
        Binding("down", "to_list", N_("To the list"), id="profile.list", show=False),
        # `?` opens help before the search field sees it (see NameSearch); the footer shows the app's own key
        Binding("question_mark", "app.help", N_("Help"), id="profile.help", show=False, priority=True),
    ]

    def compose(self) -> ComposeResult:
        yield Static(_("vocab-tui · English for digital government"), id="topbar")
        with Vertical(id="profile-box"):
            yield Label(_("Who is studying today?"), id="profile-title")
            yield NameSearch(placeholder=_("Type part of your name to find it"), id="profile-filter", max_length=80)
            with Vertical(id="profiles-area"):  # the list grows to the room there is, then scrolls
                yield OptionList(id="profiles")
            yield Static(_("Find your name, choose it with ↑/↓ and press Enter; ctrl+n adds a new profile."),
                         id="profile-hint", classes="hint")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.everyone = self.vocab.store.learners()
        self.activity = self.vocab.store.learner_activity()
        self.refresh_profiles()
        self.query_one("#profile-filter", Input).focus()
        if not self.everyone:  # the very first start: nobody to choose yet
            self.action_new_profile()

    def refresh_profiles(self, query: str = "") -> None:
        """The profiles matching `query`; none is highlighted, so Enter alone never picks somebody."""
        options = self.query_one("#profiles", OptionList)
        options.clear_options()
        shown = [x for x in self.everyone if matches(x, query)]
        for learner in shown:
            options.add_option(Option(profile_label(learner, self.activity.get(learner.id), self.vocab.clock.tz), id=str(learner.id)))
        if query.strip() and not shown:
            options.add_option(Option(_("No profile matches “{text}”.").format(text=query.strip()),
                                      disabled=True))
        options.add_option(Option(_("+ New profile"), id=NEW_PROFILE))
        options.highlighted = None

    @on(Input.Changed, "#profile-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.refresh_profiles(event.value)

    @on(Input.Submitted, "#profile-filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():  # something typed: go to the first match, Enter again opens it
            self.action_to_list()

    def action_to_list(self) -> None:
        options = self.query_one("#profiles", OptionList)
        options.focus()
        if options.highlighted is None:
            options.action_first()

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
        """Enter the profile: after its PIN when it has one; a manager without one chooses one first."""
        from .pins import PinDialog, PinPrompt

        learner = self._still_here(learner_id)
        if learner is None:
            return
        if learner.has_pin:
            self.app.push_screen(PinPrompt(learner), lambda ok: self._enter(learner_id, ok))
        elif learner.role == "manager":
            self.app.push_screen(PinDialog(learner, required=True), lambda ok: self._enter(learner_id, ok))
        else:
            self._enter(learner_id, False)

    def _still_here(self, learner_id: int) -> Learner | None:
        """The profile as stored now; None (said, and the list shown anew) when it was removed or joined
        with another on another terminal since this list was shown."""
        try:
            return self.vocab.store.learner(learner_id)
        except StoreError:
            if self.vocab.store.learner_exists(learner_id):
                raise
            self.vocab.profile_gone(LearnerGoneError(learner_id))
            return None

    def _enter(self, learner_id: int, pin_given: bool | None) -> None:
        from .home import HomeScreen

        learner = self._still_here(learner_id)
        if learner is None:
            return
        if (learner.has_pin or learner.role == "manager") and not pin_given:
            return  # the PIN dialog was closed: stay on the list
        self.vocab.enter(learner, pin_given=bool(pin_given))
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
            yield Label(_("Your NIP (optional, 18 digits)"))
            yield Input(placeholder=_("e.g. 19850412 201001 2 003"), id="nip", max_length=24, restrict=r"[0-9 ]*")
            yield Static("", id="dialog-error", classes="error")
            yield Static(_("Enter: next field, then save · Esc: cancel"), classes="hint")

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
    def to_nip(self) -> None:
        if self._name_missing():
            return
        self.query_one("#nip", Input).focus()

    def _nip_problem(self) -> str | None:
        """What is wrong with the NIP typed (None when it is empty or right), told in the dialog."""
        field = self.query_one("#nip", Input)
        if not field.value.strip():
            return None
        clock = self.vocab.clock
        problems = nip_problems(field.value, clock.now().astimezone(clock.tz).date())
        if not problems:
            return None
        self.query_one("#dialog-error", Static).update("✗ " + _("NIP: {problems}").format(problems="; ".join(problems)))
        field.focus()
        return problems[0]

    @on(Input.Submitted, "#nip")
    def save(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        unit = self.query_one("#unit", Input).value.strip()
        nip = self.query_one("#nip", Input).value
        error = self.query_one("#dialog-error", Static)
        if self._name_missing() or self._nip_problem() is not None:
            return
        offered = getattr(self, "offered", None)
        if offered is not None and same_person_key(name, unit) == same_person_key(offered.name, offered.unit):
            self.dismiss(offered.id)  # Enter again: the learner takes the profile that exists
            return
        try:
            learner = self.vocab.store.add_learner(name, unit, nip=nip)
        except DuplicateNip:
            # whose it is stays unsaid: the dialog is open to anyone at the terminal
            error.update("✗ " + _("This NIP already belongs to another profile. Check it, or leave it empty "
                                  "and ask your manager."))
            self.query_one("#nip", Input).focus()
            return
        except DuplicateLearner as err:
            self.offered = err.existing
            who = err.existing.name + (f" · {err.existing.unit}" if err.existing.unit else "")
            error.update("✗ " + _("{who} already has a profile. Press Enter to open it; if you are "
                                  "another person with this name, add something to tell you apart, "
                                  "like an initial.").format(who=who))
            return
        except StoreError as err:
            error.update("✗ " + str(err))
            return
        self.dismiss(learner.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
