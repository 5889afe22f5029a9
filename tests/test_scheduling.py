from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Card as FSRSCard
from fsrs import Rating, State

from vocab_tui.clock import from_ms, iso
from vocab_tui.decks import load_decks
from vocab_tui.models import LearnerSettings
from vocab_tui.scheduling import (
    day_end,
    day_start,
    format_interval,
    interleave,
    make_scheduler,
    order_reviews,
)
from vocab_tui.store import Store
from vocab_tui.study import StudySession

from .conftest import NO_FUZZ
from .helpers import write_deck

WIB = timezone(timedelta(hours=7), "WIB")


def at(local: str) -> datetime:
    return datetime.fromisoformat(local).replace(tzinfo=WIB).astimezone(timezone.utc)


@pytest.mark.parametrize(
    ("moment", "start"),
    [
        ("2026-11-02 03:59", "2026-11-01 04:00"),
        ("2026-11-02 04:00", "2026-11-02 04:00"),
        ("2026-11-02 23:30", "2026-11-02 04:00"),
        ("2026-11-03 00:15", "2026-11-02 04:00"),
    ],
)
def test_the_study_day_starts_at_four_in_the_morning_local_time(moment, start):
    assert day_start(at(moment), WIB) == at(start)
    assert day_end(at(moment), WIB) == at(start) + timedelta(days=1)


def test_the_day_boundary_hour_is_a_setting():
    assert day_start(at("2026-11-02 05:30"), WIB, hour=6) == at("2026-11-01 06:00")


def test_intervals_read_shortly():
    assert format_interval(timedelta(minutes=10)) == "10m"
    assert format_interval(timedelta(hours=5)) == "5h"
    assert format_interval(timedelta(days=3)) == "3d"
    assert format_interval(timedelta(days=76)) == "2.5mo"
    assert format_interval(timedelta(days=400)) == "1.1y"


def test_new_cards_are_taken_in_turn_from_each_deck_in_deck_order():
    assert interleave([[1, 2, 3], [10, 11], []], 4) == [1, 10, 2, 11]
    assert interleave([[1, 2, 3]], 0) == []


def test_reviews_most_likely_forgotten_come_first():
    now = datetime(2026, 11, 2, tzinfo=timezone.utc)
    scheduler = make_scheduler(NO_FUZZ)
    strong = FSRSCard(card_id=1, state=State.Review, stability=50, difficulty=5, due=now,
                      last_review=now - timedelta(days=10))
    weak = FSRSCard(card_id=2, state=State.Review, stability=2, difficulty=5, due=now,
                    last_review=now - timedelta(days=10))
    assert [c.card_id for c in order_reviews([strong, weak], scheduler, now)] == [2, 1]


@pytest.fixture
def big(tmp_path, clock):
    folder = tmp_path / "decks"
    write_deck(folder, "alpha", 60)
    write_deck(folder, "beta", 60)
    store = Store(tmp_path / "v.db", clock)
    store.sync_decks(load_decks([folder]).decks)
    return store


def study_all(store, learner, clock, grade=lambda card: Rating.Good, decks=("alpha", "beta")):
    """Study until the session has nothing left now; returns the terms shown, in order."""
    session = StudySession(store, store.learner(learner.id), list(decks), clock, NO_FUZZ)
    shown = []
    while (card := session.next_card()) is not None:
        shown.append(card)
        clock.advance(seconds=8)
        session.answer(grade(card))
    return shown


def test_the_daily_new_card_limit_holds_across_sessions_and_resets_at_four(big, clock):
    learner = big.add_learner("Siti")
    first = study_all(big, learner, clock)
    assert len({c.pk for c in first if c.is_new}) == 20
    assert study_all(big, learner, clock) == []  # the same day: nothing new left
    clock.current = day_end(clock.now(), clock.tz) - timedelta(minutes=1)
    assert not [c for c in study_all(big, learner, clock) if c.is_new]  # 03:59: still the same day
    clock.advance(minutes=2)
    assert len([c for c in study_all(big, learner, clock) if c.is_new]) == 20


def test_a_learner_can_have_smaller_limits(big, clock):
    learner = big.add_learner("Budi")
    big.update_settings(learner.id, LearnerSettings(new_per_day=5, reviews_per_day=3))
    assert len({c.pk for c in study_all(big, learner, clock)}) == 5
    clock.advance(days=10)
    shown = study_all(big, learner, clock)
    assert len([c for c in shown if not c.is_new and c.state.state == State.Review]) == 3


def test_queue_order_learning_then_reviews_then_new(big, clock):
    learner = big.add_learner("Dewi")
    study_all(big, learner, clock)  # 20 cards now in review
    clock.advance(days=3)
    session = StudySession(big, big.learner(learner.id), ["alpha", "beta"], clock, NO_FUZZ)
    first = session.next_card()
    session.answer(Rating.Again)  # a review lapses: it becomes a relearning card due in 10 minutes
    order = []
    clock.advance(minutes=11)
    while (card := session.next_card()) is not None:
        order.append("new" if card.is_new else card.state.state.name)
        clock.advance(seconds=5)
        session.answer(Rating.Good)
    assert order[0] == "Relearning"
    reviews_end = max(i for i, kind in enumerate(order) if kind == "Review")
    first_new = order.index("new")
    assert first_new > reviews_end
    assert first is not None and not first.is_new


def test_new_cards_follow_deck_order(big, clock):
    learner = big.add_learner("Eka")
    session = StudySession(big, learner, ["alpha"], clock, NO_FUZZ)
    terms = []
    while (card := session.next_card()) is not None and card.is_new:
        terms.append(card.stored.card.term)
        session.answer(Rating.Easy)
    assert terms[:5] == ["word0", "word1", "word2", "word3", "word4"]


def test_sixty_days_of_study(big, clock):
    """Two months of daily study: limits hold, intervals grow, and the log replays to the state."""
    learner = big.add_learner("Rina")
    by_day = []
    counter = {"n": 0}

    def grade(card):
        counter["n"] += 1
        return Rating.Again if counter["n"] % 9 == 0 else Rating.Good

    for day in range(60):
        clock.current = at("2026-11-02 09:00") + timedelta(days=day)
        shown = study_all(big, learner, clock, grade)
        by_day.append(shown)
        assert len({c.pk for c in shown if c.is_new}) <= 20
        session = StudySession(big, big.learner(learner.id), ["alpha", "beta"], clock, NO_FUZZ)
        assert session.next_card() is None  # nothing due was left behind

    assert sum(len({c.pk for c in d if c.is_new}) for d in by_day) == 120  # every card introduced
    assert len(by_day[-1]) < len(by_day[7])  # the load falls as cards are learned
    states = {
        row["card_pk"]: row for row in big.db.query("SELECT * FROM card_states WHERE learner_id = ?", [learner.id])
    }
    assert len(states) == 120
    intervals = [
        (datetime.fromisoformat(r["due"]) - datetime.fromisoformat(r["last_review"])).days
        for r in states.values()
    ]
    assert max(intervals) >= 30
    # Replaying the review log gives exactly the stored card states.
    last_after = {}
    for review in big.reviews(learner.id):
        last_after[review["card_pk"]] = review
    for pk, row in states.items():
        after = last_after[pk]
        assert after["state_after"] == row["state"]
        assert iso(from_ms(after["due"])) == row["due"]
        assert iso(from_ms(after["answered_at"])) == row["last_review"]
        assert after["stability"] == pytest.approx(row["stability"])
