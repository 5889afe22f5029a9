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

# argv: barrier folder, process number, kind ("cli" or "workspace"), database, deck folder
RACER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from vocab_tui.cli import main
    from vocab_tui.clock import SystemClock
    from vocab_tui.workspace import open_workspace

    barrier, n, kind, db, decks = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
    (barrier / f"ready-{n}").touch()
    while not (barrier / "go").exists():
        time.sleep(0.001)
    if kind == "cli":
        main(["learners", "add", f"Learner {n}", "--unit", "Diskominfo", "--db", db, "--decks", decks])
    else:
        workspace = open_workspace(Path(db), [Path(decks)], SystemClock())
        workspace.store.add_learner(f"Learner {n}", "Bappeda")
        print(",".join(workspace.deck_ids))
    """
)


def _race(tmp_path: Path, db: Path, decks: Path, round_: str) -> list[subprocess.CompletedProcess]:
    """Start PROCESSES racers, half through the CLI and half through open_workspace, all at once."""
    barrier = tmp_path / f"barrier-{round_}"
    barrier.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO), "VOCAB_TUI_LANG": "en",
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("VOCAB_TUI_DB", None)
    env.pop("VOCAB_TUI_DECKS", None)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(barrier), f"{round_}{n}", "cli" if n % 2 else "workspace",
             str(db), str(decks)],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for n in range(PROCESSES)
    ]
    deadline = time.monotonic() + 120
    while len(list(barrier.glob("ready-*"))) < PROCESSES and time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            break
        time.sleep(0.01)
    (barrier / "go").touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return results


def _assert_all_succeeded(results: list[subprocess.CompletedProcess]) -> None:
    failures = [(r.returncode, r.stderr.strip()[-400:]) for r in results if r.returncode != 0]
    assert not failures, failures
    assert not any(r.stderr.strip() for r in results), [r.stderr for r in results]


def test_many_processes_start_at_once_on_a_new_file_and_after_a_deck_changed(tmp_path):
    decks = tmp_path / "decks"
    write_deck(decks, "office", 30)
    db = tmp_path / "shared" / "vocab.db"

    _assert_all_succeeded(_race(tmp_path, db, decks, "a"))

    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM learners").fetchone()[0] == PROCESSES
    assert conn.execute("SELECT count(*) FROM cards WHERE deck_id = 'office'").fetchone()[0] == 30
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()

    write_deck(decks, "office", 40, skip={0}, edits={1: "kata satu (diperbaiki)"})
    _assert_all_succeeded(_race(tmp_path, db, decks, "b"))

    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM learners").fetchone()[0] == 2 * PROCESSES
    rows = dict(conn.execute("SELECT card_id, translation FROM cards WHERE retired_at IS NULL"))
    assert len(rows) == 39 and rows["word1"] == "kata satu (diperbaiki)"
    assert conn.execute("SELECT count(*) FROM cards WHERE retired_at IS NOT NULL").fetchone()[0] == 1
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
