"""A few rounds of bench/kill_test.py: the real app SIGKILLed mid-session loses no acknowledged answer."""

from __future__ import annotations

from fsrs import Rating

from vocab_tui.study import StudySession

from .conftest import NO_FUZZ
from .test_load import bench_module

kill_test = bench_module("kill_test")


def test_answers_acknowledged_on_screen_survive_sigkill(tmp_path):
    said: list[str] = []
    # The first round answers twice before its kill may come: the driver must really get answers in.
    assert kill_test.run(3, seed=12, folder=tmp_path, max_delay=2.0, out=said.append, min_acks=2), "\n".join(said)
    assert said[-1].startswith("\n3 kills in a row passed")
    assert not said[0].startswith(("round 1: ok, 0 acknowledged", "round 1: ok, 1 acknowledged")), said[0]


def test_a_round_fails_when_an_acknowledged_answer_is_not_in_the_log(workspace, db_path):
    learner = workspace.store.add_learner("Kill Test", "Diskominfo")
    session = StudySession(workspace.store, learner, workspace.deck_ids, workspace.clock, NO_FUZZ, mode="recognition")
    card = session.next_card()
    session.answer(Rating.Good)
    record = kill_test.Round(1, acked=[kill_test.Ack("recognition", 3, card.card.term)])
    assert kill_test.verify(db_path, record, 0) == ([], 1)

    record.acked.append(kill_test.Ack("recognition", 1, "anything"))  # shown as saved, never written
    problems, _ = kill_test.verify(db_path, record, 0)
    assert problems == ["2 answers were acknowledged on screen, the log gained 1"]

    wrong_grade = kill_test.Round(1, acked=[kill_test.Ack("recognition", 4, card.card.term)])
    problems, _ = kill_test.verify(db_path, wrong_grade, 0)
    assert problems and "is not the review in the log" in problems[0]
