"""Does a database hold every acknowledged answer, and do its card states agree with its review log?

Used by `load.py` and `kill_test.py` after their runs, and by the tests. It reads the file with its
own SQL, independently of `vocab_tui.store`, so that a fault in the store cannot hide itself:

- `PRAGMA integrity_check` must say ok;
- every review id a process was given back (an acknowledged answer) must be in `reviews`;
- each learner's card state must equal the state after that learner's last review of the card
  (schema 4 keeps it in the review's columns: `state_after`, `step`, `stability`, `difficulty`,
  `due`; the card's `last_review` is the review's `answered_at`), and its `reps` the number of
  reviews; a card reviewed without a state, or with a state but no review, disagrees too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

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

    @property
    def ok(self) -> bool:
        return self.integrity == ["ok"] and not self.lost and not self.disagreeing

    def lines(self) -> list[str]:
        out = [f"integrity_check: {' '.join(self.integrity)[:200]}",
               f"reviews: {self.reviews}, card states: {self.card_states}",
               f"lost acknowledged answers: {len(self.lost)}",
               f"card states disagreeing with the review log: {len(self.disagreeing)}"]
        out += [f"  lost review id {rid}" for rid in self.lost[:10]]
        out += [f"  {line}" for line in self.disagreeing[:10]]
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
    return Verdict(integrity, len(present), len(states), lost, disagreeing)
