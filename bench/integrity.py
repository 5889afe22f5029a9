"""Does a database hold every acknowledged answer, and do its card states agree with its review log?

Used by `load.py` and `kill_test.py` after their runs, and by the tests. It reads the file with its
own SQL, independently of `vocab_tui.store`, so that a fault in the store cannot hide itself:

- `PRAGMA integrity_check` must say ok;
- every review id a process was given back (an acknowledged answer) must be in `reviews`;
- each learner's card state must equal the state after that learner's last review of the card
  (schema 4 keeps it in the review's columns: `state_after`, `step`, `stability`, `difficulty`,
  `due`; the card's `last_review` is the review's `answered_at`), and its `reps` the number of
  reviews; a card reviewed without a state, or with a state but no review, disagrees too;
- the daily roll-up (`daily_activity`, schema 5) must be what the log adds up to, counted here in
  Python from the rule in `meta` (time zone, day start): per learner x deck x study day, and per
  learner-day over every deck (deck ''), its reviews, new cards, study ms, true-retention reviews and
  passes, last answer and days in a row.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from vocab_tui.clock import from_ms, iso

# The newest review of each (learner, card), in the order the store itself uses (answered_at, then id).
_LAST_REVIEWS = """
SELECT r.learner_id, r.card_pk, r.state_after, r.step, r.stability, r.difficulty, r.due, r.answered_at,
       (SELECT count(*) FROM reviews c WHERE c.learner_id = r.learner_id AND c.card_pk = r.card_pk) AS n
FROM reviews r
WHERE NOT EXISTS (
    SELECT 1 FROM reviews later
    WHERE later.learner_id = r.learner_id AND later.card_pk = r.card_pk
      AND (later.answered_at, later.id) > (r.answered_at, r.id)
)
"""
def _text(millis: int | None) -> str | None:
    """A review-log instant (Unix ms) as card_states writes it (clock.iso)."""
    return None if millis is None else iso(from_ms(millis))


_STATES = "SELECT learner_id, card_pk, state, step, stability, difficulty, due, last_review, reps FROM card_states"


@dataclass
class Verdict:
    """What `check` found; `ok` when nothing is wrong."""

    integrity: list[str]
    reviews: int  # rows in the review log
    card_states: int
    lost: list[int] = field(default_factory=list)  # acknowledged review ids missing from the log
    disagreeing: list[str] = field(default_factory=list)  # one line per card state at odds with its log
    roll_up: list[str] = field(default_factory=list)  # one line per daily_activity row at odds with the log

    @property
    def ok(self) -> bool:
        return self.integrity == ["ok"] and not self.lost and not self.disagreeing and not self.roll_up

    def lines(self) -> list[str]:
        out = [f"integrity_check: {' '.join(self.integrity)[:200]}",
               f"reviews: {self.reviews}, card states: {self.card_states}",
               f"lost acknowledged answers: {len(self.lost)}",
               f"card states disagreeing with the review log: {len(self.disagreeing)}",
               f"daily roll-up rows disagreeing with the review log: {len(self.roll_up)}"]
        out += [f"  lost review id {rid}" for rid in self.lost[:10]]
        out += [f"  {line}" for line in self.disagreeing[:10]]
        out += [f"  {line}" for line in self.roll_up[:10]]
        return out


def connect(db_path: Path) -> sqlite3.Connection:
    """A plain connection to the file, as any SQLite client would open it (the app must be closed or dead)."""
    conn = sqlite3.connect(str(db_path), timeout=30)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


def check(db_path: Path, acknowledged: Iterable[int] = ()) -> Verdict:
    """Check the file at `db_path` against the review ids that were acknowledged to someone."""
    conn = connect(db_path)
    try:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        present = {row[0] for row in conn.execute("SELECT id FROM reviews")}
        lost = sorted(set(acknowledged) - present)
        last = {(row[0], row[1]): row[2:] for row in conn.execute(_LAST_REVIEWS)}
        states = {(row[0], row[1]): row[2:] for row in conn.execute(_STATES)}
        roll_up = _roll_up_problems(conn)
    finally:
        conn.close()
    disagreeing = []
    for key in sorted(set(last) | set(states)):
        review, state = last.get(key), states.get(key)
        if review is None:
            disagreeing.append(f"learner {key[0]} card {key[1]}: a card state without any review")
            continue
        if state is None:
            disagreeing.append(f"learner {key[0]} card {key[1]}: reviewed, but no card state")
            continue
        # state_after, step, stability, difficulty, due, answered_at (the log's in Unix ms, the state's as text), count
        expected = (*review[:4], _text(review[4]), _text(review[5]), review[6])
        if tuple(state) != expected:
            disagreeing.append(f"learner {key[0]} card {key[1]}: state {tuple(state)} but the log says {expected}")
    return Verdict(integrity, len(present), len(states), lost, disagreeing, roll_up)


MATURE_DAYS = 21


def _roll_up_problems(conn: sqlite3.Connection) -> list[str]:
    """daily_activity against the log, added up here (see the module docstring); [] without the table."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'daily_activity'").fetchone():
        return []
    rule = conn.execute("SELECT value FROM meta WHERE key = 'study_days'").fetchone()
    stored = {tuple(row[:3]): tuple(row[3:]) for row in conn.execute(
        "SELECT learner_id, deck_id, day, reviews, introduced, study_ms, retention_reviews, retention_passed, "
        "last_at, run FROM daily_activity")}
    if rule is None:
        return [] if not stored else ["rows without a study-day rule in meta"]
    data = json.loads(rule[0])
    tz = ZoneInfo(data["zone"]) if "zone" in data else timezone(timedelta(seconds=data["offset_seconds"]))
    hour = int(data["hour"])

    def day(millis: int) -> int:
        local = (datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=millis)).astimezone(tz)
        return ((local - timedelta(hours=hour)).date() - date(1970, 1, 1)).days

    sums: dict[tuple, list[int]] = {}
    last_mature: dict[tuple[int, int], int] = {}  # (learner, card) -> day of its last mature answer
    for learner, card, deck, at, state_before, interval, rating, ms in conn.execute(
            "SELECT r.learner_id, r.card_pk, c.deck_id, r.answered_at, r.state_before, r.interval_days, r.rating, "
            "r.duration_ms FROM reviews r JOIN cards c ON c.pk = r.card_pk ORDER BY r.card_pk, r.learner_id, r.id"):
        d = day(at)
        kept = False
        if state_before == 2 and interval is not None and interval >= MATURE_DAYS:
            previous = last_mature.get((learner, card))
            kept = previous is None or previous < d
            last_mature[(learner, card)] = d
        for key in ((learner, deck, d), (learner, "", d)):
            row = sums.setdefault(key, [0, 0, 0, 0, 0, 0])
            row[0] += 1
            row[1] += state_before == 0
            row[2] += ms or 0
            row[3] += kept
            row[4] += kept and rating > 1
            row[5] = max(row[5], at)
    expected = {}
    for key in sorted(sums):
        before = expected.get((key[0], key[1], key[2] - 1))
        expected[key] = (*sums[key], (before[-1] + 1) if before else 1)
    problems = [f"learner {k[0]} deck {k[1]!r} day {k[2]}: stored {stored.get(k)} but the log says {expected.get(k)}"
                for k in sorted(set(stored) | set(expected), key=str) if stored.get(k) != expected.get(k)]
    return problems
