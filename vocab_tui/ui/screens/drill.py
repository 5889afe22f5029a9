"""Drill: show a term, reveal the answer, grade it; every grade is saved before the next card."""

from __future__ import annotations

from fsrs import Rating
from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Footer, ProgressBar, Static

from ...i18n import N_, _
from ...scheduling import RATINGS, format_interval
from ...store import StoreError
from ...study import StudySession
from .base import VocabScreen

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


class DrillScreen(VocabScreen):
    BINDINGS = [
        Binding("space", "reveal", N_("Show answer"), id="drill.reveal"),
        Binding("1", "grade(1)", N_("Again"), id="drill.again"),
        Binding("2", "grade(2)", N_("Hard"), id="drill.hard"),
        Binding("3", "grade(3)", N_("Good"), id="drill.good"),
        Binding("4", "grade(4)", N_("Easy"), id="drill.easy"),
        Binding("escape", "end", N_("End session"), id="drill.end"),
    ]

    revealed: reactive[bool] = reactive(False, bindings=True)

    def __init__(self, deck_ids: list[str]) -> None:
        super().__init__()
        self.deck_ids = deck_ids
        self.session: StudySession | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="drill-top"):
            yield ProgressBar(id="session-progress", show_eta=False, show_percentage=False)
            yield Static(id="drill-count")
        with VerticalScroll(id="card"):
            yield Static(id="card-badge")
            yield Static(id="term")
            yield Static(id="term-info")
            with Vertical(id="answer"):
                yield Static(id="translation")
                yield Static(id="definition")
                yield Static(id="example")
                yield Static(id="notes")
        yield Static(id="drill-hint", classes="hint")
        with Horizontal(id="grades"):
            for rating in RATINGS:
                yield Static(id=f"grade-{int(rating)}", classes="grade")
        yield Footer()

    def on_mount(self) -> None:
        app = self.vocab
        assert app.learner is not None
        self.session = StudySession(app.store, app.learner, self.deck_ids, app.clock, app.scheduler_settings)
        self.show_next()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return not self.revealed
        if action == "grade":
            return self.revealed
        return True

    def show_next(self) -> None:
        session = self.session
        assert session is not None
        card = session.next_card()
        if card is None:
            self.finish()
            return
        c = card.stored.card
        self.query_one("#card-badge", Static).update(_("NEW") if card.is_new else "")
        self.query_one("#term", Static).update(escape(c.term))
        info = [x for x in (c.ipa, _(PART_OF_SPEECH_LABELS.get(c.part_of_speech, c.part_of_speech)) if c.part_of_speech else None, c.level) if x]
        self.query_one("#term-info", Static).update(escape(" · ".join(info)))
        self.query_one("#translation", Static).update(escape(c.translation))
        meaning = escape(c.definition)
        if c.acronym_of:
            meaning = f"[b]{escape(c.acronym_of)}[/b] — {meaning}"
        self.query_one("#definition", Static).update(meaning)
        example = f"“{escape(c.example)}”"
        if c.example_translation:
            example += f"\n[dim]“{escape(c.example_translation)}”[/dim]"
        self.query_one("#example", Static).update(example)
        self.query_one("#notes", Static).update(_("Note: {text}").format(text=escape(c.notes)) if c.notes else "")
        self.revealed = False
        self.update_progress()

    def update_progress(self) -> None:
        session = self.session
        assert session is not None
        total = session.studied + session.remaining
        bar = self.query_one("#session-progress", ProgressBar)
        bar.update(total=max(total, 1), progress=session.studied)
        self.query_one("#drill-count", Static).update(
            _("{done} of {total}").format(done=session.studied, total=total)
        )

    def watch_revealed(self, revealed: bool) -> None:
        self.query_one("#answer").display = revealed
        self.query_one("#grades").display = revealed
        hint = self.query_one("#drill-hint", Static)
        if not revealed:
            hint.update(_("Do you know what it means? Press Space to show the answer."))
            return
        hint.update(_("How well did you remember? Press 1, 2, 3 or 4."))
        assert self.session is not None
        intervals = self.session.intervals()
        for rating in RATINGS:
            self.query_one(f"#grade-{int(rating)}", Static).update(
                f"[b]{int(rating)}[/b] {_(GRADE_NAMES[rating])}\n{format_interval(intervals[rating])}"
            )

    def action_reveal(self) -> None:
        if self.session and self.session.current:
            self.revealed = True

    def action_grade(self, value: int) -> None:
        if not self.revealed or not self.session or not self.session.current:
            return
        try:
            self.session.answer(Rating(value))
        except StoreError as err:
            self.notify(str(err) + " " + _("Your answer was not saved; try again."),
                        title=_("Could not save"), severity="error", timeout=20)
            return
        self.show_next()

    def action_end(self) -> None:
        self.finish()

    def finish(self) -> None:
        from .summary import SummaryScreen

        assert self.session is not None
        self.app.switch_screen(SummaryScreen(self.session.summary()))
