"""Managers' numbers on a big database: the dashboard's tables and the three exports (issue 10).

    python bench/bench_exports.py                                   # a district: 300 learners, ~1M reviews
    python bench/bench_exports.py --learners 3000 --db /tmp/city.db  # the city: ~10M reviews, built once, reused

The database is filled by bench_core.populate (made-up history: every learner studies every day of a
year, ~9 reviews a day). With --db the file is built the first time and reused after (building the city
takes tens of minutes on a loaded 2-core machine). Each export runs as the real command in a child process,
whose peak memory (maximum resident set) is read from the kernel. Wall time and CPU time are both printed:
on a shared machine the wall time also measures the neighbours, the CPU time only our work.
Exits 1 when a wall-clock median misses its budget.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).parent))
from bench_core import populate  # noqa: E402

from vocab_tui.clock import FixedClock  # noqa: E402
from vocab_tui.decks import bundled_decks_dir  # noqa: E402
from vocab_tui.progress import study_date  # noqa: E402
from vocab_tui.reports import ReportScope, open_report  # noqa: E402
from vocab_tui.store import Store  # noqa: E402
from vocab_tui.workspace import open_workspace  # noqa: E402

BUDGETS = {  # seconds (wall), and MB of peak memory for the CSV export
    "dashboard: the units table (last 30 days)": 1.0,
    "dashboard: whole first screen (units, city, learners, days)": None,  # not budgeted: shown for the record
    "export csv (whole city)": 20.0,
    "export xlsx (whole city)": 60.0,
    "export json (whole city)": 60.0,
}
MEMORY_BUDGET_MB = {"export csv (whole city)": 300}
NOW = datetime(2026, 11, 2, 2, tzinfo=timezone.utc)  # bench_core.populate's "now"
WITA = ZoneInfo("Asia/Makassar")  # as the export commands below see it (TZ=Asia/Makassar)


def build(db: Path, learners: int, per_learner: int) -> None:
    clock = FixedClock(NOW, tz=WITA)  # the office's zone: its days are counted so from the start
    open_workspace(db, [bundled_decks_dir()], clock).store.close()
    store = Store(db, clock)
    started = time.perf_counter()
    populate(store, learners, per_learner, clock)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    print(f"built {learners:,} learners, {learners * per_learner:,} reviews "
          f"({db.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - started:,.0f} s")


def dashboard(db: Path, whole: bool) -> tuple[float, float]:
    """What the dashboard counts on opening (its default range is the month; here the last 30 days): the
    units table alone, or (`whole`) everything its first screen shows."""
    clock = FixedClock(NOW, tz=WITA)
    today = study_date(NOW, WITA, 4)
    wall, cpu = time.perf_counter(), time.process_time()
    store = Store(db, clock)
    with open_report(store, ReportScope(since=today - timedelta(days=29), until=today), clock) as report:
        report.units()
        if whole:
            report.city(), list(report.learners()), report.daily()
    store.close()
    return time.perf_counter() - wall, time.process_time() - cpu


def export(db: Path, fmt: str, out: Path) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MB) of `vocab-tui export --format fmt -o out` in a child process."""
    env = {**os.environ, "TZ": "Asia/Makassar", "VOCAB_TUI_LANG": "en"}
    wall = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "vocab_tui", "--db", str(db), "export", "--format", fmt,
                              "-o", str(out)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - wall
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"export {fmt} failed: {child.stderr.read().decode() if child.stderr else ''}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--reviews-per-learner", type=int, default=3334)
    parser.add_argument("--db", type=Path, help="build the database here once, and reuse it after")
    parser.add_argument("--repeat", type=int, default=3, help="dashboard runs (the median is kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.db"
        if not db.exists():
            build(db, args.learners, args.reviews_per_learner)
        store = Store(db, FixedClock(NOW))
        reviews = store.db.execute("SELECT count(*) FROM reviews").fetchone()[0]
        learners = store.db.execute("SELECT count(*) FROM learners").fetchone()[0]
        store.close()
        print(f"{learners:,} learners, {reviews:,} reviews, {db.stat().st_size / 1e6:,.0f} MB")
        results: dict[str, tuple[float, float, float | None]] = {}
        for name, whole in (("dashboard: the units table (last 30 days)", False),
                            ("dashboard: whole first screen (units, city, learners, days)", True)):
            runs = sorted(dashboard(db, whole) for _ in range(args.repeat))
            results[name] = (*runs[len(runs) // 2], None)
        for fmt in ("csv", "xlsx", "json"):
            out = Path(tmp) / f"city.{fmt}"
            results[f"export {fmt} (whole city)"] = export(db, fmt, out)
            print(f"  {fmt}: {out.stat().st_size / 1e6:,.1f} MB written")
    failed = 0
    for name, (wall, cpu, memory) in results.items():
        budget = BUDGETS[name]
        ok = budget is None or (wall <= budget and (memory is None or memory <= MEMORY_BUDGET_MB.get(name, float("inf"))))
        failed += not ok
        mem = f"  peak {memory:6.0f} MB" if memory is not None else ""
        limit = "no budget" if budget is None else f"budget {budget:g} s"
        print(f"{'ok  ' if ok else 'SLOW'} {name:<60} wall {wall:7.2f} s  cpu {cpu:7.2f} s{mem}  {limit}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
