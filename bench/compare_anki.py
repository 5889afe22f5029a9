"""vocab-tui side by side with Anki's engine: same cards, same answers, interleaved in one run.

    pip install -e '.[bench]'                       # brings the `anki` package (never a runtime need)
    python bench/compare_anki.py                     # N = 10,000 and 100,000 cards
    python bench/compare_anki.py --cards 2000 --answers 50 --repeat 5 --startup-repeat 3   # a quick look
    python bench/compare_anki.py --strict            # exit 1 when a figure misses its budget
    python bench/compare_anki.py --only startup --startup-repeat 11   # start-up only (no Anki needed)

For each N both systems get the same collection: N cards in one deck, the even ones new, the odd
ones in review and due (same stability, difficulty, interval and days overdue in both), FSRS on,
desired retention 0.9, no learning or relearning steps (so that a queue holds only the cards under
test: every answered card leaves the day's queue in both systems), reviews least retrievable first
in both (`--anki-review-order due` gives Anki its own default). Then, alternating the two
systems' operations so that machine noise hits both alike:

  * queue build and home counts, with the default limits (20 new / 200 reviews a day);
  * `--answers` review cards answered, then `--answers` new cards, with the same grades in the same
    order, each answer committed durably before the next card is fetched (vocab-tui: its real
    StudySession and Store on a SQLite file; Anki: the v3 scheduler, which commits every operation
    itself with synchronous=FULL in WAL mode: `Collection.save()` is a deprecated no-op since 23.10);
  * bytes per review-log row (table and its indexes, from dbstat) after those answers;
  * the statistics screen numbers of a learner with a year of reviews (vocab-tui only, absolute).

Then whole-process start-up: the first screen against a one-Label Textual app (time and peak
memory; also, with no budget of its own, the time until its text is on the terminal, which leaves
out the exit), `--help` and `decks list` against a one-command click program.

Every figure shows its budget (from issue 13) and PASS or FAIL; budgets marked "info" do not apply
at that N. Exit 0 unless --strict and something failed.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import math
import os
import platform
import pty
import random
import select
import shutil
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from vocab_tui.clock import Clock, SystemClock, iso, to_ms
from vocab_tui.models import LearnerSettings
from vocab_tui.progress import home_counts, learner_stats
from vocab_tui.scheduling import SchedulerSettings
from vocab_tui.store import Store, new_review_id
from vocab_tui.store.schema import mode_code
from vocab_tui.study import StudySession
from vocab_tui.study_days import StudyDays
from vocab_tui.workspace import open_workspace

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DECK = "bench"
# Grades by answer number, the same for both systems: mostly Good, some Again, Hard and Easy.
GRADES = (3, 3, 1, 3, 4, 3, 2, 3, 3, 3, 4, 3, 1, 3, 3, 2, 3, 3, 4, 3)
NO_STEPS = SchedulerSettings(learning_steps=(), relearning_steps=())
# Anki's review order (DeckConfig.Config.ReviewCardOrder): vocab-tui shows the least retrievable first.
REVIEW_ORDERS = {"retrievability": 7, "due": 0}


# -- small helpers -------------------------------------------------------------------------------


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def p99(values: list[float]) -> float:
    """Nearest-rank 99th percentile (the worst value for fewer than 100 samples)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


def interleave(ours: Callable[[int], float], theirs: Callable[[int], float], count: int) -> tuple[list, list]:
    """Run both `count` times, alternating which goes first, so drifts in machine load hit both."""
    a: list[float] = []
    b: list[float] = []
    for i in range(count):
        if i % 2:
            b.append(theirs(i))
            a.append(ours(i))
        else:
            a.append(ours(i))
            b.append(theirs(i))
    return a, b


def review_card_numbers(n: int) -> dict[int, tuple[float, float, int, int]]:
    """For each odd card number: (stability, difficulty, interval days, days overdue)."""
    out = {}
    for i in range(1, n, 2):
        stability = 1 + (i * 7919 % 600) / 10
        out[i] = (stability, 1 + (i % 90) / 10, max(1, round(stability)), i % 5)
    return out


def card_text(i: int) -> tuple[str, str, str, str]:
    return (f"term {i}", f"istilah {i}", f"what term {i} means in the city office",
            f"Please file the term {i} form today.")


def table_bytes(db: sqlite3.Connection, table: str) -> int:
    """Bytes on disk of a table and its indexes (whole pages, from the dbstat virtual table)."""
    names = [table] + [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", [table])]
    marks = ",".join("?" * len(names))
    return int(db.execute(f"SELECT sum(pgsize) FROM dbstat WHERE name IN ({marks})", names).fetchone()[0] or 0)


# -- vocab-tui -----------------------------------------------------------------------------------


class VocabSide:
    """vocab-tui's real Store and StudySession on a SQLite file."""

    def __init__(self, path: Path, n: int, clock: Clock) -> None:
        self.path = path
        self.clock = clock
        self.store = Store(path, clock)
        self.store.use_study_days(StudyDays(clock.tz, NO_STEPS.day_starts_at))  # as a workspace opens it
        now = clock.now()
        conn = self.store.db.conn
        # Bulk path: the same rows Store.sync_decks writes, in one transaction.
        conn.execute("BEGIN")
        conn.execute(
            "INSERT INTO decks (id, title, description, version, source, content_hash, synced_at, card_count) "
            "VALUES (?, 'Bench', 'Benchmark deck', '1', 'bench.yaml', 'bench', ?, ?)", [DECK, iso(now), n])
        conn.executemany(
            "INSERT INTO cards (pk, deck_id, card_id, position, term, translation, definition, example, "
            "part_of_speech, level, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'noun', 'B1', '[]')",
            ((i + 1, DECK, f"c{i}", i, *card_text(i)) for i in range(n)),
        )
        conn.execute("INSERT INTO learners (name, unit, created_at) VALUES ('Bench', 'Diskominfo', ?)", [iso(now)])
        self.learner_id = int(conn.execute("SELECT last_insert_rowid()").fetchone()[0])
        states = []
        for i, (stability, difficulty, interval, overdue) in review_card_numbers(n).items():
            due = now - timedelta(days=overdue, hours=1)
            states.append((self.learner_id, i + 1, 2, None, stability, difficulty, iso(due),
                           iso(due - timedelta(days=interval)), 1, 0))
        conn.executemany(
            "INSERT INTO card_states (learner_id, card_pk, state, step, stability, difficulty, due, last_review, "
            "reps, lapses, deck_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [(*s, DECK) for s in states])
        conn.execute("COMMIT")
        self.deck_ids = [DECK]
        self.session: StudySession | None = None

    @property
    def learner(self):
        return self.store.learner(self.learner_id)

    def set_limits(self, new: int, reviews: int) -> None:
        self.store.update_settings(self.learner_id, LearnerSettings(new_per_day=new, reviews_per_day=reviews))
        self._learner = self.learner

    def build_queue(self) -> StudySession:
        return StudySession(self.store, self._learner, self.deck_ids, self.clock, NO_STEPS)

    def home(self) -> object:
        return home_counts(self.store, self._learner, self.deck_ids, self.clock, NO_STEPS)

    def start(self) -> None:
        self.session = self.build_queue()
        self.session.next_card()

    def current_is_new(self) -> bool:
        assert self.session is not None and self.session.current is not None, "vocab-tui ran out of cards"
        return self.session.current.is_new

    def current_number(self) -> int:
        assert self.session is not None and self.session.current is not None
        return self.session.current.pk - 1

    def answer(self, grade: int) -> None:
        """Save + next, as the drill screen does: the outcomes are shown, one is chosen, the next card comes."""
        from fsrs import Rating

        session = self.session
        assert session is not None
        session.outcomes()
        session.answer(Rating(grade))
        session.next_card()

    def review_rows(self) -> tuple[int, int]:
        rows = self.store.db.execute("SELECT count(*) FROM reviews").fetchone()[0]
        return table_bytes(self.store.db.conn, "reviews"), int(rows)


    def close(self) -> None:
        self.store.close()


# -- Anki ----------------------------------------------------------------------------------------


class AnkiSide:
    """Anki's engine (the `anki` package: Rust backend, v3 scheduler, FSRS on) on its own file."""

    def __init__(self, path: Path, n: int, review_order: str = "retrievability") -> None:
        from anki.collection import AddNoteRequest, Collection

        self.path = path
        col = self.col = Collection(str(path))
        col.crt = col.crt - 400 * 86400  # a collection with a past, so review cards can be overdue
        col.set_config("fsrs", True)
        col.set_config("newCardsIgnoreReviewLimit", True)  # as vocab-tui: new cards beside the review limit
        self.did = col.decks.id("Bench")
        col.decks.select(self.did)
        model = col.models.by_name("Basic")
        requests = []
        for i in range(n):
            note = col.new_note(model)
            term, translation, definition, example = card_text(i)
            note["Front"] = term
            note["Back"] = f"{translation}<br>{definition}<br>{example}"
            requests.append(AddNoteRequest(note=note, deck_id=self.did))
        col.add_notes(requests)  # one backend call, one transaction
        today = col.sched.today
        day_cutoff = col.sched.day_cutoff
        ids = col.db.list("SELECT id FROM cards ORDER BY due, id")  # new-card position = note order
        self.numbers = {card_id: i for i, card_id in enumerate(ids)}
        rows = []
        for i, (stability, difficulty, interval, overdue) in review_card_numbers(n).items():
            last = day_cutoff - 86400 * (overdue + interval) - 3600
            data = json.dumps({"s": stability, "d": difficulty, "dr": 0.9, "decay": 0.1542, "lrt": last},
                              separators=(",", ":"))
            rows.append((ids[i], today - overdue, interval, data))
        # One statement, so one transaction (executemany through the backend commits row by row).
        col.db.execute(
            "UPDATE cards SET type = 2, queue = 2, due = v.due, ivl = v.ivl, factor = 2500, reps = 1, "
            "data = v.data FROM (SELECT value ->> 0 AS id, value ->> 1 AS due, value ->> 2 AS ivl, "
            "value ->> 3 AS data FROM json_each(?)) AS v WHERE cards.id = v.id", json.dumps(rows))
        self.conf = col.decks.config_dict_for_deck_id(self.did)
        self.conf["new"]["delays"] = []
        self.conf["lapse"]["delays"] = []
        self.conf["desiredRetention"] = 0.9
        self.conf["reviewOrder"] = REVIEW_ORDERS[review_order]
        self.card = None
        self.states = None
        self.queue = None

    def set_limits(self, new: int, reviews: int) -> None:
        self.conf["new"]["perDay"] = new
        self.conf["rev"]["perDay"] = reviews
        self.col.decks.update_config(self.conf)

    def build_queue(self) -> object:
        return self.col.sched.get_queued_cards()

    def forget_queue(self) -> None:
        """A deck-options save: Anki drops its cached queue, so the next fetch builds it anew."""
        self.col.decks.update_config(self.conf)

    def home(self) -> object:
        return self.col.sched.deck_due_tree()

    def start(self) -> None:
        self._next()

    def _next(self) -> None:
        from anki.cards import Card

        queued = self.col.sched.get_queued_cards()
        if not queued.cards:
            self.card = None
            return
        first = queued.cards[0]
        # What Anki's reviewer does to show a card: a Card object with its answer timer started.
        self.card = Card(self.col, backend_card=first.card)
        self.card.start_timer()
        self.states = first.states
        self.queue = first.queue

    def current_is_new(self) -> bool:
        assert self.card is not None, "Anki ran out of cards"
        return self.queue == 0

    def current_number(self) -> int:
        assert self.card is not None
        return self.numbers[self.card.id]

    def answer(self, grade: int) -> None:
        sched = self.col.sched
        # CardAnswer.Rating counts from AGAIN = 0; FSRS grades from Again = 1.
        sched.answer_card(sched.build_answer(card=self.card, states=self.states, rating=grade - 1))
        self._next()

    def close(self) -> None:
        self.col.close()

    def review_rows(self) -> tuple[int, int]:
        """After close: Anki keeps its file locked (locking_mode=exclusive) while open."""
        with sqlite3.connect(self.path) as db:
            rows = db.execute("SELECT count(*) FROM revlog").fetchone()[0]
            return table_bytes(db, "revlog"), int(rows)



# -- figures -------------------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    ours: float
    theirs: float | None  # None: an absolute figure
    unit: str
    budget: float  # a ratio ours/theirs, or an absolute value when theirs is None
    applies: bool = True

    @property
    def ratio(self) -> float | None:
        if self.theirs is None:
            return None
        return self.ours / self.theirs if self.theirs else math.inf

    @property
    def passed(self) -> bool:
        value = self.ours if self.theirs is None else self.ratio
        return value is not None and value <= self.budget

    def row(self) -> str:
        def show(v: float | None) -> str:
            if v is None:
                return "—"
            return f"{v:,.0f}" if v >= 100 else f"{v:.2f}"

        ratio = "—" if self.ratio is None else f"{self.ratio:.2f}×"
        budget = f"≤{self.budget:g}×" if self.theirs is not None else f"≤{self.budget:g} {self.unit}"
        verdict = ("PASS" if self.passed else "FAIL") if self.applies else "info"
        return (f"| {self.name} | {show(self.ours)} {self.unit} | {show(self.theirs)} | {ratio} | "
                f"{budget} | {verdict} |")


def disk_mark(path: Path) -> tuple:
    files = [path, Path(f"{path}-wal")]
    return tuple((f.stat().st_size, f.stat().st_mtime_ns) if f.exists() else None for f in files)


def ensure_commits(side: VocabSide | AnkiSide, grade: int) -> None:
    """One untimed answer that must reach the database files on disk before it returns."""
    before = disk_mark(side.path)
    side.answer(grade)
    if disk_mark(side.path) == before:
        raise SystemExit(f"{type(side).__name__}: an answer did not reach {side.path} on disk; the comparison would be unfair")


def answer_phase(ours: VocabSide, theirs: AnkiSide, count: int, new: bool) -> tuple[list, list, float]:
    """Answer `count` cards of one kind in both systems, alternating, same grade for the same answer number.

    Returns both systems' times and the share of cards that both answered.
    """
    if new:
        ours.set_limits(new=count + 1, reviews=0)
        theirs.set_limits(new=count + 1, reviews=0)
    else:
        ours.set_limits(new=0, reviews=count + 1)
        theirs.set_limits(new=0, reviews=count + 1)
    ours.start()
    theirs.start()
    ensure_commits(ours, 3)
    ensure_commits(theirs, 3)

    answered: tuple[set, set] = (set(), set())

    def step(side: VocabSide | AnkiSide, seen: set) -> Callable[[int], float]:
        def run(i: int) -> float:
            if side.current_is_new() != new:
                raise SystemExit(f"{type(side).__name__} showed a {'review' if new else 'new'} card in the "
                                 f"{'new' if new else 'review'} phase (answer {i}); the queues differ")
            seen.add(side.current_number())
            return timed(lambda: side.answer(GRADES[i % len(GRADES)]))
        return run

    a, b = interleave(step(ours, answered[0]), step(theirs, answered[1]), count)
    return a, b, len(answered[0] & answered[1]) / count


def answer_floor(ours: VocabSide, folder: Path, count: int) -> float:
    """Median ms of what any durable answer here costs at least: the four outcomes of a review card worked
    out by py-fsrs (as `StudySession.outcomes` does) plus BEGIN IMMEDIATE, one row and COMMIT on a
    bare SQLite file in WAL mode with synchronous=FULL, on the same disk as the benchmark's databases."""
    from vocab_tui.scheduling import make_scheduler, outcomes

    scheduler = make_scheduler(NO_STEPS, 0.9)
    state = ours.store.card_state(ours.learner_id, 2)  # an odd card (pk 2): in review, due
    assert state is not None
    conn = sqlite3.connect(folder / "floor.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE answers (id INTEGER PRIMARY KEY, card INTEGER, rating INTEGER, at INTEGER)")
    times = []
    for i in range(count):
        start = time.perf_counter()
        outcomes(scheduler, state, 2, datetime.now(timezone.utc))
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO answers (card, rating, at) VALUES (?, ?, ?)", [i, 3, time.time_ns()])
        conn.execute("COMMIT")
        times.append((time.perf_counter() - start) * 1000)
    conn.close()
    return statistics.median(times)


def year_of_reviews(store: Store, clock: Clock, n: int) -> int:
    """A second learner who studied 20 new cards and about 80 reviews a day for a year; returns the id."""
    rng = random.Random(13)
    now = clock.now()
    conn = store.db.conn
    conn.execute("BEGIN")
    conn.execute("INSERT INTO learners (name, unit, created_at) VALUES ('Setahun', 'Bappeda', ?)",
                 [iso(now - timedelta(days=366))])
    lid = int(conn.execute("SELECT last_insert_rowid()").fetchone()[0])
    studied: list[int] = []
    reviews = []
    for day in range(365, 0, -1):
        moment = now - timedelta(days=day)
        fresh = list(range(len(studied) + 1, min(n, len(studied) + 20) + 1))
        studied.extend(fresh)
        picks = [(pk, 0) for pk in fresh] + [(rng.choice(studied), 2) for _ in range(80)]
        for k, (pk, before_state) in enumerate(picks):
            at = moment + timedelta(seconds=20 * k)
            interval = rng.uniform(1, 90)
            reviews.append((new_review_id(at, rng), lid, pk, rng.choice((1, 3, 3, 3, 4)), to_ms(at), 6000, mode_code("choice"),
                            before_state, 2, None if before_state == 0 else interval, None, interval * 2, 5.0,
                            to_ms(at + timedelta(days=interval * 2))))
    conn.executemany(
        "INSERT OR IGNORE INTO reviews (id, learner_id, card_pk, rating, answered_at, duration_ms, mode, "
        "state_before, state_after, interval_days, step, stability, difficulty, due) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", reviews)
    conn.executemany(
        "INSERT INTO card_states (learner_id, card_pk, state, step, stability, difficulty, due, last_review, reps, "
        "lapses, deck_id) VALUES (?, ?, 2, NULL, ?, 5.0, ?, ?, 5, 0, '" + DECK + "')",
        [(lid, pk, rng.uniform(1, 120), iso(now + timedelta(days=rng.uniform(-2, 90))), iso(now - timedelta(days=3)))
         for pk in studied])
    conn.execute("COMMIT")
    store.recount_daily_activity([lid])  # the log was written directly above
    return lid


def compare_cards(n: int, answers: int, repeat: int, tmp: Path, review_order: str) -> list[Figure]:
    folder = tmp / f"n{n}"
    folder.mkdir()
    clock = SystemClock()
    t = time.perf_counter()
    ours = VocabSide(folder / "vocab.db", n, clock)
    built_ours = time.perf_counter() - t
    t = time.perf_counter()
    theirs = AnkiSide(folder / "collection.anki2", n, review_order)
    built_theirs = time.perf_counter() - t
    print(f"N = {n:,}: built vocab-tui in {built_ours:.1f} s, Anki in {built_theirs:.1f} s", flush=True)
    label = f"{n // 1000}k" if n % 1000 == 0 else str(n)
    figures: list[Figure] = []

    ours.set_limits(new=20, reviews=200)
    theirs.set_limits(new=20, reviews=200)

    def anki_build(_i: int) -> float:
        theirs.forget_queue()
        return timed(theirs.build_queue)

    build = interleave(lambda _i: timed(ours.build_queue), anki_build, repeat)
    home = interleave(lambda _i: timed(ours.home), lambda _i: timed(theirs.home), repeat)
    print("  queue builds and home counts measured", flush=True)
    review = answer_phase(ours, theirs, answers, new=False)
    print(f"  {answers} review cards answered in each; {review[2]:.0%} of them the same cards", flush=True)
    new = answer_phase(ours, theirs, answers, new=True)
    print(f"  {answers} new cards answered in each; {new[2]:.0%} of them the same cards", flush=True)

    med = statistics.median
    big = n >= 10_000
    figures += [
        Figure(f"answer a review card, {label}, median", med(review[0]), med(review[1]), "ms", 1.0, big),
        Figure(f"answer a review card, {label}, p99", p99(review[0]), p99(review[1]), "ms", 2.0, False),
        Figure(f"answer a new card, {label}, median", med(new[0]), med(new[1]), "ms", 1.0, big),
        Figure(f"answer a new card, {label}, p99", p99(new[0]), p99(new[1]), "ms", 2.0, big),
        Figure(f"build the session queue (20 new / 200 reviews), {label}, median", med(build[0]), med(build[1]),
               "ms", 1.0, n >= 100_000),
        Figure(f"home-screen counts vs Anki's deck tree, {label}, median", med(home[0]), med(home[1]), "ms",
               1.0, big),
    ]

    # What no answer can go below here: the scheduler's four outcomes (what the answer buttons show) and one
    # durable commit of a single row on this disk, against Anki's whole answer (save + next) of a review card.
    floor = answer_floor(ours, folder, answers)
    figures.append(Figure(f"floor: py-fsrs outcomes + one durable one-row commit, vs Anki's whole review answer, "
                          f"{label}, median", floor, med(review[1]), "ms", 1.0, False))

    ours_bytes, ours_rows = ours.review_rows()
    theirs.close()
    theirs_bytes, theirs_rows = theirs.review_rows()
    figures.append(Figure(f"bytes per review row (table + indexes), {label}", ours_bytes / ours_rows,
                          theirs_bytes / theirs_rows, "B", 1.5, big))

    learner = ours.store.learner(year_of_reviews(ours.store, clock, n))
    stats = [timed(lambda: learner_stats(ours.store, learner, ours.deck_ids, clock, NO_STEPS)) for _ in range(repeat)]
    figures.append(Figure(f"statistics screen numbers, a year of reviews, {label}, median", med(stats), None,
                          "ms", 50, True))
    ours.close()
    shutil.rmtree(folder)
    return figures


# -- whole-process start-up ----------------------------------------------------------------------


def run_in_terminal(argv: list[str], env: dict[str, str], timeout: float = 120,
                    marker: bytes | None = None) -> tuple[float, int | None, bytes, float | None]:
    """Run a program on a pseudo-terminal (100×30); returns wall ms, its peak memory, its output, and
    the ms at which `marker` first reached the terminal (None without a marker, or if it never did).

    The peak (VmHWM, KiB) is what the program itself wrote to BENCH_PEAK_FILE (None if it did not):
    the parent's ru_maxrss for a child includes the parent's own size, which Linux carries across exec.
    """
    peak_file = Path(env["BENCH_PEAK_FILE"])
    peak_file.unlink(missing_ok=True)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=REPO,
                            start_new_session=True)
    os.close(slave)
    out = bytearray()
    shown_at: float | None = None
    try:
        while True:
            ready, _, _ = select.select([master], [], [], timeout)
            if not ready:
                proc.kill()
                raise SystemExit(f"{' '.join(argv)} did not finish in {timeout:.0f} s")
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
            if marker is not None and shown_at is None and marker in out[-(len(chunk) + len(marker)):]:
                shown_at = (time.perf_counter() - start) * 1000
        _pid, status = os.waitpid(proc.pid, 0)
    finally:
        os.close(master)
    elapsed = (time.perf_counter() - start) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{out.decode(errors='replace')[-2000:]}")
    peak = int(peak_file.read_text()) if peak_file.exists() else None
    return elapsed, peak, bytes(out), shown_at


def compare_startup(repeat: int, tmp: Path) -> list[Figure]:
    home = tmp / "home"
    (home / "config").mkdir(parents=True)
    db = tmp / "startup.db"
    # PYTHONDONTWRITEBYTECODE would make every run compile vocab-tui from source (~200 ms of its first
    # screen), while the libraries it is compared with run from the bytecode pip wrote at install: an
    # installed vocab-tui has its bytecode too, which the warm-up runs below write here.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("VOCAB_TUI_", "TEXTUAL")) and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
               VOCAB_TUI_DB=str(db), TERM="xterm-256color", BENCH_PEAK_FILE=str(tmp / "peak"))
    from vocab_tui.decks import bundled_decks_dir

    workspace = open_workspace(db, [bundled_decks_dir()], SystemClock())  # the later runs: db made, decks synced
    workspace.store.add_learner("Bench", "Diskominfo")
    workspace.store.close()
    py = sys.executable
    # The command as staff run it: the `vocab-tui` script pip installed beside this python (run by this
    # python, as the one-command click program is); `-m vocab_tui` adds runpy's own imports (~7 ms).
    script = Path(py).parent / "vocab-tui"
    command = [py, str(script)] if script.is_file() else [py, "-m", "vocab_tui"]
    # What each program must have put on the terminal, so that a run that showed nothing cannot count.
    shows = {"first screen": (b"Bench", b"Selamat datang"), "--help": (b"vocab-tui", b"one-command"),
             "decks list": (b"spbe.yaml", b"bench.yaml")}
    pairs = {
        "first screen": ([py, str(HERE / "first_screen.py")], [py, str(HERE / "minimal_textual.py")]),
        "--help": ([*command, "--help"], [py, str(HERE / "minimal_click.py"), "--help"]),
        "decks list": ([*command, "decks", "list"], [py, str(HERE / "minimal_click.py"), "list"]),
    }
    for ours, theirs in pairs.values():  # warm the page cache and the bytecode cache once
        run_in_terminal(ours, env)
        run_in_terminal(theirs, env)
    times: dict[str, tuple[list, list]] = {name: ([], []) for name in pairs}
    memory: tuple[list, list] = ([], [])
    drawn: tuple[list, list] = ([], [])  # ms until the first screen's text was on the terminal
    for i in range(repeat):
        for name, (ours, theirs) in pairs.items():
            order = [(0, ours), (1, theirs)] if i % 2 == 0 else [(1, theirs), (0, ours)]
            for side, argv in order:
                expected = shows[name][side]
                ms, peak, out, shown_at = run_in_terminal(argv, env, marker=expected)
                if expected not in out:
                    raise SystemExit(f"{' '.join(argv)} did not show {expected!r}:\n{out[-1500:]!r}")
                times[name][side].append(ms)
                if name == "first screen":
                    if peak is None:
                        raise SystemExit(f"{' '.join(argv)} did not report its peak memory")
                    memory[side].append(peak)
                    if shown_at is not None:
                        drawn[side].append(shown_at)
    med = statistics.median
    return [
        Figure("first screen, whole process, vs a one-label Textual app", med(times["first screen"][0]),
               med(times["first screen"][1]), "ms", 1.3),
        Figure("peak memory on the first screen vs a one-label Textual app", med(memory[0]) / 1024,
               med(memory[1]) / 1024, "MiB", 1.3),
        # The whole-process figure also holds the exit (Textual's input thread waits up to two 0.1 s
        # selects, the interpreter's last collection): this one stops when the screen's text is shown.
        Figure("first screen until its text is on the terminal (no exit), vs the one-label app",
               med(drawn[0]) if drawn[0] else math.nan, med(drawn[1]) if drawn[1] else math.nan, "ms", 1.3,
               applies=False),
        Figure("`vocab-tui --help` vs a minimal click CLI", med(times["--help"][0]), med(times["--help"][1]),
               "ms", 1.5),
        Figure("`vocab-tui decks list` vs a minimal click CLI", med(times["decks list"][0]),
               med(times["decks list"][1]), "ms", 1.5),
    ]


# -- main ----------------------------------------------------------------------------------------


def machine() -> str:
    cores = os.cpu_count()
    try:
        mem = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")) + " kB"
    except (OSError, StopIteration):
        mem = "?"
    from importlib.metadata import PackageNotFoundError, version

    try:
        anki_version = version("anki")
    except PackageNotFoundError:  # --only startup runs without it
        anki_version = "not installed"
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, load {load}, {cores} cores, {mem} RAM, Python "
            f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, anki {anki_version}, "
            f"vocab-tui {version('vocab-tui')}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", default="10000,100000", help="collection sizes, comma-separated")
    parser.add_argument("--answers", type=int, default=500, help="answers of each kind (new, review) per size")
    parser.add_argument("--repeat", type=int, default=21, help="queue builds, home counts, statistics per size")
    parser.add_argument("--startup-repeat", type=int, default=11, help="runs of each program (0: skip)")
    parser.add_argument("--anki-review-order", choices=REVIEW_ORDERS, default="retrievability",
                        help="Anki's review order: as vocab-tui (least retrievable first; the default) or "
                        "Anki's own default (due date, then random)")
    parser.add_argument("--only", choices=("cards", "startup"),
                        help="run only the card figures against Anki, or only the start-up comparison "
                        "(which needs no Anki)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a figure misses its budget")
    args = parser.parse_args(argv)
    if args.only == "startup" and not args.startup_repeat:
        parser.error("--only startup needs --startup-repeat of at least 1")
    if args.only != "startup":
        try:
            import anki  # noqa: F401
        except ImportError:
            print("The comparison needs Anki's engine: pip install -e '.[bench]'", file=sys.stderr)
            return 2
    sizes = [int(x.replace("_", "")) for x in args.cards.split(",") if x.strip()] if args.only != "startup" else []
    for n in sizes:
        if n < 2 * args.answers + 4:
            parser.error(f"--cards {n} is too small for --answers {args.answers}: each half needs that many cards")
    print(machine(), flush=True)
    if args.only != "startup":
        print(f"Anki's review order: {args.anki_review_order}", flush=True)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="vocab-bench-") as tmp:
        for n in sizes:
            figures += compare_cards(n, args.answers, args.repeat, Path(tmp), args.anki_review_order)
        if args.startup_repeat and args.only != "cards":
            figures += compare_startup(args.startup_repeat, Path(tmp))
    print()
    print("| figure | vocab-tui | Anki / minimal | ratio | budget | verdict |")
    print("|---|---|---|---|---|---|")
    for figure in figures:
        print(figure.row())
    failed = [f for f in figures if f.applies and not f.passed]
    print(f"\n{len(failed)} of {sum(f.applies for f in figures)} budgets missed; "
          f"load average at the end {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
