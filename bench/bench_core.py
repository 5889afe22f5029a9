"""Benchmarks for the hot paths: start-up, answering a card, home counts.

    python bench/bench_core.py                 # a district: 300 learners, ~1M reviews
    python bench/bench_core.py --learners 3000 --reviews-per-learner 3300   # the whole city

Prints median and worst times against the targets in bench/README.md; exits 1 if one is missed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fsrs import Rating

from vocab_tui.clock import FixedClock, iso, to_ms
from vocab_tui.decks import bundled_decks_dir, load_decks
from vocab_tui.progress import home_counts, learner_stats
from vocab_tui.scheduling import SchedulerSettings
from vocab_tui.store import Store, new_review_id
from vocab_tui.store.schema import mode_code
from vocab_tui.study import StudySession
from vocab_tui.workspace import open_workspace

TARGETS_MS = {
    "start-up, first run (create db, load decks)": 1500,
    "start-up, later runs": 300,
    "answer a card (save + next card)": 10,
    "home counts": 30,
    "new session (build the queue)": 50,
    "statistics screen numbers": 150,
}


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def populate(store: Store, learners: int, per_learner: int, clock: FixedClock) -> None:
    """Fill the database with made-up history: each learner has studied most cards many times."""
    pks = [row[0] for row in store.db.execute("SELECT pk FROM cards")]
    rng = random.Random(7)
    now = clock.now()
    conn = store.db.conn
    conn.execute("BEGIN")
    for n in range(learners):
        conn.execute(
            "INSERT INTO learners (name, unit, created_at) VALUES (?, ?, ?)",
            (f"Learner {n}", f"OPD {n % 40}", iso(now)),
        )
        lid = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
        studied = rng.sample(pks, k=min(len(pks), max(1, per_learner // 10)))
        states = []
        for pk in studied:
            due = now + timedelta(days=rng.uniform(-3, 60))
            states.append((lid, pk, 2, None, rng.uniform(1, 90), rng.uniform(1, 10), iso(due), iso(now - timedelta(days=5)), 10, 0))
        conn.executemany(
            "INSERT INTO card_states (learner_id, card_pk, state, step, stability, difficulty, due, last_review, "
            "reps, lapses, deck_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT deck_id FROM cards WHERE pk = ?))",
            [(*state, state[1]) for state in states],
        )
        reviews = []
        for _ in range(per_learner):
            at = now - timedelta(days=rng.uniform(0, 365))
            reviews.append((new_review_id(at, rng), lid, rng.choice(studied), rng.choice((1, 3, 3, 3, 4)), to_ms(at),
                            4000, mode_code("recognition"), 2, 2, rng.uniform(1, 60), None, 5.0, 5.0, to_ms(at + timedelta(days=5))))
        conn.executemany(
            "INSERT OR IGNORE INTO reviews (id, learner_id, card_pk, rating, answered_at, duration_ms, mode, "
            "state_before, state_after, interval_days, step, stability, difficulty, due) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            reviews,
        )
    conn.execute("COMMIT")
    store.recount_daily_activity()  # the log was written directly above
    store.db.execute("ANALYZE")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--reviews-per-learner", type=int, default=3300)
    args = parser.parse_args()
    clock = FixedClock(datetime(2026, 11, 2, 2, tzinfo=timezone.utc))
    settings = SchedulerSettings(enable_fuzzing=False)
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        dirs = [bundled_decks_dir()]
        results["start-up, first run (create db, load decks)"] = timed(
            lambda: open_workspace(db, dirs, clock).store.close(), 1
        )
        results["start-up, later runs"] = timed(lambda: open_workspace(db, dirs, clock).store.close(), 5)
        store = Store(db, clock)
        t = time.perf_counter()
        populate(store, args.learners, args.reviews_per_learner, clock)
        size = db.stat().st_size / 1e6
        print(f"made {args.learners} learners, {args.learners * args.reviews_per_learner:,} reviews "
              f"({size:.0f} MB) in {time.perf_counter() - t:.0f} s")
        deck_ids = [d.id for d in load_decks(dirs).decks]
        learner = store.learner(args.learners // 2)
        results["home counts"] = timed(lambda: home_counts(store, learner, deck_ids, clock, settings), 30)
        results["new session (build the queue)"] = timed(
            lambda: StudySession(store, learner, deck_ids, clock, settings), 10
        )
        results["statistics screen numbers"] = timed(
            lambda: learner_stats(store, learner, deck_ids, clock, settings), 5
        )
        fresh = store.add_learner("Bench")
        session = StudySession(store, fresh, deck_ids, clock, settings)
        session.next_card()

        def answer() -> None:
            session.outcomes()
            session.answer(Rating.Good)
            clock.advance(seconds=5)
            session.next_card()

        results["answer a card (save + next card)"] = timed(answer, 20)
        store.close()
    failed = 0
    for name, times in results.items():
        target = TARGETS_MS[name]
        median, worst = statistics.median(times), max(times)
        ok = median <= target
        failed += not ok
        print(f"{'ok  ' if ok else 'SLOW'} {name:<45} median {median:8.2f} ms  worst {worst:8.2f} ms  target {target} ms")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
