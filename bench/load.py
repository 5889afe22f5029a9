"""An office at nine in the morning: N learner processes answering cards in one database file.

    python bench/load.py                                  # 50 processes, 60 s paced, then 60 s flat out
    python bench/load.py --processes 20 --duration 30 --runs flat
    python bench/load.py --pace 2                         # one answer every ~2 s each (jittered ±50 %)

Each process is one learner with their own profile, doing what the app does on a terminal: it opens
the database with `workspace.open_workspace` (which syncs the bundled decks), then studies through
`study.StudySession` (the learner's default mixed mode; a new session when one runs out, with more
new cards, as the home screen's study options give). Every answer is `StudySession.answer` (saved
durably, in one IMMEDIATE transaction) followed by `next_card`; that pair is the latency measured.

All processes start, import and open the database first, then wait at a barrier, so that the
timed part holds only studying. Two runs, each on a new file: `paced` (one answer every few
seconds each, jittered: a realistic office) and `flat` (no pause: the most the file takes).

Reported per run: answers per second, median and p99 latency, the slowest answer, errors (any
exception, a busy timeout included: must be 0), and whether every acknowledged answer is in the
review log: each process keeps the review ids it was given back, and afterwards this script checks
each one is in `reviews` and that every learner's card states agree with the last review of each
card and the daily roll-up (`integrity.py`). Exit 1 on any error, lost answer or disagreeing state.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RATING_WEIGHTS = {1: 0.15, 2: 0.15, 3: 0.6, 4: 0.1}  # Again, Hard, Good, Easy: a learner who mostly knows
EXTRA_NEW = 1000  # "more new cards": a learner studying flat out never runs dry in a run


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` lie (nearest rank); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))]


# -- one learner process -----------------------------------------------------------------------


def worker(spec: dict) -> int:
    """Study as learner `spec["learner"]` until the deadline; write what happened to `spec["out"]`."""
    from fsrs import Rating

    from vocab_tui.clock import SystemClock
    from vocab_tui.decks import bundled_decks_dir
    from vocab_tui.study import StudySession
    from vocab_tui.workspace import open_workspace

    barrier = Path(spec["barrier"])
    rng = random.Random(spec["seed"])
    clock = SystemClock()
    workspace = open_workspace(Path(spec["db"]), [bundled_decks_dir()], clock)
    store = workspace.store
    learner = store.learner(spec["learner"])
    (barrier / f"ready-{spec['learner']}").touch()
    while not (barrier / "go").exists():
        time.sleep(0.005)
    deadline = time.monotonic() + spec["duration"]
    cpu_start = resource.getrusage(resource.RUSAGE_SELF)
    ids: list[int] = []
    latencies: list[float] = []
    errors: list[str] = []

    def new_session() -> StudySession:
        return StudySession(store, learner, workspace.deck_ids, clock, extra_new=EXTRA_NEW, rng=rng)

    session = new_session()
    card = session.next_card()
    pace = spec["pace"]
    if pace:  # processes do not all answer their first card at the same instant
        time.sleep(rng.uniform(0, pace))
    while time.monotonic() < deadline:
        if card is None:
            session = new_session()
            card = session.next_card()
            if card is None:
                errors.append("nothing left to study")
                break
        rating = Rating(rng.choices(list(RATING_WEIGHTS), weights=list(RATING_WEIGHTS.values()))[0])
        started = time.perf_counter()
        try:
            answered = session.answer(rating)
        except Exception as err:  # noqa: BLE001 - every failure is counted, a busy timeout included
            errors.append(f"{type(err).__name__}: {err}")
            time.sleep(0.05)
            continue
        ids.append(answered.review_id)
        try:
            card = session.next_card()
        except Exception as err:  # noqa: BLE001
            errors.append(f"{type(err).__name__}: {err}")
            card = None
        latencies.append((time.perf_counter() - started) * 1000)
        if pace:
            time.sleep(max(0.0, rng.uniform(0.5, 1.5) * pace))
    cpu_end = resource.getrusage(resource.RUSAGE_SELF)
    store.close()
    cpu = (cpu_end.ru_utime - cpu_start.ru_utime) + (cpu_end.ru_stime - cpu_start.ru_stime)
    Path(spec["out"]).write_text(json.dumps({"ids": ids, "latencies_ms": latencies, "errors": errors,
                                             "cpu_s": cpu}))
    return 0


# -- the office ------------------------------------------------------------------------------------


def prepare(db: Path, processes: int) -> list[int]:
    """A new database with the bundled decks and one profile per process; returns the learner ids."""
    sys.path.insert(0, str(HERE.parent))
    from vocab_tui.clock import SystemClock
    from vocab_tui.decks import bundled_decks_dir
    from vocab_tui.workspace import open_workspace

    workspace = open_workspace(db, [bundled_decks_dir()], SystemClock())
    try:
        return [workspace.store.add_learner(f"Pegawai {n:03d}", "Load test").id for n in range(processes)]
    finally:
        workspace.store.close()


def run(name: str, folder: Path, processes: int, duration: float, pace: float, seed: int) -> dict:
    """One run on a new file in `folder`; returns its figures (see `report`)."""
    import integrity

    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "office.db"
    barrier = folder / "barrier"
    barrier.mkdir()
    load_before = os.getloadavg()  # what else the machine was doing, before this run's processes start
    learners = prepare(db, processes)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")])}
    procs = []
    for n, learner in enumerate(learners):
        spec = {"db": str(db), "learner": learner, "barrier": str(barrier), "duration": duration, "pace": pace,
                "seed": seed * 1000 + n, "out": str(folder / f"worker-{learner}.json")}
        procs.append(subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)],
                                      env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    started_waiting = time.monotonic()
    while len(list(barrier.glob("ready-*"))) < processes:
        if any(p.poll() not in (None, 0) for p in procs) or time.monotonic() - started_waiting > 600:
            break
        time.sleep(0.05)
    (barrier / "go").touch()
    began = time.monotonic()
    crashed = []
    for proc in procs:
        try:
            _out, err = proc.communicate(timeout=max(60.0, duration * 3 + 120))
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
        if proc.returncode != 0:
            crashed.append(err.strip().splitlines()[-1] if err.strip() else f"exit {proc.returncode}")
    wall = time.monotonic() - began
    ids: list[int] = []
    latencies: list[float] = []
    errors: list[str] = list(crashed)
    cpu = 0.0
    for learner in learners:
        path = folder / f"worker-{learner}.json"
        if not path.exists():
            continue
        result = json.loads(path.read_text())
        ids += result["ids"]
        latencies += result["latencies_ms"]
        errors += result["errors"]
        cpu += result["cpu_s"]
    verdict = integrity.check(db, ids)
    return {
        "run": name, "processes": processes, "duration_s": duration, "pace_s": pace, "wall_s": round(wall, 1),
        "answers": len(ids), "answers_per_s": round(len(ids) / duration, 1),
        "median_ms": round(statistics.median(latencies), 1) if latencies else 0.0,
        "p99_ms": round(percentile(latencies, 0.99), 1), "slowest_ms": round(max(latencies, default=0.0), 1),
        "errors": len(errors), "error_kinds": sorted(set(errors))[:5],
        "lost": len(verdict.lost), "disagreeing": len(verdict.disagreeing), "roll_up": len(verdict.roll_up),
        "integrity": verdict.integrity[:1],
        "reviews_in_log": verdict.reviews, "cpu_ms_per_answer": round(1000 * cpu / len(ids), 2) if ids else 0.0,
        "load_before": [round(x, 2) for x in load_before], "cores": os.cpu_count(),
        "database_bytes": db.stat().st_size + (Path(f"{db}-wal").stat().st_size if Path(f"{db}-wal").exists() else 0),
    }


def report(result: dict) -> None:
    r = result
    pace = f"one answer every ~{r['pace_s']:g} s each (±50 %)" if r["pace_s"] else "flat out"
    print(f"\n{r['run']}: {r['processes']} learner processes, {r['duration_s']:g} s, {pace}")
    print(f"  load average before (1/5/15 min): {' '.join(str(x) for x in r['load_before'])} on {r['cores']} cores")
    print(f"  answers: {r['answers']}  ({r['answers_per_s']} per second)")
    print(f"  latency (save + next card): median {r['median_ms']} ms, p99 {r['p99_ms']} ms, "
          f"slowest {r['slowest_ms']} ms")
    print(f"  CPU per answer (learner processes): {r['cpu_ms_per_answer']} ms")
    print(f"  errors: {r['errors']}" + (f"  {r['error_kinds']}" if r["errors"] else ""))
    print(f"  acknowledged answers missing from the review log: {r['lost']} (log holds {r['reviews_in_log']})")
    print(f"  card states disagreeing with the review log: {r['disagreeing']}; "
          f"daily roll-up rows: {r['roll_up']}; integrity_check: {' '.join(r['integrity'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", "-n", type=int, default=50, help="learner processes (default 50)")
    parser.add_argument("--duration", "-d", type=float, default=60.0, help="seconds of studying per run (60)")
    parser.add_argument("--pace", type=float, default=4.0,
                        help="paced run: mean seconds between one learner's answers, jittered ±50%% (4)")
    parser.add_argument("--runs", default="paced,flat", help="which runs, comma-separated: paced, flat")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", type=Path, help="keep the databases in this folder")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(json.loads(args.worker))
    runs = [name.strip() for name in args.runs.split(",") if name.strip()]
    if not runs or any(name not in ("paced", "flat") for name in runs) or args.processes < 1 or args.duration <= 0:
        parser.error("--runs takes paced and/or flat; --processes and --duration must be positive")
    results = []
    with tempfile.TemporaryDirectory(prefix="vocab-load-") as tmp:
        base = args.keep or Path(tmp)
        for name in runs:
            pace = args.pace if name == "paced" else 0.0
            result = run(name, base / name, args.processes, args.duration, pace, args.seed)
            report(result)
            results.append(result)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    failed = [r["run"] for r in results
              if r["errors"] or r["lost"] or r["disagreeing"] or r["roll_up"] or r["integrity"] != ["ok"]]
    if failed:
        print(f"\nFAILED: {', '.join(failed)} (errors, lost answers, or card states or roll-up at odds with the log)")
        return 1
    print("\nOK: 0 errors, every acknowledged answer in the review log, card states and daily roll-up agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
