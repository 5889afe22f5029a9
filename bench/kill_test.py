"""Pull the plug on the real app, again and again: no answer shown as saved may be lost.

    python bench/kill_test.py --kills 100            # the full proof (a few minutes)
    python bench/kill_test.py --kills 5 --seed 7     # a quick look

Each round starts the real `vocab-tui` command in a pseudo-terminal (120×40, English), reads its
screen through a terminal emulator (pyte) and drives it by keys as a learner would: choose the
profile, Enter on "All decks", then answer whatever card comes (multiple choice: a number; recognition
and production: Space, then a grade; typed and cloze: a word and Enter), leave a summary, start again.
At a random moment it sends SIGKILL: one round in six during start-up (opening the file, syncing
decks, the first screens), the others within a few seconds (`--max-delay`) of the first card shown,
and a quarter of the answer keys are followed by a kill within 30 ms, the window in which the
answer is being committed.

An answer counts as acknowledged only when the screen says so: for choice, typed and cloze cards
the feedback with "Saved. Press Enter for the next card" (shown after `StudySession.answer`
returned, i.e. after the commit); for self-graded cards, the grade buttons gone and the next card
(or the summary) shown. After each kill the script checks, on the file the app left:

- `PRAGMA integrity_check` is ok;
- the round's acknowledged answers are, in order, the first reviews the round added to the log
  (same mode, same grade, the card whose prompt was on screen), and at most one more review is
  there (an answer committed in the instant before the kill, not yet shown);
- every card state equals the state after the learner's last review of that card (`integrity.py`).

Exit 1 at the first round that fails, with what was wrong and the last screen.
"""

from __future__ import annotations

import argparse
import os
import random
import select
import shutil
import signal
import struct
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyte

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import integrity  # noqa: E402
from vocab_tui.store.schema import mode_name  # noqa: E402

COLUMNS, LINES = 120, 40
MAX_ROUND_S = 60.0  # a round whose app never gets anywhere is killed then, and checked like any other

# The hint line of each kind of question (English), and what a learner does there.
CHOICE_HINT = "Which is the right meaning? Press 1, 2, 3 or 4."
SELF_GRADED_HINTS = {"Do you know what it means? Press Space": "recognition",
                     "Say the English word to yourself, then press Space.": "production"}
TYPED_HINTS = {"Type the English word and press Enter.": "typed", "Type the missing word and press Enter.": "cloze"}
GRADE_HINT = "How well did you remember? Press 1, 2, 3 or 4."
SAVED_HINT = "Saved. Press Enter for the next card"
LEECH = "This word keeps slipping away"


@dataclass
class Ack:
    """One answer the screen acknowledged: its mode, grade (1-4) and the prompt's first line."""

    mode: str
    rating: int
    prompt: str


@dataclass
class Round:
    number: int
    acked: list[Ack] = field(default_factory=list)
    killed_in: str = ""  # what the screen showed when the kill came
    last_screen: str = ""


def vocab_tui_command() -> str:
    """The installed `vocab-tui` command beside this Python, else the one on PATH."""
    beside = Path(sys.executable).parent / "vocab-tui"
    found = str(beside) if beside.exists() else shutil.which("vocab-tui")
    if not found:
        raise SystemExit("vocab-tui is not installed: pip install -e . first")
    return found


class App:
    """The real app in a pseudo-terminal, with its screen as text."""

    def __init__(self, db: Path, env: dict[str, str]) -> None:
        import fcntl
        import pty
        import termios

        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)
        command = vocab_tui_command()
        pid, fd = pty.fork()
        if pid == 0:  # the child: become the app
            try:
                os.execve(command, [command, "--db", str(db), "--lang", "en"], env)
            finally:
                os._exit(127)  # never run the parent's code in the child
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        self.alive = True

    def pump(self, seconds: float) -> None:
        """Read what the app drew during `seconds` (at least one read attempt)."""
        end = time.monotonic() + seconds
        while True:
            left = max(0.0, end - time.monotonic())
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:  # the app is gone
                    data = b""
                if not data:
                    return
                self.stream.feed(data)
                self._answer_queries(data)
            if time.monotonic() >= end:
                return

    def _answer_queries(self, data: bytes) -> None:
        # A terminal answers "where is the cursor?" and device-attribute queries; pyte does not.
        if b"\x1b[6n" in data:
            self.send(f"\x1b[{self.screen.cursor.y + 1};{self.screen.cursor.x + 1}R")

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def send(self, keys: str) -> None:
        try:
            os.write(self.fd, keys.encode())
        except OSError:
            pass

    def kill(self) -> None:
        if self.alive:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            os.close(self.fd)
            self.alive = False

    def exited(self) -> bool:
        if not self.alive:
            return True
        pid, _status = os.waitpid(self.pid, os.WNOHANG)
        return pid != 0


def prompt_of(screen: str) -> str:
    """The card's prompt as shown: the first line under the top bar that is not the NEW badge."""
    for line in screen.splitlines()[1:]:
        text = line.strip()
        if text and text != "NEW":
            return " ".join(text.split())
    return ""


QUESTIONS = {"choice", "recognition", "production", "typed", "cloze"}


def drive(app: App, rng: random.Random, max_delay: float, record: Round, min_acks: int = 0) -> None:
    """Act as the learner, then SIGKILL at a random moment; acknowledged answers go to `record`.

    One round in six is killed during start-up (within 3 s of the start); the others within
    `max_delay` seconds of the first card shown, or within 30 ms of an answer key (see `run`).
    With `min_acks`, no kill comes before that many answers were acknowledged.
    """
    kill_at = time.monotonic() + rng.uniform(0.05, 3.0) if rng.random() < 1 / 6 and not min_acks else None
    deadline = time.monotonic() + MAX_ROUND_S
    pending: Ack | None = None  # an answer key sent, its acknowledgement not yet seen
    settled = ""
    acted_on, acted_at = "", 0.0  # the kind of screen the last keys went to: no key twice for one screen
    while True:
        app.pump(0.01)
        now = time.monotonic()
        screen = app.text()
        if pending is not None:
            if pending.mode in ("recognition", "production"):  # the grades gone, the next card (or the end)
                done = kind_of(screen) not in ("", "revealed")
            else:
                done = SAVED_HINT in screen
            if done:
                if pending.mode in ("typed", "cloze"):
                    pending.rating = 3 if "✓ Correct" in screen else 2 if "≈ Almost" in screen else 1
                elif pending.mode == "choice":
                    pending.rating = 3 if "✓ Right!" in screen else 1
                record.acked.append(pending)
                pending = None
        kind = kind_of(screen)
        if screen != settled:  # act only on a screen drawn completely: the same on two reads
            settled = screen
            kind = ""
        if kill_at is None and kind in QUESTIONS and len(record.acked) >= min_acks:
            kill_at = now + rng.uniform(0, max_delay)
        if now >= (kill_at or deadline) or app.exited():
            record.killed_in = ("waiting for an acknowledgement" if pending else "between answers" if record.acked
                                else f"on screen {kind or 'start-up'}")
            record.last_screen = screen
            app.kill()
            return
        if pending is not None or not kind or (kind == acted_on and now - acted_at < 20):
            continue
        action = next_action(screen, rng)
        if action is None:
            continue
        keys, answer = action
        if answer is not None:
            pending = answer
            if rng.random() < 0.25 and len(record.acked) >= min_acks:  # into the commit window
                kill_at = min(kill_at or deadline, time.monotonic() + rng.uniform(0, 0.03))
        acted_on, acted_at = kind, time.monotonic()
        app.send(keys)


def kind_of(screen: str) -> str:
    """Which screen this is, by its hint ("" while none is recognised, e.g. half drawn)."""
    if "Who is studying today?" in screen and "Kill Test" in screen:
        return "profile-empty" if "Type part of your name" in screen else "profile-found"
    kinds = [(LEECH, "leech"), (SAVED_HINT, "feedback"), (GRADE_HINT, "revealed"), (CHOICE_HINT, "choice"),
             ("Choose a deck with", "home"), ("Back to decks", "summary")]
    kinds += [(hint, mode) for hint, mode in SELF_GRADED_HINTS.items()]
    kinds += [(hint, mode) for hint, mode in TYPED_HINTS.items()]
    return next((kind for text, kind in kinds if text in screen), "")


def next_action(screen: str, rng: random.Random) -> tuple[str, Ack | None] | None:
    """The keys a learner presses on this screen, and the answer they give (None: not an answer)."""
    if "Who is studying today?" in screen and "Kill Test" in screen:
        if "Type part of your name" in screen:
            return "Kill Test\r", None  # find the profile: its row is highlighted
        return "\r", None  # and open it
    if "Choose a deck with" in screen:
        return "\r", None  # study all decks
    if LEECH in screen:
        return "\r", None  # keep studying it
    if "Back to decks" in screen:  # the summary
        return "\r", None
    if SAVED_HINT in screen:
        return "\r", None  # next card
    if GRADE_HINT in screen:  # before the question hints: a half-redrawn screen may still show one
        mode = "production" if "Say the English word" in screen else "recognition"
        rating = rng.choice([1, 2, 3, 3, 4])
        return str(rating), Ack(mode, rating, prompt_of(screen))
    if CHOICE_HINT in screen:
        number = rng.randint(1, 4)
        return str(number), Ack("choice", 0, prompt_of(screen))
    for hint, mode in SELF_GRADED_HINTS.items():
        if hint in screen:
            return " ", None  # show the answer
    for hint, mode in TYPED_HINTS.items():
        if hint in screen:
            return rng.choice(["kata", "x", "the"]) + "\r", Ack(mode, 0, prompt_of(screen))
    return None


def new_reviews(db: Path, since: int) -> list[dict]:
    conn = integrity.connect(db)
    try:
        conn.row_factory = __import__("sqlite3").Row
        rows = conn.execute(
            "SELECT r.id, r.mode, r.rating, r.answered_at, c.term, c.translation FROM reviews r "
            "JOIN cards c ON c.pk = r.card_pk ORDER BY r.answered_at, r.id").fetchall()
    finally:
        conn.close()
    return [{**dict(row), "mode": mode_name(row["mode"])} for row in rows[since:]]


def matches(ack: Ack, review: dict) -> bool:
    if review["mode"] != ack.mode or review["rating"] != ack.rating:
        return False
    shown = {"recognition": review["term"], "choice": review["term"], "production": review["translation"],
             "typed": review["translation"]}.get(ack.mode)
    if shown is None:  # cloze: the prompt is the example with a gap
        return True
    return " ".join(shown.split()).startswith(ack.prompt) or ack.prompt in " ".join(shown.split())


def verify(db: Path, record: Round, before: int) -> tuple[list[str], int]:
    """What is wrong after a round (nothing: []), and how many reviews the log now holds."""
    problems = []
    added = new_reviews(db, before)
    if len(added) < len(record.acked):
        problems.append(f"{len(record.acked)} answers were acknowledged on screen, the log gained {len(added)}")
    elif len(added) > len(record.acked) + 1:
        problems.append(f"the log gained {len(added)} reviews for {len(record.acked)} acknowledged answers")
    for n, (ack, review) in enumerate(zip(record.acked, added, strict=False)):
        if not matches(ack, review):
            problems.append(f"acknowledged answer {n + 1} ({ack}) is not the review in the log ({review})")
    verdict = integrity.check(db, [r["id"] for r in added])
    if not verdict.ok:
        problems += verdict.lines()
    return problems, before + len(added)


def prepare(db: Path) -> None:
    """A new database with the bundled decks and one learner allowed many new cards a day."""
    from vocab_tui.clock import SystemClock
    from vocab_tui.decks import bundled_decks_dir
    from vocab_tui.models import LearnerSettings
    from vocab_tui.workspace import open_workspace

    workspace = open_workspace(db, [bundled_decks_dir()], SystemClock())
    try:
        learner = workspace.store.add_learner("Kill Test", "Diskominfo")
        workspace.store.update_settings(learner.id, LearnerSettings(new_per_day=500, reviews_per_day=500))
    finally:
        workspace.store.close()


def run(kills: int, seed: int, folder: Path, max_delay: float = 6.0, out=print, min_acks: int = 0) -> bool:
    """`kills` rounds on a new file in `folder`; True when every round passed.

    `min_acks`: the first round is not killed before that many answers were acknowledged.
    """
    rng = random.Random(seed)
    db = folder / "office.db"
    prepare(db)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOCAB_TUI_")}
    env.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(LINES), VOCAB_TUI_LANG="en",
               VOCAB_TUI_LOG_DIR=str(folder / "log"), XDG_CONFIG_HOME=str(folder / "config"),
               XDG_DATA_HOME=str(folder / "data"), TEXTUAL_ANIMATIONS="none")
    reviews = 0
    acknowledged = extra = 0
    started = time.monotonic()
    for number in range(1, kills + 1):
        record = Round(number)
        app = App(db, env)
        try:
            drive(app, rng, max_delay, record, min_acks if number == 1 else 0)
        finally:
            app.kill()
        problems, now = verify(db, record, reviews)
        acknowledged += len(record.acked)
        extra += now - reviews - len(record.acked)
        reviews = now
        if problems:
            out(f"round {number}: FAILED (killed {record.killed_in})")
            for line in problems:
                out(f"  {line}")
            out("last screen:\n" + record.last_screen)
            return False
        out(f"round {number}: ok, {len(record.acked)} acknowledged, log {reviews} (killed {record.killed_in})")
    out(f"\n{kills} kills in a row passed in {time.monotonic() - started:.0f} s: {acknowledged} acknowledged "
        f"answers all in the log, {extra} more committed just before a kill, card states agree, "
        f"integrity_check ok after every kill")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--max-delay", type=float, default=6.0,
                        help="latest kill after the first card is shown, in seconds (6)")
    parser.add_argument("--keep", type=Path, help="keep the database in this folder")
    args = parser.parse_args(argv)
    print(f"seed {args.seed}")
    with tempfile.TemporaryDirectory(prefix="vocab-kill-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        return 0 if run(args.kills, args.seed, folder, args.max_delay) else 1


if __name__ == "__main__":
    sys.exit(main())
