"""What the learner sees when a typed answer or a cloze is judged, with Pilot, in a deck made for it."""

from __future__ import annotations

import random

import pytest
import yaml
from textual.widgets import Static

from vocab_tui import i18n
from vocab_tui.models import LearnerSettings
from vocab_tui.ui.app import VocabApp
from vocab_tui.ui.screens.drill import DrillScreen
from vocab_tui.workspace import open_workspace

from .conftest import NO_FUZZ

CARDS = {
    "report": {"term": "report", "translation": "laporan", "definition": "A written account of something.",
               "example": "Send the report today; the report is due at noon.",
               "example_translation": "Kirim laporan hari ini; laporan itu harus masuk siang nanti.",
               "part_of_speech": "noun"},
    "e-government": {"term": "e\u00adgovernment", "translation": "pemerintahan elektronik",
                     "definition": "Government services offered online.",
                     "example": "The city moved its permits to e-government.", "part_of_speech": "noun"},
    "email address": {"term": "email address", "translation": "alamat surel",
                      "definition": "Where your email is sent.",
                      "example": "Write your email address on the form.", "part_of_speech": "noun"},
    "approve": {"term": "approve", "translation": "menyetujui", "definition": "To say yes to a plan.",
                "example": "The head must approve the budget.", "part_of_speech": "verb"},
}


def one_card_app(tmp_path, clock, key: str, mode: str):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "one.yaml").write_text(
        yaml.safe_dump({"deck": {"id": "one", "title": "One"}, "cards": [CARDS[key]]}, allow_unicode=True),
        encoding="utf-8",
    )
    workspace = open_workspace(tmp_path / "v.db", [folder], clock)
    learner = workspace.store.add_learner("Budi", "Bappeda")
    workspace.store.update_settings(learner.id, LearnerSettings(default_mode=mode))
    return workspace, learner, VocabApp(workspace, NO_FUZZ, rng=random.Random(1))


def visible(app, selector: str) -> str:
    return app.screen.query_one(selector, Static).render().plain


@pytest.mark.parametrize("language", ["en", "id"])
async def test_a_cloze_blanks_every_occurrence_and_shows_the_definition(tmp_path, clock, language):
    i18n.set_language(language)
    workspace, learner, app = one_card_app(tmp_path, clock, "report", "cloze")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        assert isinstance(app.screen, DrillScreen)
        prompt = visible(app, "#term")
        assert prompt == "Send the _____ today; the _____ is due at noon."
        # As the guide says: the sentence with its gaps, and the definition of the missing word.
        assert visible(app, "#term-info") == "A written account of something."
        assert "laporan" not in prompt + visible(app, "#term-info")
        await pilot.press(*"report", "enter")
        assert "✓" in visible(app, "#feedback")
    assert [r["rating"] for r in workspace.store.reviews(learner.id)] == [3]
    workspace.store.close()


async def test_a_term_with_a_soft_hyphen_typed_as_shown_is_correct(tmp_path, clock):
    workspace, learner, app = one_card_app(tmp_path, clock, "e-government", "typed")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await pilot.press(*"egovernment", "enter")
        assert visible(app, "#feedback").startswith("✓")
    assert [r["rating"] for r in workspace.store.reviews(learner.id)] == [3]
    workspace.store.close()


async def test_to_before_a_verb_is_accepted(tmp_path, clock):
    workspace, learner, app = one_card_app(tmp_path, clock, "approve", "typed")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await pilot.press(*"to approve", "enter")
        assert visible(app, "#feedback").startswith("✓")
    assert [r["rating"] for r in workspace.store.reviews(learner.id)] == [3]
    workspace.store.close()


@pytest.mark.parametrize("language", ["en", "id"])
async def test_you_typed_shows_what_was_typed(tmp_path, clock, language):
    i18n.set_language(language)
    workspace, learner, app = one_card_app(tmp_path, clock, "email address", "typed")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        await pilot.press(*"xyz abc", "enter")
        feedback = visible(app, "#feedback")
        typed_line = feedback.splitlines()[-1]
        assert typed_line == i18n._("You typed: {diff}").format(diff="‸xyz a‸bc")  # every letter as typed, ‸ where letters are missing
        assert "email address" in feedback.splitlines()[0]
    assert [r["rating"] for r in workspace.store.reviews(learner.id)] == [1]
    workspace.store.close()
