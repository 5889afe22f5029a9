"""The Textual application: a thin shell over the domain modules."""

from __future__ import annotations

import gc
import random
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from rich.align import Align
from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import Screen

from ..config import Config
from ..i18n import LANGUAGE_NAMES, N_, _, current_language, ngettext, set_language
from ..models import Learner
from ..scheduling import SchedulerSettings
from ..store import LearnerGoneError, StoreError
from ..text import visible
from .keys import binding_ids, keymap_ids, localize_bindings, set_keymap
from .safe import Option, command, markup, plain
from .themes import HIGH_CONTRAST, THEMES

if TYPE_CHECKING:  # annotations only: the first screen needs neither a study session nor the deck loader
    from ..crash import Crash
    from ..study import StudySession
    from ..workspace import Workspace


class VocabPalette(CommandPalette):
    """Textual's command palette, speaking the interface language."""

    BINDINGS = [
        Binding("escape", "escape", N_("Close the command palette")),
        Binding("down", "cursor_down", N_("Next command"), show=False),
        Binding("pagedown", "command_list('page_down')", N_("Next page"), show=False),
        Binding("pageup", "command_list('page_up')", N_("Previous page"), show=False),
        Binding("up", "command_list('cursor_up')", N_("Previous command"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__(placeholder=_("Type a command…"), id="--command-palette")
        localize_bindings(self)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(plain(_("No matching command"), "not bold")),
                           disabled=True, id=self._NO_MATCHES)
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


def known_binding_ids() -> set[str]:
    """The id of every binding of the app and its screens (imports every screen: ask only when needed)."""
    from .screens import (
        browse,
        dashboard,
        drill,
        help,
        home,
        options,
        pins,
        preview,
        profile,
        settings,
        stats,
        summary,
        terms,
    )

    screens = [home.HomeScreen, drill.DrillScreen, drill.LeechScreen, profile.ProfileScreen,
               profile.NewProfileScreen, browse.BrowseScreen, stats.StatsScreen, settings.SettingsScreen,
               summary.SummaryScreen, help.HelpScreen, options.StudyOptionsScreen,
               dashboard.DashboardScreen, dashboard.ExportPathScreen, preview.PreviewScreen, terms.TermsScreen,
               pins.PinPrompt, pins.PinDialog, pins.ResetPinScreen]
    return binding_ids([VocabApp, *screens])


class VocabApp(App[None]):
    """The app. Who is studying is `learner`; `enter` sets it, and the idle lock (see `lock_if_idle`)
    or switching profile clears it. Manager screens ask `manager_access()` before they open."""

    CSS_PATH = "app.tcss"
    IDLE_CHECK_SECONDS = 5.0  # how often the clock is asked whether the idle time has passed
    TITLE = "vocab-tui"
    BINDINGS = [
        Binding("ctrl+q", "quit", N_("Quit"), id="quit", priority=True),
        Binding("question_mark", "help", N_("Help"), id="help"),
        Binding("ctrl+p", "command_palette", N_("Commands"), id="commands", show=False, priority=True),
    ]

    def __init__(
        self,
        workspace: Workspace,
        settings: SchedulerSettings | None = None,
        config: Config | None = None,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.store = workspace.store
        self.clock = workspace.clock
        self.scheduler_settings = settings or SchedulerSettings()
        self.config = config or Config()
        self.learner: Learner | None = None
        # The learner's latest session: its last answer can be taken back until another one starts.
        self.last_session: StudySession | None = None
        self.rng = rng or random.Random()
        self.crash: Crash | None = None  # set when an unexpected error stopped the app
        self.pin_given = False  # whether the learner's PIN was typed (or chosen) on entering
        self.last_input = self.clock.now()  # the last key press or mouse action, by the app's clock
        set_keymap(self.config.keys)
        localize_bindings(self)

    @on(events.Ready)
    def _collect_again(self) -> None:
        """The first screen is drawn: the cyclic collector, held off during start-up (`cli._run_app`), runs again."""
        gc.enable()

    def on_mount(self) -> None:
        from .screens.profile import ProfileScreen

        self.register_theme(HIGH_CONTRAST)
        self.use_theme(self.config.theme)
        self.push_screen(ProfileScreen())
        if self.config.idle_lock_minutes > 0:
            self.set_interval(self.IDLE_CHECK_SECONDS, self.lock_if_idle)
        self.announce_skipped_decks()
        for warning in self.workspace.warnings:
            self.notify(warning, title=_("Database"), severity="warning", timeout=20, markup=False)
        for warning in self.config.warnings:
            self.notify(str(warning), title=_("Settings file"), severity="warning", timeout=15)
        backup = self.workspace.backup
        if backup is not None and backup.thread is not None:  # a big file is copied while the app runs
            self._backup_timer = self.set_interval(1.0, self._check_backup)
        remapped = keymap_ids()  # checked only when the settings remap keys: it imports every screen
        unknown = sorted(remapped - known_binding_ids()) if remapped else []
        if unknown:
            self.notify(
                _("Unknown key binding ids in [keys]: {ids}. See the user guide for the list.").format(
                    ids=", ".join(unknown)),
                title=_("Settings file"), severity="warning", timeout=15,
            )

    def _check_backup(self) -> None:
        """Tell of a daily backup made in the background that failed (a warning: the app goes on)."""
        backup = self.workspace.backup
        if backup is None or backup.thread is None or backup.thread.is_alive():
            return
        self._backup_timer.stop()
        if backup.error is not None:
            self.notify(backup.error, title=_("Database"), severity="warning", timeout=20, markup=False)

    # -- who is studying: entering a profile, the idle lock, manager access -----------------------

    def enter(self, learner: Learner, *, pin_given: bool) -> None:
        """Make `learner` the one studying (the profile screen calls this once the PIN is right)."""
        self.learner = learner
        self.pin_given = pin_given
        self.last_input = self.clock.now()

    def manager_access(self) -> bool:
        """Whether manager screens and exports may open: a manager's profile, entered with its PIN.

        The role is read again from the database, so a profile made manager meanwhile (entered
        without a PIN) gets no access until it is entered again with one.
        """
        if self.learner is None or not self.pin_given:
            return False
        try:
            current = self.store.learner(self.learner.id)
        except StoreError:
            return False
        return current.role == "manager" and current.has_pin

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseEvent | events.Paste) and not event.is_forwarded:
            self.last_input = self.clock.now()
        await super().on_event(event)

    def lock_if_idle(self) -> bool:
        """Lock back to the profile list when nobody has pressed a key or used the mouse for the
        `idle_lock_minutes` setting, so that the next person cannot go on with this session.

        Every answer is saved as it is given, so leaving a drill loses nothing. Returns whether it locked.
        """
        minutes = self.config.idle_lock_minutes
        if minutes <= 0 or self.learner is None:
            return False
        if self.clock.now() - self.last_input < timedelta(minutes=minutes):
            return False
        self.action_switch_profile()
        self.call_later(self._after_lock, minutes)
        return True

    def _after_lock(self, minutes: float) -> None:
        self.clear_notifications()  # what the last learner was told is not for the next one
        self.notify(ngettext("Locked after {n} minute without use: choose your profile to go on.",
                             "Locked after {n} minutes without use: choose your profile to go on.",
                             round(minutes)).format(n=f"{minutes:g}"), timeout=30)

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error: write a report without personal data, then close the app.

        Replaces Textual 8.2's handler, which prints a traceback with the local variables of
        every frame (learner names, typed answers) to the terminal. Every answer was already
        committed when it was given, so nothing answered is lost. The caller prints
        `self.crash.message()` once the terminal is restored (see `vocab_tui.cli`).
        """
        from ..crash import CRASH_EXIT_CODE, write_report  # loaded only when something went wrong

        if self.crash is None:
            self.crash = write_report(error, "vocab-tui (app)", self.clock)
        self._return_code = CRASH_EXIT_CODE
        if self._exception is None:  # as Textual does: run_test() raises it again for tests
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()

    def use_theme(self, name: str) -> None:
        self.theme_name = name
        self.theme = THEMES[name][0]

    def announce_skipped_decks(self) -> None:
        for path in self.workspace.skipped:
            problems = [p for p in self.workspace.problems if p.path == path]
            first = problems[0]
            message = _("{path} was skipped: line {line}: {message}").format(
                path=path, line=first.line, message=first.message
            )
            if len(problems) > 1:
                message += " " + _("(and {n} more; run 'vocab-tui decks check')").format(n=len(problems) - 1)
            self.notify(message, title=_("Deck skipped"), severity="warning", timeout=15)

    def notify(self, message: str | Content, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """A notification; a str message is always shown literally (for the app's own styling pass Content
        from `safe.markup`). `markup` is ignored: a screen's `self.notify` passes Textual's default, True.
        """
        if isinstance(message, Content):  # Textual reads Content as it is (from_markup returns it unchanged)
            super().notify(message, title=visible(title), severity=severity, timeout=timeout, markup=True)
        else:
            super().notify(visible(message, allow="\n"), title=visible(title), severity=severity, timeout=timeout,
                           markup=False)

    # -- actions offered everywhere -----------------------------------------------------------

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_help_quit(self) -> None:
        """ctrl+c does not quit a Textual app: say (in the interface language) what does."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(markup(_("Press [b]{key}[/b] to quit; your progress is already saved."),
                                   key=self.get_key_display(active.binding)), title=_("Do you want to quit?"))
                return

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):
            self.push_screen(VocabPalette())

    def action_switch_language(self) -> None:
        set_language("en" if current_language() == "id" else "id")
        localize_bindings(self)
        self.restart_screens()
        self.notify(_("Interface language: {language}").format(language=LANGUAGE_NAMES[current_language()]),
                    timeout=4)

    def action_cycle_theme(self) -> None:
        names = list(THEMES)
        self.use_theme(names[(names.index(self.theme_name) + 1) % len(names)])
        self.notify(_("Theme: {name}").format(name=_(THEMES[self.theme_name][1])), timeout=4)

    def profile_gone(self, err: LearnerGoneError) -> None:
        """The chosen profile was removed or joined with another elsewhere: say so and go back to the list."""
        self.notify(str(err), title=_("Profile not found"), severity="error", timeout=20)
        self.last_session = None
        self.action_switch_profile()

    def action_switch_profile(self) -> None:
        from .screens.profile import ProfileScreen

        self.learner = None
        self.pin_given = False
        self._reset_to(ProfileScreen())

    def action_pin(self) -> None:
        from .screens.pins import PinDialog

        if self.learner is not None:
            self.push_screen(PinDialog(self.store.learner(self.learner.id)))

    def action_reset_pin(self) -> None:
        from .screens.pins import ResetPinScreen

        if self.manager_access():
            self.push_screen(ResetPinScreen())

    def action_study_all(self) -> None:
        from .screens.drill import DrillScreen
        from .screens.home import HomeScreen

        if self.learner is None:
            self.notify(_("Choose your profile first."), severity="warning")
            return
        self._reset_to(HomeScreen())
        self.push_screen(DrillScreen(list(self.workspace.deck_ids)))

    def _open_from_home(self, what: str) -> None:
        """Go to the home screen and open one of its screens (statistics, browse, settings)."""
        from .screens.home import HomeScreen

        if not isinstance(self.screen, HomeScreen):
            self._reset_to(HomeScreen())
        self.call_later(lambda: getattr(self.screen, f"action_{what}")())

    def restart_screens(self) -> None:
        """Build the screens again (after a language change), keeping the learner."""
        from .screens.home import HomeScreen
        from .screens.profile import ProfileScreen

        self._reset_to(HomeScreen() if self.learner else ProfileScreen())

    def _reset_to(self, screen: Screen) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(screen)

    def is_trainer(self) -> bool:
        """Whether the chosen profile may preview decks and read the hardest-terms report."""
        return self.learner is not None and self.learner.role in ("trainer", "manager")

    def can_take_back(self) -> bool:
        """Whether the chosen learner's latest session still has an answer to take back."""
        session = self.last_session
        return (session is not None and session.can_undo and self.learner is not None
                and session.learner.id == self.learner.id)

    def take_back(self) -> StudySession | None:
        """Undo the last answer of the latest session; the session, showing that card again, or None."""
        from .screens.drill import undo_message

        session = self.last_session
        if session is None or not self.can_take_back():
            return None
        message = undo_message(session)
        try:
            session.undo()
        except LearnerGoneError as err:
            self.profile_gone(err)
            return None
        except StoreError as err:
            self.notify(str(err), title=_("Could not undo"), severity="error", markup=False)
            return None
        self.notify(message, timeout=3, markup=False)
        return session

    def get_key_display(self, binding: Binding) -> str:
        display = super().get_key_display(binding)
        # Keys can come from the settings file: shown (footer, help) without their control characters.
        return visible({"space": _("space"), "esc": _("esc")}.get(display, display))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        commands: list[tuple[str, str, Callable[[], object]]] = []
        if self.learner is not None:
            commands += [
                (_("Study all decks"), _("Start a session with every deck"), self.action_study_all),
                (_("Statistics"), _("Your streak, study days, reviews and what is coming"),
                 lambda: self._open_from_home("stats")),
                (_("Browse"), _("Find any word in the decks and your history with it"),
                 lambda: self._open_from_home("browse")),
                (_("Settings"), _("Daily limits, desired retention, study mode"),
                 lambda: self._open_from_home("settings")),
                (_("Reload decks"), _("Read the deck files again after a trainer changed them"),
                 lambda: self._open_from_home("reload")),
            ]
        if self.is_trainer():
            commands += [
                (_("Preview deck"), _("See the chosen deck's cards as learners do, with its problems"),
                 lambda: self._open_from_home("preview")),
                (_("Hardest terms"), _("Which words learners forget most, to explain in class"),
                 lambda: self._open_from_home("terms")),

                (_("PIN"), _("Set, change or remove the PIN of your profile"), self.action_pin),
            ]
            if self.manager_access():
                commands.append((_("Reset a learner's PIN"), _("For a learner who forgot theirs"),
                                 self.action_reset_pin))
        commands += [
            (_("Switch profile"), _("Choose another learner"), self.action_switch_profile),
            (_("Language: Bahasa Indonesia / English"), _("Switch the interface language"),
             self.action_switch_language),
            (_("Theme"), _("Default, high contrast, or terminal colours only"), self.action_cycle_theme),
            (_("Help"), _("The keys of this screen"), self.action_help),
            (_("Quit"), _("Close vocab-tui; your progress is already saved"), self.exit),
        ]
        for title, help_text, callback in commands:
            yield command(title, help_text, callback)
