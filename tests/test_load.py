"""A small office run of bench/load.py, and its log check catching what it must catch."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import subprocess
import sys

from fsrs import Rating

from vocab_tui.study import StudySession

from .conftest import NO_FUZZ, REPO


def bench_module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


integrity = bench_module("integrity")


def test_four_learner_processes_lose_no_answer(tmp_path):
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "load.py"), "--processes", "4", "--duration", "3", "--pace", "0.3",
         "--json", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    paced, flat = json.loads(out.read_text())
    for run in (paced, flat):
        assert run["errors"] == 0 and run["lost"] == 0 and run["disagreeing"] == 0
        assert run["answers"] > 0 and run["reviews_in_log"] == run["answers"]
    assert flat["answers"] > paced["answers"]
    assert "per second" in done.stdout and "p99" in done.stdout


def studied(workspace, answers: int = 3) -> list[int]:
    learner = workspace.store.add_learner("Siti", "Diskominfo")
    session = StudySession(workspace.store, learner, workspace.deck_ids, workspace.clock, NO_FUZZ)
    ids = []
    for _ in range(answers):
        assert session.next_card() is not None
        workspace.clock.advance(seconds=5)
        ids.append(session.answer(Rating.Again).review_id)
    return ids


def test_the_check_passes_a_log_the_app_wrote(workspace, db_path):
    ids = studied(workspace)
    verdict = integrity.check(db_path, ids)
    assert verdict.ok, verdict.lines()
    assert verdict.reviews == 3 and verdict.card_states == 3


def test_the_check_finds_a_lost_answer_and_a_state_at_odds_with_the_log(workspace, db_path):
    ids = studied(workspace)
    workspace.store.close()
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("DELETE FROM reviews WHERE id = ?", [ids[0]])
        conn.execute("UPDATE card_states SET stability = stability + 1 WHERE card_pk = "
                     "(SELECT card_pk FROM reviews WHERE id = ?)", [ids[1]])
    conn.close()
    verdict = integrity.check(db_path, ids)
    assert not verdict.ok
    assert verdict.lost == [ids[0]]
    assert len(verdict.disagreeing) == 2  # the card whose review went, and the changed one
    assert any("without any review" in line for line in verdict.disagreeing)


def test_the_check_recounts_the_daily_roll_up_and_finds_a_row_at_odds_with_the_log(workspace, db_path):
    ids = studied(workspace)
    workspace.store.close()
    assert integrity.check(db_path, ids).roll_up == []  # kept answer by answer: what the log adds up to
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE daily_activity SET reviews = reviews + 1 WHERE deck_id = "
                     "(SELECT min(deck_id) FROM daily_activity WHERE deck_id != '')")
        conn.execute("DELETE FROM daily_activity WHERE deck_id = ''")
    conn.close()
    verdict = integrity.check(db_path, ids)
    assert not verdict.ok and verdict.lost == [] and verdict.disagreeing == []
    assert any("deck ''" in line and "stored None" in line for line in verdict.roll_up)
    assert any("deck ''" not in line for line in verdict.roll_up)
