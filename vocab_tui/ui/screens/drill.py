"""Drill: ask a card in its mode, judge or let the learner grade it; every answer is saved at once."""

from __future__ import annotations

from collections.abc import Callable

from fsrs import Rating
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Footer, ProgressBar

from ...i18n import N_, _, ngettext
from ...modes import SELF_GRADED, Mode, TypedResult
from ...scheduling import RATINGS, format_interval
from ...store import LearnerGoneError, StoreError
from ...study import Answered, StudyCard, StudySession
from ..safe import Input, Label, Static, markup, plain
from .base import VocabModal, VocabScreen

PART_OF_SPEECH_LABELS = {
    "noun": N_("noun"),
    "verb": N_("verb"),
    "adjective": N_("adjective"),
    "adverb": N_("adverb"),
    "preposition": N_("preposition"),
    "conjunction": N_("conjunction"),
    "pronoun": N_("pronoun"),
    "determiner": N_("determiner"),
    "interjection": N_("interjection"),
    "phrasal verb": N_("phrasal verb"),
    "phrase": N_("phrase"),
    "idiom": N_("idiom"),
}
GRADE_NAMES = {
    Rating.Again: N_("Again"),
    Rating.Hard: N_("Hard"),
    Rating.Good: N_("Good"),
    Rating.Easy: N_("Easy"),
}
MODE_NAMES = {
    Mode.RECOGNITION: N_("Recognition"),
    Mode.PRODUCTION: N_("Production"),
    Mode.TYPED: N_("Typed answer"),
    Mode.CHOICE: N_("Multiple choice"),
    Mode.CLOZE: N_("Cloze"),
}
QUESTION, REVEALED, FEEDBACK = "question", "revealed", "feedback"


DIFF_STYLES = {"same": "", "extra": "strike red"}


def diff_markup(result: TypedResult) -> Content:
    """What the learner typed, as typed: letters not in the answer struck, a ‸ where letters are missing."""
    parts = []
    previous = "same"
    for segment in result.diff:
        if segment.kind in DIFF_STYLES:
            parts.append(plain(segment.text, DIFF_STYLES[segment.kind]))
        elif previous != "extra":  # left out: the answer shows the letters; here only where they go
            parts.append(plain("‸", "b green"))
        previous = segment.kind
    return plain("").join(parts)


class DrillScreen(VocabScreen):
    BINDINGS = [
        Binding("space", "reveal", N_("Show answer"), id="drill.reveal"),
        # The grade buttons show these keys with their intervals; the footer would only repeat them.
        Binding("1", "grade(1)", N_("Again"), id="drill.again", show=False),
        Binding("2", "grade(2)", N_("Hard"), id="drill.hard", show=False),
        Binding("3", "grade(3)", N_("Good"), id="drill.good", show=False),
        Binding("4", "grade(4)", N_("Easy"), id="drill.easy", show=False),
        Binding("1", "choose(1)", N_("Choose"), id="drill.choose1", show=False),
        Binding("2", "choose(2)", N_("Choose"), id="drill.choose2", show=False),
        Binding("3", "choose(3)", N_("Choose"), id="drill.choose3", show=False),
        Binding("4", "choose(4)", N_("Choose"), id="drill.choose4", show=False),
        Binding("enter", "next", N_("Next card"), id="drill.next"),
        Binding("space", "next", N_("Next card"), id="drill.next2", show=False),
        Binding("u,ctrl+z", "undo", N_("Undo"), id="drill.undo"),
        Binding("s", "suspend", N_("Suspend card"), id="drill.suspend", show=False),
        Binding("b", "bury", N_("Bury until tomorrow"), id="drill.bury", show=False),
        Binding("escape", "end", N_("End session"), id="drill.end"),
    ]

    # always_update: a card shown after undo may come back in the same phase, with another hint.
    phase: reactive[str] = reactive(QUESTION, bindings=True, always_update=True)

    def __init__(self, deck_ids: list[str], mode: Mode | None = None, *, extra_new: int = 0,
                 review_ahead_days: int = 0, session: StudySession | None = None) -> None:
        super().__init__()
        self.deck_ids = deck_ids
        self.fixed_mode = mode
        self.extra_new = extra_new
        self.review_ahead_days = review_ahead_days
        self.session: StudySession | None = session  # given: a finished session whose last answer was undone
        self.shown: StudyCard | None = None  # the card on screen (still there after it is answered)
        self._note_timer: Timer | None = None
        self._note: tuple[str | Content, str, SeverityLevel, float] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="drill-top"):
            yield Static(id="drill-mode")
            yield ProgressBar(id="session-progress", show_eta=False, show_percentage=False)
            yield Static(id="drill-count")
        with VerticalScroll(id="card"):
            yield Static(id="card-badge")
            yield Static(id="term")
            yield Static(id="term-info")
            with Vertical(id="options"):
                for number in range(1, 5):
                    with Horizontal(classes="option", id=f"option-{number}"):
                        yield Static(classes="option-key")
                        yield Static(classes="option-text")
            yield Input(id="typed", placeholder=_("Type the English word and press Enter"))
            yield Static(id="feedback")
            with Vertical(id="answer"):
                yield Static(id="answer-term")
                yield Static(id="translation")
                yield Static(id="definition")
                yield Static(id="example")
                yield Static(id="notes")
        yield Static(id="drill-note")
        yield Static(id="drill-hint", classes="hint")
        with Horizontal(id="grades"):
            for rating in RATINGS:
                yield Static(id=f"grade-{int(rating)}", classes="grade")
        yield Footer(show_command_palette=False)

    @classmethod
    def resume(cls, session: StudySession) -> DrillScreen:
        """Go on with a session whose card was just brought back by undo."""
        return cls(session.deck_ids, session=session)

    def on_mount(self) -> None:
        app = self.vocab
        assert app.learner is not None
        if self.session is not None and self.session.current is not None:
            self.show_card()
            return
        self.session = StudySession(
            app.store, app.learner, self.deck_ids, app.clock, app.scheduler_settings,
            mode=self.fixed_mode, extra_new=self.extra_new, review_ahead_days=self.review_ahead_days,
            rng=app.rng,
        )
        if self.session.next_card() is None:  # nothing to study: say so at home, no empty summary
            self.app.pop_screen()
            if self.review_ahead_days:
                message = ngettext("No cards are due in the next day.", "No cards are due in the next {n} days.",
                                   self.review_ahead_days).format(n=self.review_ahead_days)
            else:
                message = _("Nothing to study here right now.")
            self.notify(message, timeout=5)
            return
        app.last_session = self.session  # a new session: the one before can no longer be undone
        self.show_card()

    def notify(self, message: str | Content, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Notes about the session get a line of their own above the hint: a toast would cover the card.

        As with `VocabApp.notify`, a str is shown literally and Content as it is; `markup` is ignored.
        A note still showing when the learner leaves the drill goes with them, as a toast.
        """
        timeout = timeout or (20 if severity == "error" else 5)
        self._note = (message, title, severity, timeout)
        note = self.query_one("#drill-note", Static)
        text = message if isinstance(message, Content) else plain(message)
        note.update(plain(f"{title}: ") + text if title else text)
        note.set_class(severity == "error", "-error")
        note.display = True
        if self._note_timer is not None:
            self._note_timer.stop()
        self._note_timer = self.set_timer(timeout, self._clear_note)

    def _clear_note(self) -> None:
        self._note = None
        self.query_one("#drill-note", Static).display = False

    def _pass_note_on(self) -> None:
        if self._note is not None:
            message, title, severity, timeout = self._note
            self._note = None
            self.app.notify(message, title=title, severity=severity, timeout=timeout)

    def on_screen_suspend(self) -> None:
        self._pass_note_on()

    def on_unmount(self) -> None:
        self._pass_note_on()

    @property
    def card(self) -> StudyCard | None:
        return self.session.current if self.session else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        card = self.shown
        mode = card.mode if card else None
        if action == "reveal":
            return self.phase == QUESTION and mode in SELF_GRADED
        if action == "grade":
            return self.phase == REVEALED
        if action == "choose":
            return self.phase == QUESTION and mode == Mode.CHOICE
        if action == "next":
            return self.phase == FEEDBACK
        if action == "undo":
            return bool(self.session and self.session.can_undo)
        return True

    # -- showing ------------------------------------------------------------------------------

    def show_next(self) -> None:
        assert self.session is not None
        if self.session.next_card() is None:
            self.finish()
            return
        self.show_card()

    def show_card(self) -> None:
        card = self.card
        assert card is not None
        self.shown = card
        c = card.card
        self.query_one("#drill-mode", Static).update(_(MODE_NAMES[card.mode]))
        self.query_one("#card-badge", Static).update(_("NEW") if card.is_new else "")
        details = [c.ipa, _(PART_OF_SPEECH_LABELS.get(c.part_of_speech or "", c.part_of_speech or "")), c.level]
        info = " · ".join(x for x in details if x)
        if card.mode in (Mode.RECOGNITION, Mode.CHOICE):
            prompt = c.term
        elif card.mode == Mode.CLOZE:
            assert card.cloze is not None
            prompt = card.cloze.sentence
            info = c.definition  # the translation of the example often repeats a loanword
        else:
            prompt = c.translation
            info = c.definition
        self.query_one("#term", Static).update(prompt)
        self.query_one("#term-info", Static).update(info)
        self.query_one("#options").display = card.mode == Mode.CHOICE
        if card.mode == Mode.CHOICE:
            self.show_options()
        typed = self.query_one("#typed", Input)
        typed.display = card.mode in (Mode.TYPED, Mode.CLOZE)
        typed.disabled = False
        typed.value = ""
        if typed.display:
            typed.focus()
        else:
            self.set_focus(None)
        self.query_one("#feedback", Static).update("")
        self.fill_answer(card)
        self.phase = QUESTION
        self.update_progress()

    def show_options(self, chosen: int | None = None) -> None:
        """The choices, numbered; once chosen, the right one gets ✓ and a wrong choice ✗."""
        card = self.shown
        assert card is not None
        for number in range(1, 5):
            row = self.query_one(f"#option-{number}")
            row.display = number <= len(card.options)
            if not row.display:
                continue
            option = card.options[number - 1]
            mark = plain("  ")
            if chosen is not None and option.id == card.card.id:
                mark = plain("✓", "b green") + " "
            elif chosen == number:
                mark = plain("✗", "b red") + " "
            row.query_one(".option-key", Static).update(mark + plain(number, "b"))
            row.query_one(".option-text", Static).update(option.translation)

    def fill_answer(self, card: StudyCard) -> None:
        c = card.card
        self.query_one("#answer-term", Static).update(plain(c.term, "b") + (plain(f"  {c.ipa}") if c.ipa else ""))
        self.query_one("#translation", Static).update(c.translation)
        meaning = plain(c.definition)
        if c.acronym_of:
            meaning = markup("[b]{acronym}[/b] — {meaning}", acronym=c.acronym_of, meaning=meaning)
        self.query_one("#definition", Static).update(meaning)
        example = plain(f"“{c.example}”")
        if c.example_translation:
            example += "\n" + plain(f"“{c.example_translation}”", "dim")
        self.query_one("#example", Static).update(example)
        self.query_one("#notes", Static).display = bool(c.notes)  # no blank rows to scroll past
        self.query_one("#notes", Static).update(_("Note: {text}").format(text=c.notes) if c.notes else "")

    def update_progress(self) -> None:
        """Cards left today as new / learning / review, and a bar that only moves forward."""
        session = self.session
        assert session is not None
        left = session.left()
        done = session.studied / max(1, session.studied + left.total)
        self.done_percent = max(getattr(self, "done_percent", 0), round(100 * done))
        self.query_one("#session-progress", ProgressBar).update(total=100, progress=self.done_percent)
        self.query_one("#drill-count", Static).update(
            plain(f"{_('New')} {left.new}", "bold $text-primary") + plain(" · ")
            + plain(f"{_('Learning')} {left.learning}", "bold $text-error") + plain(" · ")
            + plain(f"{_('Due')} {left.review}", "bold $text-success"))

    def watch_phase(self, phase: str) -> None:
        card = self.shown
        self.query_one("#answer").display = phase != QUESTION
        self.query_one("#feedback").display = phase == FEEDBACK  # no empty row above the answer
        self.query_one("#grades").display = phase == REVEALED
        # In recognition the term is already the prompt; the answer repeats it only in other modes.
        self.query_one("#answer-term").display = not (card and card.mode in (Mode.RECOGNITION, Mode.CHOICE))
        hint = self.query_one("#drill-hint", Static)
        mode = card.mode if card else None
        if phase == QUESTION:
            hint.update({
                Mode.RECOGNITION: _("Do you know what it means? Press Space to show the answer."),
                Mode.PRODUCTION: _("Say the English word to yourself, then press Space."),
                Mode.CHOICE: _("Which is the right meaning? Press 1, 2, 3 or 4."),
                Mode.TYPED: _("Type the English word and press Enter."),
                Mode.CLOZE: _("Type the missing word and press Enter."),
            }.get(mode, ""))
        else:
            self.query_one("#card").focus()  # arrow keys scroll a long answer
        if phase == REVEALED:
            hint.update(_("How well did you remember? Press 1, 2, 3 or 4."))
            assert self.session is not None
            intervals = self.session.intervals()
            for rating in RATINGS:
                self.query_one(f"#grade-{int(rating)}", Static).update(
                    markup("[b]{n}[/b] {grade}\n{interval}", n=int(rating), grade=_(GRADE_NAMES[rating]),
                           interval=format_interval(intervals[rating]))
                )
        elif phase == FEEDBACK:
            hint.update(_("Saved. Press Enter for the next card, or U to undo."))

    # -- answering ----------------------------------------------------------------------------

    def action_reveal(self) -> None:
        if self.card is not None and self.phase == QUESTION:
            self.phase = REVEALED

    def action_grade(self, value: int) -> None:
        if self.phase != REVEALED or self.card is None:
            return
        answered = self.save(Rating(value))
        if answered is None:
            return
        if answered.became_leech:  # the next card waits until the learner has decided
            self.ask_about_leech(then=self.show_next)
        else:
            self.show_next()

    def action_choose(self, number: int) -> None:
        card = self.card
        if card is None or self.phase != QUESTION or not 1 <= number <= len(card.options):
            return
        right = card.options[number - 1].id == card.card.id
        answered = self.save(Rating.Good if right else Rating.Again)
        if answered is None:
            return
        self.show_options(chosen=number)
        self.query_one("#feedback", Static).update(
            _("✓ Right!") if right else _("✗ Not quite. The answer is: {answer}").format(
                answer=card.card.translation)
        )
        self.phase = FEEDBACK
        if answered.became_leech:
            self.ask_about_leech()

    @on(Input.Submitted, "#typed")
    def typed_answer(self, event: Input.Submitted) -> None:
        card = self.card
        if card is None or self.phase != QUESTION:
            return
        result = card.check(event.value)
        answered = self.save(result.rating)
        if answered is None:
            return
        event.input.disabled = True
        self.set_focus(None)
        answer = result.expected
        if result.verdict == "correct":
            text = markup(_("✓ Correct: {answer}"), answer=answer)
        elif result.verdict == "close":
            text = markup(_("≈ Almost: {diff} → {answer} (counted as Hard)"), diff=diff_markup(result), answer=answer)
        else:
            text = markup(_("✗ Not quite. The answer is: {answer}"), answer=answer)
            if result.typed.strip():
                text += "\n" + markup(_("You typed: {diff}"), diff=diff_markup(result))
        self.query_one("#feedback", Static).update(text)
        self.phase = FEEDBACK
        if answered.became_leech:
            self.ask_about_leech()

    def save(self, rating: Rating) -> Answered | None:
        assert self.session is not None
        try:
            answered = self.session.answer(rating)
        except LearnerGoneError as err:
            self.vocab.profile_gone(err)
            return None
        except StoreError as err:
            self.notify(str(err) + " " + _("Your answer was not saved; try again."),
                        title=_("Could not save"), severity="error", timeout=20)
            return None
        self.update_progress()
        if answered.rebased:
            self.notify(_("This card was studied on another screen; your answer was applied to its newest progress."),
                        timeout=6)
        return answered

    def ask_about_leech(self, then: Callable[[], None] | None = None) -> None:
        """Offer to suspend the card just answered; `then` runs once the learner has decided."""
        card = self.shown

        def decided(suspend: bool | None) -> None:
            if suspend and self.session is not None and card is not None:
                try:
                    self.session.suspend_last()
                except StoreError as err:
                    self.notify(str(err), severity="error", markup=False)
                else:
                    self.notify(_("“{term}” is suspended. You can find it again in Browse.").format(
                        term=card.card.term), timeout=5, markup=False)
            if then is not None:
                then()

        self.app.push_screen(LeechScreen(), decided)

    def action_next(self) -> None:
        if self.phase == FEEDBACK:
            self.show_next()

    def action_undo(self) -> None:
        if self.session is None or not self.session.can_undo:
            return
        message = undo_message(self.session)
        try:
            restored = self.session.undo()
        except LearnerGoneError as err:
            self.vocab.profile_gone(err)
            return
        except StoreError as err:
            self.refresh_bindings()  # a refused undo may leave nothing more to take back
            self.notify(str(err), severity="error", markup=False)
            return
        if restored is not None:
            self.show_card()
            self.notify(message, timeout=3, markup=False)

    def action_suspend(self) -> None:
        self._put_away(suspend=True)

    def action_bury(self) -> None:
        self._put_away(suspend=False)

    def _put_away(self, suspend: bool) -> None:
        session = self.session
        if session is None:
            return
        card = self.shown
        if card is None:
            return
        message = (_("“{term}” is suspended (U takes it back).") if suspend
                   else _("“{term}” is buried until tomorrow (U takes it back).")).format(term=card.card.term)
        try:
            if self.phase == FEEDBACK:  # the card on screen was already answered: undo takes back both
                if suspend:
                    session.suspend_last()
                else:
                    session.bury_last()
            else:
                nxt = session.suspend_current() if suspend else session.bury_current()
        except LearnerGoneError as err:
            self.vocab.profile_gone(err)
            return
        except StoreError as err:  # not saved: the card stays where it was
            self.notify(str(err), severity="error", markup=False)
            return
        self.notify(message, timeout=4, markup=False)
        if self.phase == FEEDBACK:
            self.show_next()
            return
        if nxt is None:
            self.finish()
        else:
            self.show_card()

    def action_end(self) -> None:
        self.finish()

    def finish(self) -> None:
        from .summary import SummaryScreen

        assert self.session is not None
        self.app.switch_screen(SummaryScreen(self.session.summary()))


def undo_message(session: StudySession) -> str:
    """What undo is about to take back, said before it does."""
    if session.undo_is_answer:
        return _("Last answer taken back.")
    step_card = session.last_put_away
    term = step_card.card.term if step_card is not None else ""
    return _("“{term}” is back in this session.").format(term=term)


class LeechScreen(VocabModal):
    """A card keeps slipping away: offer to set it aside."""

    BINDINGS = [
        Binding("s", "decide(True)", N_("Suspend it"), id="leech.suspend"),
        Binding("enter,escape", "decide(False)", N_("Keep studying it"), id="leech.keep"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("This word keeps slipping away"), classes="dialog-title")
            yield Static(_("You have forgotten it many times, so it is now marked as a leech. "
                           "Suspend it for now and come back to it later from Browse, "
                           "or keep studying it."))
            yield Static(_("S: suspend · Enter: keep studying"), classes="hint")

    def action_decide(self, suspend: bool) -> None:
        self.dismiss(suspend)
