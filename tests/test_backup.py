"""Backups and restore through SQLite's online backup API (issue 12, item 2)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import timedelta

import pytest

from vocab_tui.cli import main as cli_main
from vocab_tui.scheduling import day_start
from vocab_tui.store import DamagedDatabaseError, ForeignDatabaseError, NewerDatabaseError, Store, StoreError
from vocab_tui.store.backup import KEEP_DAILY, backup_folder, daily_backups

from .conftest import REPO, START
from .history import answer, assert_chain_holds, card_pk, histories, open_terminal

# A terminal answering cards in a loop, flat out, until the file `stop` appears (or 60 s pass).
WRITER = """
import sys, time, random
from datetime import timedelta
from pathlib import Path
from tests.conftest import START
from tests.history import answer, open_terminal, card_ids, card_pk
from vocab_tui.clock import FixedClock
from vocab_tui.store import StaleCardError
clock = FixedClock(START)
store = open_terminal(Path(sys.argv[1]), clock)
learner = store.learners()[0].id
cards = card_ids(store)
rng = random.Random(5)
deadline = time.monotonic() + 60
n = 0
while not Path(sys.argv[2]).exists() and time.monotonic() < deadline:
    n += 1
    try:
        answer(store, learner, card_pk(store, rng.choice(cards)), rng.choice([1, 3, 3, 4]), START + timedelta(minutes=n))
    except StaleCardError:  # the restore changed the card between reading and saving: the app shows it again
        n -= 1
    if n == 20:
        Path(sys.argv[3]).touch()
print(n)
"""


def start_writer(tmp_path, db):
    ready, stop = tmp_path / "ready", tmp_path / "stop"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(stop), str(ready)], cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not ready.exists():
        assert proc.poll() is None and time.monotonic() < deadline, "the writer did not start"
        time.sleep(0.05)
    return proc, stop


def quick_check(path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        conn.close()


def test_backup_and_restore_round_trip_while_another_process_writes(tmp_path, clock):
    db = tmp_path / "vocab.db"
    store = open_terminal(db, clock)
    store.add_learner("Siti", "TU")
    proc, stop = start_writer(tmp_path, db)
    try:
        copies = []
        for n in range(5):
            copies.append(store.backup_to(tmp_path / f"copy{n}.db"))
            time.sleep(0.05)
        counts = []
        for copy in copies:  # each copy is one consistent moment: states agree with the review log
            assert quick_check(copy) == "ok"
            snapshot = Store(copy, clock)
            assert_chain_holds(snapshot)
            counts.append(len(snapshot.reviews(1)))
            snapshot.close()
        assert counts == sorted(counts) and counts[0] >= 20 and counts[-1] > counts[0]  # taken while answers came in

        kept = store.restore_from(copies[0], tmp_path / "kept.db")  # the writer still writes

        assert {r["id"] for r in Store(copies[0], clock).reviews(1)} <= {r["id"] for r in store.reviews(1)}
    finally:
        stop.touch()
        written = int(proc.communicate(timeout=60)[0])
    assert proc.returncode == 0 and written > counts[-1]
    assert quick_check(db) == "ok"
    assert_chain_holds(store)  # answers given after the restore went on from the restored states
    assert len(Store(kept, clock).reviews(1)) >= counts[-1]  # what was replaced is kept
    store.close()


def test_restore_puts_back_exactly_the_backup(tmp_path, clock):
    store = open_terminal(tmp_path / "vocab.db", clock)
    siti = store.add_learner("Siti", "TU").id
    answer(store, siti, card_pk(store, "download"), 3, START)
    store.backup_to(tmp_path / "copy.db")
    saved = histories(store)
    store.add_learner("Agus", "TU")
    answer(store, siti, card_pk(store, "upload"), 1, START + timedelta(minutes=1))

    store.restore_from(tmp_path / "copy.db", tmp_path / "kept.db")

    assert histories(store) == saved and [x.name for x in store.learners()] == ["Siti"]
    assert [x.name for x in Store(tmp_path / "kept.db", clock).learners()] == ["Agus", "Siti"]
    store.close()


def damaged_copy(tmp_path, store):
    path = tmp_path / "damaged.db"
    store.backup_to(path)
    data = bytearray(path.read_bytes())
    data[4096 * 3: 4096 * 6] = b"\xff" * (4096 * 3)
    path.write_bytes(bytes(data))
    return path


def newer_copy(tmp_path, store):
    path = tmp_path / "newer.db"
    store.backup_to(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    return path


def foreign_file(tmp_path, store):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE accounts (id)")
    conn.close()
    return path


def text_file(tmp_path, store):
    path = tmp_path / "notes.db"
    path.write_text("hello " * 100)
    return path


@pytest.mark.parametrize(("make", "error", "words"), [
    (damaged_copy, DamagedDatabaseError, "damaged"),
    (newer_copy, NewerDatabaseError, "newer version"),
    (foreign_file, ForeignDatabaseError, "not a vocab-tui database"),
    (text_file, ForeignDatabaseError, "not an SQLite database"),
])
def test_restore_refuses_a_file_it_cannot_trust_and_changes_nothing(tmp_path, clock, make, error, words):
    store = open_terminal(tmp_path / "vocab.db", clock)
    for n in range(40):  # enough pages for damage in the middle of the file
        store.add_learner(f"Pegawai {n}", "TU " + "x" * 200)
    bad = make(tmp_path, store)
    before = histories(store), [x.name for x in store.learners()]
    bad_bytes = bad.read_bytes()

    with pytest.raises(error) as caught:
        store.restore_from(bad, tmp_path / "kept.db")

    assert words in str(caught.value) and str(bad) in str(caught.value)
    assert "--db" not in str(caught.value)  # the backup is the file to change, not the database option
    assert (histories(store), [x.name for x in store.learners()]) == before
    assert bad.read_bytes() == bad_bytes and not (tmp_path / "kept.db").exists()
    store.close()


def test_daily_backups_rotate_keeping_seven(tmp_path, clock):
    store = open_terminal(tmp_path / "vocab.db", clock)
    for day in range(10):
        clock.advance(days=1)
        store.daily_backup(day_start(clock.now(), clock.tz))
    kept = daily_backups(store.path)
    assert len(kept) == KEEP_DAILY
    last = clock.now().astimezone(clock.tz)
    assert kept[-1].name == f"vocab-daily-{last:%Y-%m-%d}.db"
    assert kept[0].name == f"vocab-daily-{last - timedelta(days=KEEP_DAILY - 1):%Y-%m-%d}.db"
    folder = backup_folder(store.path)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in kept)
    assert all(quick_check(p) == "ok" for p in kept)
    assert not list(folder.glob(".partial-*"))
    store.close()


def test_the_study_day_starts_at_four_and_one_copy_a_day(tmp_path, clock):
    store = open_terminal(tmp_path / "vocab.db", clock)  # Monday 09:00 WIB: today's copy made at opening
    assert [p.name for p in daily_backups(store.path)] == ["vocab-daily-2026-11-02.db"]
    clock.advance(hours=18)  # Tuesday 03:00 WIB: still Monday's study day
    assert store.daily_backup(day_start(clock.now(), clock.tz)).path is None
    clock.advance(hours=1)  # Tuesday 04:00 WIB
    made = store.daily_backup(day_start(clock.now(), clock.tz))
    assert made.path is not None and made.path.name == "vocab-daily-2026-11-03.db"
    store.close()


def test_a_copy_in_the_background_and_a_failure_is_a_warning(tmp_path, clock):
    store = Store(tmp_path / "vocab.db", clock)
    made = store.daily_backup(day_start(clock.now(), clock.tz), background=True)
    made.wait()
    assert made.thread is not None and made.error is None and made.path.exists()
    other = Store(tmp_path / "other" / "vocab.db", clock)
    (tmp_path / "other" / "backups").write_text("a file where the folder should be")
    failed = other.daily_backup(day_start(clock.now(), clock.tz))
    assert failed.path is None and "backup" in failed.error and failed.error in other.warnings
    store.close()
    other.close()


OPENER = """
import sys, time
from pathlib import Path
from tests.conftest import FIXTURES
from vocab_tui.workspace import open_workspace
from vocab_tui.clock import FixedClock
from tests.conftest import START
from datetime import timedelta, timezone
start_at = float(sys.argv[2])
time.sleep(max(0, start_at - time.time()))
ws = open_workspace(Path(sys.argv[1]), [FIXTURES], FixedClock(START, tz=timezone(timedelta(hours=7))))
ws.backup.wait()
print("made" if ws.backup.path is not None else "skipped")
ws.store.close()
"""


def test_several_processes_starting_at_once_make_one_copy(tmp_path, clock):
    db = tmp_path / "vocab.db"
    store = open_terminal(db, clock)
    for n in range(50):  # a file that takes a moment to copy
        store.add_learner(f"Pegawai {n}", "Unit " + "x" * 500)
    for copy in daily_backups(db):
        copy.unlink()  # as if the day had just begun
    store.close()
    start_at = time.time() + 3  # all six are imported and waiting by then
    procs = [subprocess.Popen([sys.executable, "-c", OPENER, str(db), str(start_at)], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(6)]
    said = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        said.append(out.strip())
    assert sorted(said) == ["made"] + ["skipped"] * 5
    assert [p.name for p in daily_backups(db)] == ["vocab-daily-2026-11-02.db"]
    assert sorted(os.listdir(backup_folder(db))) == [".daily.lock", "vocab-daily-2026-11-02.db"]


def test_the_backup_and_restore_commands(tmp_path, clock, capsys, monkeypatch):
    db = tmp_path / "vocab.db"
    store = open_terminal(db, clock)
    store.add_learner("Siti", "TU")
    store.close()

    def run(*args, stdin=None):
        if stdin is not None:
            import io
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        with pytest.raises(SystemExit) as done:
            cli_main(["--lang", "en", *args, "--db", str(db)])
        captured = capsys.readouterr()
        return done.value.code, captured.out + captured.err

    code, out = run("backup", str(tmp_path / "copy.db"))
    assert code == 0 and "Backup written" in out and (tmp_path / "copy.db").exists()
    assert stat.S_IMODE((tmp_path / "copy.db").stat().st_mode) == 0o600
    code, out = run("backup", str(tmp_path / "copy.db"))
    assert code == 1 and "exists already" in out
    code, out = run("backup")
    assert code == 0 and str(backup_folder(db)) in out
    code, out = run("learners", "add", "Agus")
    code, out = run("restore", str(tmp_path / "copy.db"), stdin="n\n")
    assert code == 0 and "Nothing was changed" in out
    assert "Agus" in run("learners", "list")[1]
    code, out = run("restore", str(tmp_path / "copy.db"), "--yes")
    assert code == 0 and "Restored" in out and "before-restore" in out
    assert "Agus" not in run("learners", "list")[1]
    code, out = run("restore", str(tmp_path / "missing.db"), "--yes")
    assert code == 1 and "Nothing was restored" in out and "missing.db" in out


async def test_the_app_tells_of_a_background_copy_that_failed(tmp_path, clock, monkeypatch):
    """A big file is copied while the app runs; when that copy fails the app says so and goes on."""
    from vocab_tui.store import backup as backup_module
    from vocab_tui.ui.app import VocabApp
    from vocab_tui.workspace import open_workspace

    from .conftest import FIXTURES, NO_FUZZ

    monkeypatch.setattr(backup_module, "BACKGROUND_BYTES", 0)  # every file counts as big

    def full_disk(source, target):
        time.sleep(0.3)
        raise StoreError(f"The disk holding {target} is full")

    monkeypatch.setattr(backup_module, "copy_database", full_disk)
    workspace = open_workspace(tmp_path / "vocab.db", [FIXTURES], clock)
    assert workspace.backup.thread is not None and workspace.warnings == []
    app = VocabApp(workspace, NO_FUZZ)
    async with app.run_test() as pilot:
        workspace.backup.wait()
        await pilot.pause(1.5)
        messages = [n.message for n in app._notifications]
        assert any("Today's backup of the database could not be made" in m and "is full" in m for m in messages)
        assert app.is_running
    workspace.store.close()
