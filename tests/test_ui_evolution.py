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
