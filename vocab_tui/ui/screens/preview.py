"""Deck preview for trainers: page through a deck's cards as a learner sees them in each mode,
with the deck file's problems for the card shown beside it.

The card is drawn by the drill screen itself (this screen is a drill without a session), so what a
trainer sees is what a learner gets.
"""

from __future__ import annotations

import random
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding

from ...decks import Problem, problems_by_card
from ...i18n import N_, _, ngettext
from ...models import StoredCard
from ...modes import Mode
from ...study import StudyCard, prepare_card
from ..safe import Input, Static, plain
from .drill import FEEDBACK, MODE_NAMES, QUESTION, DrillScreen

PREVIEW_MODES = (Mode.RECOGNITION, Mode.PRODUCTION, Mode.TYPED, Mode.CHOICE, Mode.CLOZE)
# The drill's own keys that answer, save or change progress: never offered here.
_DRILL_ACTIONS = {"grade", "choose", "next", "undo", "suspend", "bury", "end", "reveal"}


class PreviewScreen(DrillScreen):
    BINDINGS = [
        Binding("right,n", "card(1)", N_("Next card"), id="preview.next"),
        Binding("left,p", "card(-1)", N_("Previous card"), id="preview.previous"),
        Binding("m", "mode", N_("Next mode"), id="preview.mode"),
        Binding("space", "flip", N_("Show answer"), id="preview.flip"),
        Binding("escape", "back", N_("Back"), id="preview.back"),
    ]

    def __init__(self, deck_id: str) -> None:
        super().__init__([deck_id])
        self.deck_id = deck_id
        self.index = 0
        self.mode_index = 0
        self.cards: list[StoredCard] = []
        self.problems: dict[int, list[Problem]] = {}
        self.file_problems: list[Problem] = []

    def compose(self) -> ComposeResult:
        yield Static(id="preview-problems")
        yield from super().compose()

    def on_mount(self) -> None:
        app = self.vocab
        self.query_one("#session-progress").display = False  # no session: nothing to progress through
        self.cards = app.store.deck_cards(self.deck_id)
        source = app.store.deck_source(self.deck_id)
        if source:
            self.problems, self.file_problems = problems_by_card(Path(source))
        if not self.cards:
            self.app.pop_screen()
            self.app.notify(_("This deck has no cards to preview."), severity="warning")
            return
        self.show_preview()

    @property
    def card(self) -> StudyCard | None:
        return self.shown

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _DRILL_ACTIONS:
            return False
        if action == "flip":
            return self.phase == QUESTION
        return True

    # -- showing -------------------------------------------------------------------------------

    def show_preview(self) -> None:
        app = self.vocab
        stored = self.cards[self.index]
        # a fixed seed per card: the same distractors each time the card is shown
        rng = random.Random(stored.pk)
        self.shown = prepare_card(stored, None, PREVIEW_MODES[self.mode_index],
                                  lambda: app.store.choice_candidates(stored, [self.deck_id], rng), rng)
        self.show_card()
        typed = self.query_one("#typed", Input)
        typed.disabled = True  # the keys are the preview's, not an answer's
        self.set_focus(None)
        self.show_problems(stored)

    def show_problems(self, stored: StoredCard) -> None:
        panel = self.query_one("#preview-problems", Static)
        mine = self.problems.get(stored.card.position, [])
        text = plain(_("Deck file problems"), "b") + "\n"
        if mine:
            text += plain("\n".join(f"{p.line}:{p.column}: {p.message}" for p in mine), "$text-error")
        else:
            text += plain(_("None for this card."), "$text-success")
        if self.file_problems:
            text += "\n\n" + plain(ngettext("{n} more in the file as a whole (decks check)",
                                            "{n} more in the file as a whole (decks check)",
                                            len(self.file_problems)).format(n=len(self.file_problems)), "dim")
        panel.update(text)

    def update_progress(self) -> None:
        """Which card of how many, instead of a session's progress."""
        if not self.cards:
            return
        mode = PREVIEW_MODES[self.mode_index]
        self.query_one("#drill-count", Static).update(
            _("Card {n} of {total}").format(n=self.index + 1, total=len(self.cards)))
        shown = self.shown
        asked = _(MODE_NAMES[shown.mode]) if shown is not None else ""
        if shown is not None and shown.mode != mode:  # e.g. a cloze without the term in its example
            asked = _("{asked} (no {mode} possible for this card)").format(asked=asked, mode=_(MODE_NAMES[mode]))
        self.query_one("#drill-mode", Static).update(_("Preview") + " · " + asked)

    def watch_phase(self, phase: str) -> None:
        if phase == FEEDBACK:
            # The drill's feedback look (the answer, no grades), with the preview's own hint.
            super().watch_phase(phase)
            self.query_one("#drill-hint", Static).update(_("→ next card · ← previous · M: next mode"))
            if self.shown is not None and self.shown.mode == Mode.CHOICE:
                right = [o.id for o in self.shown.options].index(self.shown.card.id) + 1
                self.show_options(chosen=right)
        else:
            super().watch_phase(phase)
            self.query_one("#drill-hint", Static).update(
                _("Preview: Space shows the answer · → next card · ← previous · M: next mode"))

    # -- keys --------------------------------------------------------------------------------------

    def action_card(self, step: int) -> None:
        self.index = (self.index + step) % len(self.cards)
        self.show_preview()

    def action_mode(self) -> None:
        self.mode_index = (self.mode_index + 1) % len(PREVIEW_MODES)
        self.show_preview()

    def action_flip(self) -> None:
        if self.phase == QUESTION and self.shown is not None:
            self.phase = FEEDBACK

    def action_back(self) -> None:
        self.app.pop_screen()
