"""Many processes on one database file, started at the same moment: every one must succeed.

An office shares one file between many terminals and browser tabs. Each process here imports
everything first, then waits at a barrier (a file), so that they all open the database, switch
it to WAL, migrate, sync the decks and write within the same few milliseconds.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from vocab_tui.store import APPLICATION_ID, SCHEMA_VERSION

from .conftest import REPO
from .helpers import write_deck

PROCESSES = 10

# argv: barrier folder, process number, kind ("cli" or "workspace"), database, deck folder.
# Two rounds in one process (a new file, then right after a deck file changed), so that only
# PROCESSES interpreters start: each round waits for "go-<round>", then reports "done-<round>-<n>".
RACER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from vocab_tui.cli import main
    from vocab_tui.clock import SystemClock
    from vocab_tui.workspace import open_workspace

    barrier, n, kind, db, decks = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
    (barrier / f"ready-{n}").touch()
    for round_ in ("a", "b"):
        while not (barrier / f"go-{round_}").exists():
            time.sleep(0.001)
        name = f"Learner {n}{round_}"
        if kind == "cli":
            try:
                main(["learners", "add", name, "--unit", "Diskominfo", "--db", db, "--decks", decks])
            except SystemExit as done:
                if done.code:
                    raise
        else:
            workspace = open_workspace(Path(db), [Path(decks)], SystemClock())
            workspace.store.add_learner(name, "Bappeda")
            workspace.store.close()
        (barrier / f"done-{round_}-{n}").touch()
    """
)


class Racers:
    """PROCESSES processes, half through the CLI and half through open_workspace, started together."""

    def __init__(self, tmp_path: Path, db: Path, decks: Path) -> None:
        self.barrier = tmp_path / "barrier"
        self.barrier.mkdir()
        env = {**os.environ, "PYTHONPATH": str(REPO), "VOCAB_TUI_LANG": "en",
               "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
        env.pop("VOCAB_TUI_DB", None)
        env.pop("VOCAB_TUI_DECKS", None)
        self.procs = [
            subprocess.Popen(
                [sys.executable, "-c", RACER, str(self.barrier), str(n), "cli" if n % 2 else "workspace",
                 str(db), str(decks)],
                cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
            for n in range(PROCESSES)
        ]
        self._wait_for("ready-*")

    def _wait_for(self, pattern: str) -> None:
        deadline = time.monotonic() + 120
        while len(list(self.barrier.glob(pattern))) < PROCESSES:
            failed = [p for p in self.procs if p.poll() not in (None, 0)]
            assert not failed, [p.communicate()[1][-600:] for p in failed]
            assert time.monotonic() < deadline, f"not all processes reached {pattern}"
            time.sleep(0.01)

    def go(self, round_: str) -> None:
        (self.barrier / f"go-{round_}").touch()
        self._wait_for(f"done-{round_}-*")

    def finish(self) -> None:
        for proc in self.procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err[-600:]
            assert err.strip() == "", err


def test_many_processes_start_at_once_on_a_new_file_and_after_a_deck_changed(tmp_path):
    decks = tmp_path / "decks"
    write_deck(decks, "office", 30)
    db = tmp_path / "shared" / "vocab.db"
    racers = Racers(tmp_path, db, decks)

    racers.go("a")

    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM learners").fetchone()[0] == PROCESSES
    assert conn.execute("SELECT count(*) FROM cards WHERE deck_id = 'office'").fetchone()[0] == 30
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()

    write_deck(decks, "office", 40, skip={0}, edits={1: "kata satu (diperbaiki)"})
    racers.go("b")
    racers.finish()

    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM learners").fetchone()[0] == 2 * PROCESSES
    rows = dict(conn.execute("SELECT card_id, translation FROM cards WHERE retired_at IS NULL"))
    assert len(rows) == 39 and rows["word1"] == "kata satu (diperbaiki)"
    assert conn.execute("SELECT count(*) FROM cards WHERE retired_at IS NOT NULL").fetchone()[0] == 1
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
