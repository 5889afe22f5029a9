"""Every screen at 80x24 and 120x40, in Bahasa Indonesia and English.

Approve changes with `pytest --snapshot-update`, after looking at the SVGs.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from fsrs import Rating
from textual.widgets import Input

from vocab_tui.i18n import set_language
from vocab_tui.models import LearnerSettings
from vocab_tui.study import StudySession
from vocab_tui.ui.app import VocabApp

from .conftest import NO_FUZZ

SIZES = {"small": (80, 24), "large": (120, 40)}

BUDI = ["down", "enter"]  # two weeks of history: the mini deck is done for today
SITI = ["down", "down", "enter"]  # new: every card of the mini deck is waiting
# name -> (Siti's study mode, keys pressed from the profile screen)
SCREENS = {
    "profile": ("mixed", []),
    "new-profile": ("mixed", ["ctrl+n", *"Ani", "tab"]),
    "home": ("mixed", SITI),
    "home-done": ("mixed", BUDI),
    "choice": ("mixed", [*SITI, "enter"]),
    "choice-answered": ("mixed", [*SITI, "enter", "2"]),
    "recognition-revealed": ("recognition", [*SITI, "enter", "space", "3", "space", "3", "space"]),
    "typed-diff": ("typed", [*SITI, "enter", *"dwnlaod", "enter"]),
    "summary": ("recognition", [*SITI, "enter", "space", "3", "space", "1", "escape"]),
    "help": ("recognition", [*SITI, "enter", "question_mark"]),
    "options": ("mixed", [*SITI, "o"]),
    "browse": ("mixed", [*BUDI, "slash", *"load"]),
    "statistics": ("recognition", [*BUDI, "t"]),
    "settings": ("mixed", [*SITI, "s"]),
}


def build_app(workspace, clock, mode: str) -> VocabApp:
    store = workspace.store
    siti = store.add_learner("Siti Rahmawati", "Dinas Komunikasi dan Informatika")
    store.update_settings(siti.id, LearnerSettings(default_mode=mode))
    budi = store.add_learner("Budi Santoso", "Bappeda")
    # Two weeks of history for Budi, so that statistics and browse have something to show.
    start = clock.now()
    for day in range(14):
        session = StudySession(store, store.learner(budi.id), ["mini"], clock, NO_FUZZ, mode="recognition")
        n = 0
        while session.next_card() is not None:
            n += 1
            clock.advance(seconds=7)
            session.answer(Rating.Again if n % 5 == 0 else Rating.Good)
        clock.advance(days=1)
    clock.current = start + timedelta(days=14)
    return VocabApp(workspace, NO_FUZZ, rng=random.Random(5))


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(snap_compare, workspace, clock, screen, size, lang):
    set_language(lang)
    mode, keys = SCREENS[screen]
    app = build_app(workspace, clock, mode)

    async def press_then_stop_blinking(pilot) -> None:
        await pilot.press(*keys)
        for field in pilot.app.screen.query(Input):  # a blinking cursor would make the picture flaky
            field.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZES[size], run_before=press_then_stop_blinking)
