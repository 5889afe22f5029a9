"""The hardest-terms report on a big database (issue 11): budget 2 s.

    python bench/bench_terms.py                      # 300 learners, ~1M reviews
    python bench/bench_terms.py --learners 3000      # the whole city, ~10M reviews (slow to build)
    python bench/bench_terms.py --db city.db         # reuse a database built before (kept with --keep)

Prints median and worst wall times (and the mean CPU time) of the report (the default period of 30
days; one deck; one unit since a date; all time, which has no budget) and exits 1 when a median misses
the budget.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_core import populate, timed  # noqa: E402

from vocab_tui.clock import FixedClock  # noqa: E402
from vocab_tui.decks import bundled_decks_dir  # noqa: E402
from vocab_tui.store import Store  # noqa: E402
from vocab_tui.term_report import default_since, hardest_terms  # noqa: E402
from vocab_tui.workspace import open_workspace  # noqa: E402

BUDGET_MS = 2000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--reviews-per-learner", type=int, default=3300)
    parser.add_argument("--db", type=Path, help="a database to use (built there first when missing)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    clock = FixedClock(datetime(2026, 11, 2, 2, tzinfo=timezone.utc))
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.db"
        if not db.exists():
            open_workspace(db, [bundled_decks_dir()], clock).store.close()
            store = Store(db, clock)
            t = time.perf_counter()
            populate(store, args.learners, args.reviews_per_learner, clock)
            print(f"made {args.learners} learners, {args.learners * args.reviews_per_learner:,} reviews "
                  f"in {time.perf_counter() - t:.0f} s")
            store.close()
        store = Store(db, clock)
        reviews = store.db.execute("SELECT count(*) FROM reviews").fetchone()[0]
        print(f"{db.stat().st_size / 1e6:.0f} MB, {reviews:,} reviews")
        month = default_since(clock.now(), clock.tz)
        cases = {  # (budget applies, run)
            "default: last 30 days": (True, lambda: hardest_terms(store, clock.tz, since=month, limit=20)),
            "one deck, last 30 days": (True, lambda: hardest_terms(store, clock.tz, deck_id="spbe", since=month,
                                                                  limit=20)),
            "one unit since 1 August": (True, lambda: hardest_terms(store, clock.tz, unit="OPD 7",
                                                                   since=date(2026, 8, 1), limit=20)),
            "all time (--since all)": (False, lambda: hardest_terms(store, clock.tz, limit=20)),
        }
        failed = 0
        for name, (budgeted, run) in cases.items():
            cpu_start = time.process_time()
            times = timed(run, args.repeat)
            cpu = (time.process_time() - cpu_start) * 1000 / args.repeat
            median = statistics.median(times)
            ok = median <= BUDGET_MS or not budgeted
            failed += not ok
            # CPU time beside wall time: on a shared machine the wall time mostly measures the neighbours
            print(f"{'ok  ' if ok else 'SLOW'} {name:<25} median {median:8.0f} ms  worst {max(times):8.0f} ms  "
                  f"cpu {cpu:8.0f} ms  "
                  + (f"budget {BUDGET_MS} ms" if budgeted else "(no budget: reads the whole log)"))
        store.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
