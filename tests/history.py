"""Made-up review histories for the backup and merge tests: terminals answering as learners do."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from fsrs import Rating

from vocab_tui.clock import FixedClock, from_ms, iso
from vocab_tui.models import Answer
from vocab_tui.scheduling import grade, make_scheduler
from vocab_tui.store import Store

from .conftest import FIXTURES, NO_FUZZ


def open_terminal(path: Path, clock: FixedClock) -> Store:
    """A terminal's database with the mini deck synced (8 cards)."""
    from vocab_tui.workspace import open_workspace

    return open_workspace(path, [FIXTURES], clock).store


def card_pk(store: Store, card_id: str, deck_id: str = "mini") -> int:
    return store.db.execute("SELECT pk FROM cards WHERE deck_id = ? AND card_id = ?", [deck_id, card_id]).fetchone()[0]


def learner_id(store: Store, name: str) -> int:
    return store.db.execute("SELECT id FROM learners WHERE name = ?", [name]).fetchone()[0]


def set_nip(store: Store, learner: int, nip: str | None) -> None:
    store.db.execute("UPDATE learners SET nip = ? WHERE id = ?", [nip, learner])


def answer(store: Store, learner: int, pk: int, rating: int, when: datetime) -> int:
    """One answer graded as the app does (fuzz off) from the stored state; returns the review id."""
    retention = store.learner(learner).settings.desired_retention
    before = store.card_state(learner, pk)
    after = grade(make_scheduler(NO_FUZZ, retention), before, pk, Rating(rating), when)
    return store.record_answer(Answer(learner, pk, rating, when, 1500, "recognition", before, after)).review_id


def card_ids(store: Store) -> list[str]:
    return [row[0] for row in store.db.execute("SELECT card_id FROM cards WHERE deck_id = 'mini' ORDER BY position")]


def random_session(store: Store, learner: int, rng: random.Random, start: datetime, answers: int,
                   cards: list[str] | None = None) -> list[tuple[str, int, datetime]]:
    """`answers` answers of one learner spread over days from `start`; returns (card id, rating, time) each."""
    cards = cards or card_ids(store)
    done = []
    when = start
    for _ in range(answers):
        when += timedelta(minutes=rng.choice([1, 3, 11, 60 * 20, 60 * 24 * 3]), milliseconds=rng.randrange(1000))
        card = rng.choice(cards)
        rating = rng.choice([1, 2, 3, 3, 3, 4])
        answer(store, learner, card_pk(store, card), rating, when)
        done.append((card, rating, when))
    return done


def histories(store: Store) -> dict:
    """What a merge must agree on, independent of local keys: per (learner name, unit, deck, card) the card
    state, and per review id its learner, card and columns."""
    states = {
        (r["name"], r["unit"], r["deck_id"], r["card_id"]): (r["state"], r["step"], r["stability"], r["difficulty"],
                                                             r["due"], r["last_review"], r["reps"], r["lapses"])
        for r in store.db.query(
            "SELECT l.name, l.unit, c.deck_id, c.card_id, s.* FROM card_states s JOIN learners l ON l.id = s.learner_id "
            "JOIN cards c ON c.pk = s.card_pk")
    }
    reviews = {
        r["id"]: (r["name"], r["unit"], r["deck_id"], r["card_id"], r["rating"], r["answered_at"], r["state_before"],
                  r["state_after"], r["interval_days"], r["step"], r["stability"], r["difficulty"], r["due"])
        for r in store.db.query(
            "SELECT l.name, l.unit, c.deck_id, c.card_id, r.* FROM reviews r JOIN learners l ON l.id = r.learner_id "
            "JOIN cards c ON c.pk = r.card_pk")
    }
    return {"states": states, "reviews": reviews}


def assert_chain_holds(store: Store) -> None:
    """Undo's chain: every review's state before is the state after the learner's previous review of the card,
    and each card state is its last review's."""
    previous: dict[tuple[int, int], dict] = {}
    for row in store.db.query("SELECT * FROM reviews ORDER BY learner_id, card_pk, answered_at, id"):
        key = (row["learner_id"], row["card_pk"])
        before = previous.get(key)
        if before is None:
            assert row["state_before"] == 0, row
        else:
            assert row["state_before"] == before["state_after"], (before, row)
        previous[key] = row
    for (learner, pk), last in previous.items():
        state = store.db.execute("SELECT state, step, stability, difficulty, due, last_review, reps FROM card_states "
                                 "WHERE learner_id = ? AND card_pk = ?", [learner, pk]).fetchone()
        assert state[:6] == (last["state_after"], last["step"], last["stability"], last["difficulty"],
                             iso(from_ms(last["due"])), iso(from_ms(last["answered_at"])))
        count = store.db.execute("SELECT count(*) FROM reviews WHERE learner_id = ? AND card_pk = ?",
                                 [learner, pk]).fetchone()[0]
        assert state[6] == count
    assert_daily_activity_holds(store)


def daily_activity(store: Store) -> list[tuple]:
    return store.db.execute("SELECT * FROM daily_activity ORDER BY learner_id, deck_id, day").fetchall()


def assert_daily_activity_holds(store: Store) -> None:
    """The daily roll-up, as kept answer by answer, is what counting the whole review log again gives."""
    kept = daily_activity(store)
    store.recount_daily_activity()
    assert kept == daily_activity(store)
