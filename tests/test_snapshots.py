"""What the screens look like at 80x24 (approve changes with --snapshot-update, after looking)."""

from __future__ import annotations

import pytest

from vocab_tui.ui.app import VocabApp

from .conftest import NO_FUZZ

SIZE = (80, 24)


@pytest.fixture
def app(workspace):
    workspace.store.add_learner("Siti Rahmawati", "Dinas Komunikasi dan Informatika")
    workspace.store.add_learner("Budi Santoso", "Bappeda")
    return VocabApp(workspace, NO_FUZZ)


def test_profile_screen(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE)


def test_new_profile_dialog(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, press=["n", *"Ani", "tab"])


def test_home_screen(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, press=["down", "enter"])


def test_drill_question(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, press=["down", "enter", "enter"])


def test_drill_answer_shown(snap_compare, app):
    # The third card of the mini deck has notes: the fullest answer screen.
    keys = ["down", "enter", "enter", "space", "3", "space", "3", "space"]
    assert snap_compare(app, terminal_size=SIZE, press=keys)


def test_session_summary(snap_compare, app):
    keys = ["down", "enter", "enter", "space", "3", "space", "1", "escape"]
    assert snap_compare(app, terminal_size=SIZE, press=keys)
