"""The Textual application: a thin shell over the domain modules."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from ..i18n import N_, _
from ..models import Learner
from ..scheduling import SchedulerSettings
from ..workspace import Workspace
from .keys import localize_bindings


class VocabApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "vocab-tui"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+q", "quit", N_("Quit"), id="quit", priority=True),
        Binding("question_mark", "help", N_("Help"), id="help"),
    ]

    def __init__(self, workspace: Workspace, settings: SchedulerSettings | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.store = workspace.store
        self.clock = workspace.clock
        self.scheduler_settings = settings or SchedulerSettings()
        self.learner: Learner | None = None
        localize_bindings(self)

    def on_mount(self) -> None:
        from .screens.profile import ProfileScreen

        self.title = "vocab-tui"
        self.push_screen(ProfileScreen())
        for path in self.workspace.skipped:
            problems = [p for p in self.workspace.problems if p.path == path]
            first = problems[0]
            self.notify(
                _("{path} was skipped: line {line}: {message}").format(
                    path=path, line=first.line, message=first.message
                )
                + (" " + _("(and {n} more; run 'vocab-tui decks check')").format(n=len(problems) - 1)
                   if len(problems) > 1 else ""),
                title=_("Deck skipped"),
                severity="warning",
                timeout=15,
            )

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))
