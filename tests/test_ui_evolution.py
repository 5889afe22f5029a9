"""Deck files changed while the app runs: reloaded on a key press, a session carries on."""

from __future__ import annotations

from textual.widgets import DataTable

from vocab_tui.models import LearnerSettings
from vocab_tui.ui.app import VocabApp
from vocab_tui.ui.screens.drill import DrillScreen
from vocab_tui.ui.screens.home import HomeScreen
from vocab_tui.workspace import open_workspace

from .conftest import NO_FUZZ
from .helpers import write_deck


def _workspace(tmp_path, clock):
    folder = tmp_path / "decks"
    write_deck(folder, "office", 4)
    write_deck(folder, "old", 2)
    ws = open_workspace(tmp_path / "v.db", [folder], clock)
    learner = ws.store.add_learner("Budi", "Bappeda")
    ws.store.update_settings(learner.id, LearnerSettings(default_mode="recognition"))
    return ws, folder


def _rows(app) -> list[list[str]]:
    table = app.screen.query_one("#decks", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_r_on_home_reloads_changed_decks_and_says_what_changed(tmp_path, clock):
    ws, folder = _workspace(tmp_path, clock)
    app = VocabApp(ws, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        assert isinstance(app.screen, HomeScreen)
        assert _rows(app)[0][:2] == ["All decks", "6"]
        write_deck(folder, "office", 6, title="Office")  # two cards more
        write_deck(folder, "new-deck", 3, title="New deck")
        (folder / "old.yaml").unlink()
        (folder / "broken.yaml").write_text("deck:\n  id: broken\ncards: [\n", encoding="utf-8")
        app._notifications.clear()
        await pilot.press("r")
        await pilot.pause()
        messages = "\n".join(n.message for n in app._notifications)
        assert "1 deck added: New deck" in messages
        assert "1 deck updated: Office" in messages
        assert "1 deck no longer loaded: Old" in messages
        assert "broken.yaml was skipped" in messages
        rows = _rows(app)
        assert rows[0][:2] == ["All decks", "9"]
        assert [row[0] for row in rows[1:]] == ["New deck", "Office"]
        app._notifications.clear()
        await pilot.press("r")  # nothing changed since
        await pilot.pause()
        assert "No deck has changed." in "\n".join(n.message for n in app._notifications)


async def test_a_session_goes_on_when_its_deck_loses_a_card(tmp_path, clock):
    ws, folder = _workspace(tmp_path, clock)
    app = VocabApp(ws, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.press("enter")  # study all decks
        assert isinstance(app.screen, DrillScreen)
        first = app.screen.shown.card
        first = (first.deck_id, first.id)
        write_deck(folder, "office", 4, skip={1, 2})  # another terminal reloads: word1 and word2 retire
        ws.reload()
        seen = [first]
        for _ in range(12):
            if not isinstance(app.screen, DrillScreen):
                break
            await pilot.press("space", "1" if len(seen) < 3 else "4")
            await pilot.pause()
            if isinstance(app.screen, DrillScreen) and app.screen.shown is not None:
                seen.append((app.screen.shown.card.deck_id, app.screen.shown.card.id))
        assert ("office", "word1") not in seen[1:] and ("office", "word2") not in seen[1:]
        assert ("office", "word3") in seen


def _trainer(ws, role: str = "trainer") -> None:
    ws.store.db.execute("UPDATE learners SET role = ?", [role])  # roles are set by another command


async def test_only_trainers_and_managers_get_the_preview_and_the_report(tmp_path, clock):
    ws, _folder = _workspace(tmp_path, clock)
    app = VocabApp(ws, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "v")
        assert isinstance(app.screen, HomeScreen)  # a learner: nothing happens
        await pilot.press("k")
        assert isinstance(app.screen, HomeScreen)
    _trainer(ws, "trainer")
    app = VocabApp(ws, NO_FUZZ)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "k")
        await pilot.pause()
        from vocab_tui.ui.screens.terms import TermsScreen

        assert isinstance(app.screen, TermsScreen)


async def test_preview_pages_through_cards_and_modes_with_the_problems_beside(tmp_path, clock):
    ws, folder = _workspace(tmp_path, clock)
    _trainer(ws)
    path = folder / "office.yaml"  # a problem in the second card that still loads: shown beside it
    text = path.read_text(encoding="utf-8").replace("translation: kata1", "translation: kata1\n  level: Z9", 1)
    app = VocabApp(ws, NO_FUZZ)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "enter", "down")  # the "Office" row
        path.write_text(text, encoding="utf-8")  # the file now has an error (the stored deck stays)
        await pilot.press("v")
        await pilot.pause()
        from vocab_tui.ui.screens.preview import PreviewScreen

        screen = app.screen
        assert isinstance(screen, PreviewScreen)
        assert screen.shown.card.id == "word0" and screen.shown.mode == "recognition"
        assert "word0" in screen.query_one("#term").render().plain
        assert "Card 1 of 4" in screen.query_one("#drill-count").render().plain
        assert "None for this card." in screen.query_one("#preview-problems").render().plain
        assert not screen.query_one("#answer").display
        await pilot.press("space")
        assert screen.query_one("#answer").display
        assert "kata0" in screen.query_one("#translation").render().plain
        await pilot.press("right")
        assert screen.shown.card.id == "word1" and not screen.query_one("#answer").display
        assert "level 'Z9' is not a CEFR level" in screen.query_one("#preview-problems").render().plain
        await pilot.press("m")  # production: the translation is the prompt
        assert screen.shown.mode == "production"
        assert "kata1" in screen.query_one("#term").render().plain
        await pilot.press("m", "m")  # multiple choice: four options, nothing saved by a key
        assert screen.shown.mode == "choice" and len(screen.shown.options) == 4
        await pilot.press("1", "space")
        assert "✓" in " ".join(w.render().plain for w in screen.query(".option-key"))
        await pilot.press("m")
        assert screen.shown.mode == "cloze"
        assert "_____" in screen.query_one("#term").render().plain
        await pilot.press("left", "left")
        assert screen.shown.card.id == "word3"  # round to the last card
        assert ws.store.db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
        footer = " ".join(b.description for _k, (_n, b, enabled, _t) in screen.active_bindings.items() if enabled)
        assert "Next card" in footer and "Previous card" in footer and "Next mode" in footer
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
