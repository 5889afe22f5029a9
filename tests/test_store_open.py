"""Opening the shared database: whose file it is, whether it is whole, private and writable.

Files we must not use (another program's, damaged) are refused before anything is written, so
their bytes stay the same; problems that would only show later (read-only, full disk) show at start.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from vocab_tui.clock import to_ms
from vocab_tui import store as store_module
from vocab_tui.cli import build_cli
from vocab_tui.decks import load_decks
from vocab_tui.models import LearnerSettings
from vocab_tui.store import (
    REVIEW_ID_RANDOM_BITS,
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    DamagedDatabaseError,
    DiskFullError,
    ForeignDatabaseError,
    Store,
)
from vocab_tui.workspace import open_workspace

from .conftest import FIXTURES
from .helpers import write_deck


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def cli(args: list[str], **kwargs):
    return CliRunner().invoke(build_cli(), args, **kwargs)


def assert_one_error_line(result, *words: str) -> None:
    assert result.exit_code == 1, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


# -- whose file -------------------------------------------------------------------------------


def _other_program(path: Path) -> None:
    """Another application's SQLite file, in WAL mode, with a table of its own."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    db.execute("INSERT INTO invoices (total) VALUES (12.5)")
    db.commit()
    db.close()


def _marked_by_another_program(path: Path) -> None:
    """An empty-looking file, but marked by another application."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA application_id = 1196444487")  # GeoPackage ("GPKG")
    db.commit()
    db.close()


def _our_tables_under_another_mark(path: Path) -> None:
    db = Database(sqlite3.connect(path))
    for migrate in MIGRATIONS:
        migrate(db)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    db.execute("PRAGMA application_id = 42")
    db.conn.commit()
    db.close()


def _unknown_schema_version(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE learners (id INTEGER PRIMARY KEY)")
    db.execute("PRAGMA user_version = 9")
    db.commit()
    db.close()


def _not_sqlite(path: Path) -> None:
    path.write_bytes(b"Nama,Unit\nSiti,Diskominfo\n" * 200)


FOREIGN = [_other_program, _marked_by_another_program, _our_tables_under_another_mark, _unknown_schema_version,
           _not_sqlite]


@pytest.mark.parametrize("make", FOREIGN, ids=lambda f: f.__name__.strip("_"))
def test_another_programs_file_is_refused_and_left_byte_identical(tmp_path, clock, make):
    path = tmp_path / "other.db"
    make(path)
    before = sha256(path)
    with pytest.raises(ForeignDatabaseError, match="not a vocab-tui database") as caught:
        Store(path, clock)
    assert str(path) in str(caught.value) and "--db" in str(caught.value)
    assert sha256(path) == before

    for command in (["learners", "add", "Siti"], ["learners", "list"], []):  # [] opens the app
        result = cli([*command, "--db", str(path)])
        assert_one_error_line(result, str(path), "not a vocab-tui database")
    assert sha256(path) == before
    # Refused from its header, or read by SQLite and its -wal/-shm files removed again: left as found.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]
    if make is not _not_sqlite:  # and it was not switched to WAL (nor out of it)
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        expected = "wal" if make is _other_program else "delete"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == expected
        conn.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION + 1))
def test_a_file_of_an_earlier_release_is_adopted_marked_and_migrated(tmp_path, clock, version):
    path = tmp_path / "old.db"
    old = Database(sqlite3.connect(path))
    for migrate in MIGRATIONS[:version]:
        migrate(old)
    old.execute(f"PRAGMA user_version = {version}")
    old["learners"].insert({"name": "Siti", "unit": "Dinkes", "created_at": "2026-01-05T01:00:00.000+00:00"})
    old.conn.commit()
    old.close()

    store = Store(path, clock)
    assert store.db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert store.schema_version == SCHEMA_VERSION
    assert [x.name for x in store.learners()] == ["Siti"]


def test_an_empty_file_is_adopted(tmp_path, clock):
    path = tmp_path / "v.db"
    path.touch()
    store = Store(path, clock)
    assert store.db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# -- damaged files ----------------------------------------------------------------------------


def _real_database(path: Path, clock) -> None:
    """A database in use: the bundled fixture deck synced, a learner with answers."""
    ws = open_workspace(path, [FIXTURES], clock)
    learner = ws.store.add_learner("Budi", "Bappeda")
    ws.store.update_settings(learner.id, LearnerSettings(new_per_day=5))
    ws.store.close()


def _overwrite_the_middle(path: Path) -> None:
    size = path.stat().st_size
    page = 4096
    assert size >= 4 * page, size
    with open(path, "r+b") as file:  # garbage over a page in the middle, past the header page
        file.seek((size // page // 2) * page)
        file.write(b"\xff\x00\x13\x37" * (page // 4))


def _drop(sql: str):
    def damage(path: Path) -> None:
        conn = sqlite3.connect(path)
        conn.execute(sql)
        conn.commit()
        conn.close()

    damage.__name__ = sql
    return damage


DAMAGE = [
    (_overwrite_the_middle, "malformed"),
    (_drop("DROP TABLE card_flags"), "table card_flags is missing"),
    (_drop("ALTER TABLE learners DROP COLUMN default_mode"), "column default_mode of table learners is missing"),
    (_drop("DROP INDEX idx_cards_deck_id_card_id"), "unique index of table cards on deck_id, card_id"),
]


@pytest.mark.parametrize(("damage", "what"), DAMAGE, ids=["malformed-page", "missing-table", "missing-column",
                                                         "missing-unique-index"])
def test_a_damaged_database_is_explained_refused_and_not_written(tmp_path, clock, damage, what):
    path = tmp_path / "vocab.db"
    _real_database(path, clock)
    damage(path)
    before = sha256(path)

    with pytest.raises(DamagedDatabaseError) as caught:
        open_workspace(path, [FIXTURES], clock)
    message = str(caught.value)
    assert what in message and str(path) in message and "backup" in message
    assert sha256(path) == before

    for command in (["learners", "add", "Siti"], []):  # [] opens the app
        result = cli([*command, "--db", str(path)])
        assert_one_error_line(result, str(path), "damaged", "backup")
    assert sha256(path) == before
    # no -wal or -shm left behind (the daily backup made when the file was still sound stays)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backups", "vocab.db"]


def test_the_current_schema_checked_at_open_is_the_one_the_migrations_make():
    """Opening a current file checks its tables against a written-down shape (no migration run at start):
    it must be exactly what MIGRATIONS make, table by table, in their order."""
    from vocab_tui.store.schema import _CURRENT_TABLES, _expected_schema, _migrated_schema

    made = _migrated_schema(SCHEMA_VERSION)
    written = _expected_schema(SCHEMA_VERSION)
    assert list(written) == list(made), "schema._CURRENT_TABLES: tables differ from what MIGRATIONS make"
    for table, (columns, unique) in made.items():
        assert written[table] == (columns, unique), (
            f"schema._CURRENT_TABLES[{table!r}] should be {(sorted(columns), sorted(unique))}")
    assert all(len(set(cols)) == len(cols) for cols, _unique in _CURRENT_TABLES.values())


def test_a_current_file_is_opened_and_read_without_sqlite_utils(tmp_path, clock):
    """Opening (checks, WAL, migration test) and the reads of start-up go through the plain connection;
    the sqlite-utils wrapper is made on the first use of `db` and shares that connection."""
    path = tmp_path / "v.db"
    _real_database(path, clock)
    code = (
        "import sys\n"
        "from vocab_tui.clock import SystemClock\n"
        "from vocab_tui.store import Store\n"
        f"store = Store({str(path)!r}, SystemClock())\n"
        "assert [x.name for x in store.learners()] == ['Budi'], store.learners()\n"
        "assert store.decks() and store.deck_sources() and store.learner_activity() == {}\n"
        "assert store.conn.execute('PRAGMA journal_mode').fetchone()[0] == 'wal'\n"
        "assert store.conn.execute('PRAGMA foreign_keys').fetchone()[0] == 1\n"
        "print('before', 'sqlite_utils' in sys.modules)\n"
        "assert store.db.conn is store.conn\n"
        "print('after', 'sqlite_utils' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["before", "False", "after", "True"]


# -- private by default -----------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o000])
def test_new_folders_and_database_files_are_private_whatever_the_umask(tmp_path, clock, umask):
    old = os.umask(umask)
    try:
        path = tmp_path / "data" / "vocab-tui" / "vocab.db"
        store = Store(path, clock)
        store.add_learner("Siti")
        # The -wal and -shm files exist while the database is open.
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(f.exists() for f in files)
        assert {f.name: oct(mode(f)) for f in files} == {f.name: oct(0o600) for f in files}
        assert oct(mode(tmp_path / "data")) == oct(0o700)
        assert oct(mode(tmp_path / "data" / "vocab-tui")) == oct(0o700)
        assert not store.warnings
        store.close()
    finally:
        os.umask(old)


def test_a_database_others_can_read_gets_a_warning_saying_how_to_fix_it(tmp_path, clock):
    path = tmp_path / "vocab.db"
    Store(path, clock).close()
    path.chmod(0o644)

    store = Store(path, clock)
    [warning] = store.warnings
    assert str(path) in warning and "chmod 600" in warning
    store.close()

    result = cli(["learners", "list", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert [line for line in result.stderr.splitlines() if line.startswith("Warning: ")] == [
        f"Warning: {warning}"
    ]

    for file in tmp_path.glob("vocab.db*"):  # what the warning says to do: the -wal and -shm files too
        file.chmod(0o600)
    assert Store(path, clock).warnings == []


async def test_the_app_shows_the_database_warning_at_start(tmp_path, clock):
    from vocab_tui.ui.app import VocabApp

    path = tmp_path / "[b]vocab[/b].db"  # a file name is data, not markup
    Store(path, clock).close()
    path.chmod(0o640)
    workspace = open_workspace(path, [FIXTURES], clock)
    assert len(workspace.warnings) == 1
    app = VocabApp(workspace)
    async with app.run_test() as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert workspace.warnings[0] in messages
    workspace.store.close()


# -- read-only, full disk: told at start ------------------------------------------------------


def _as_a_normal_user(args: list[str]) -> tuple[int, str]:
    """(exit code, stderr) of the command line run by an account without root's power to write anything.

    As root, the command runs in a forked child that drops to `nobody` first (everything it needs
    is imported already, so it reads nothing from root's private folders).
    """
    if os.geteuid() != 0:
        result = cli(args)
        return result.exit_code, result.stderr
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns to pytest
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            result = cli(args)
            os.write(write, json.dumps([result.exit_code, result.stderr]).encode())
        except BaseException as err:  # noqa: BLE001 - reported to the parent as a failure
            os.write(write, json.dumps([-1, repr(err)]).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    code, stderr = json.loads(data)
    return code, stderr


@pytest.fixture
def shared_dir():
    """A folder any account can reach (pytest's own tmp folder is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="vocab-ro-"))
    folder.chmod(0o755)
    yield folder
    for root, dirs, _files in os.walk(folder):
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o755)
    shutil.rmtree(folder)


def _owned_by_runner(path: Path) -> None:
    if os.geteuid() == 0:
        os.chown(path, 65534, 65534)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_database_is_refused_at_start_with_what_to_do(shared_dir, clock, what):
    folder = shared_dir / "data"
    folder.mkdir()
    path = folder / "vocab.db"
    store = Store(path, clock)
    store.add_learner("Siti")
    store.close()
    path.chmod(0o644)
    if what == "file":
        path.chmod(0o444)
    else:
        _owned_by_runner(path)  # the file is the runner's to write, its folder is not
        folder.chmod(0o555)
    before = sha256(path)

    code, stderr = _as_a_normal_user(["learners", "add", "Budi", "--db", str(path)])

    assert code == 1, stderr
    errors = stderr.splitlines()
    assert len(errors) == 1 and errors[0].startswith("Error: "), stderr
    assert "read-only" in errors[0] and str(path if what == "file" else folder) in errors[0]
    assert "write access" in errors[0]
    assert sha256(path) == before


def _pages_run_out(monkeypatch, pages: int) -> None:
    """Every connection the store opens may grow the file to `pages` pages only: SQLITE_FULL."""
    real = sqlite3.connect

    def connect(*args, **kwargs):
        conn = real(*args, **kwargs)
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(store_module.sqlite3, "connect", connect)


def test_a_full_disk_when_creating_the_database_says_so(tmp_path, clock, monkeypatch):
    _pages_run_out(monkeypatch, 3)
    path = tmp_path / "vocab.db"
    with pytest.raises(DiskFullError, match=r"disk holding .*vocab\.db is full; free some space"):
        Store(path, clock)
    assert_one_error_line(cli(["learners", "add", "Siti", "--db", str(tmp_path / "other.db")]),
                          "is full", "free some space")


def test_a_full_disk_while_syncing_decks_says_so(tmp_path, clock, monkeypatch):
    path = tmp_path / "vocab.db"
    Store(path, clock).close()
    pages = os.path.getsize(path) // 4096 + 1
    folder = tmp_path / "decks"
    write_deck(folder, "big", 300)
    _pages_run_out(monkeypatch, pages)
    with pytest.raises(DiskFullError):
        open_workspace(path, [folder], clock)


@pytest.fixture
def tiny_disk():
    """A 512 KiB file system of its own (needs the right to mount; CI runs as root)."""
    folder = Path(tempfile.mkdtemp(prefix="vocab-disk-"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(folder)],
                             capture_output=True).returncode == 0
    if not mounted:
        folder.rmdir()
        pytest.skip("cannot mount a small file system here")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)
    folder.rmdir()


def _fill(folder: Path) -> None:
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        while True:
            os.write(fd, b"x" * 1024)
    except OSError:
        pass
    finally:
        os.close(fd)


@pytest.mark.parametrize("existing", [False, True], ids=["new", "existing"])
def test_a_really_full_disk_at_start_says_the_disk_is_full(tiny_disk, clock, existing):
    path = tiny_disk / "vocab.db"
    if existing:
        Store(path, clock).close()
    _fill(tiny_disk)
    result = cli(["learners", "add", "Siti", "--db", str(path)])
    assert_one_error_line(result, str(path), "is full", "free some space")
    assert "I/O" not in result.stderr


def test_a_nearly_full_disk_is_a_warning_at_start(tiny_disk, clock):
    path = tiny_disk / "vocab.db"
    Store(path, clock).close()
    store = Store(path, clock)
    store.close()
    assert any("almost full" in w for w in store.warnings), store.warnings


# -- write transactions take the lock when they begin -----------------------------------------


def test_every_write_begins_immediate(tmp_path, clock):
    folder = tmp_path / "decks"
    write_deck(folder, "office", 4)
    store = Store(tmp_path / "v.db", clock)
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    store.sync_decks(load_decks([folder]).decks)
    learner = store.add_learner("Siti")
    store.update_settings(learner.id, LearnerSettings(new_per_day=3))
    [pk, *_rest] = store.new_cards(learner.id, "office", 2)
    store.set_suspended(learner.id, pk, True)
    store.bury(learner.id, pk, clock.now())
    begins = [s.strip().upper() for s in statements if s.strip().upper().startswith(("BEGIN", "SAVEPOINT"))]
    assert begins and all(b == "BEGIN IMMEDIATE" for b in begins if b.startswith("BEGIN")), begins
    assert begins.count("BEGIN IMMEDIATE") == 5


def test_a_write_waits_for_another_process_lock_instead_of_failing(tmp_path, clock):
    path = tmp_path / "v.db"
    store = Store(path, clock)
    store.add_learner("Siti")
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO learners (name, unit, created_at) VALUES ('Budi', '', '2026-11-02')")
    threading.Timer(0.4, lambda: other.execute("COMMIT")).start()
    started = time.monotonic()
    # A read first (a snapshot before the other commit), then the write: with a deferred
    # transaction this fails at once with "database is locked"; begun IMMEDIATE it waits.
    assert [x.name for x in store.learners()] == ["Siti"]
    store.add_learner("Wayan")
    assert time.monotonic() - started >= 0.3
    assert [x.name for x in store.learners()] == ["Budi", "Siti", "Wayan"]
    other.close()


def test_damage_met_after_the_checks_at_open_is_one_clear_line(tmp_path, clock, monkeypatch):
    # Files larger than QUICK_CHECK_MAX_BYTES are not read whole at open; pretend this one is.
    monkeypatch.setattr(store_module.core, "QUICK_CHECK_MAX_BYTES", 0)
    path = tmp_path / "vocab.db"
    store = Store(path, clock)
    with store._writing() as db:
        db["learners"].insert_all(
            {"name": f"Pegawai {i} " + "x" * 200, "unit": "Dinkes", "created_at": "2026-11-02"} for i in range(400)
        )
    store.close()
    _overwrite_the_middle(path)

    result = cli(["learners", "list", "--db", str(path)])

    assert_one_error_line(result, str(path), "damaged", "backup")


@pytest.mark.parametrize("key", ["s", "b"], ids=["suspend", "bury"])
async def test_a_suspend_or_bury_that_cannot_be_saved_says_why_and_keeps_the_card(workspace, key):
    import random

    from vocab_tui.ui.app import VocabApp
    from vocab_tui.ui.screens.drill import DrillScreen

    from .conftest import NO_FUZZ

    learner = workspace.store.add_learner("Budi", "Bappeda")
    app = VocabApp(workspace, NO_FUZZ, rng=random.Random(3))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter", "enter")  # choose the profile, study all decks
        await pilot.pause()
        drill = app.screen
        assert isinstance(drill, DrillScreen)
        term = drill.shown.card.term
        workspace.store.db.conn.execute("PRAGMA query_only = 1")  # every write now fails: SQLITE_READONLY
        await pilot.press(key)
        await pilot.pause()
        assert app.screen is drill and drill.shown.card.term == term
        note = drill.query_one("#drill-note")  # the drill says it on its own line, not in a toast
        assert note.has_class("-error")
        assert "read-only" in str(note.render()) and str(workspace.store.path) in str(note.render())
        workspace.store.db.conn.execute("PRAGMA query_only = 0")
        await pilot.press(key)
        await pilot.pause()
        assert drill.shown is None or drill.shown.card.term != term
    flags = workspace.store.db.execute("SELECT count(*) FROM card_flags WHERE learner_id = ?", [learner.id])
    assert flags.fetchone()[0] == 1


async def test_a_suspend_in_browse_that_cannot_be_saved_says_why(workspace):
    from vocab_tui.ui.app import VocabApp
    from vocab_tui.ui.screens.browse import BrowseScreen

    workspace.store.add_learner("Budi", "Bappeda")
    app = VocabApp(workspace)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")  # choose the profile
        await pilot.pause()
        await pilot.press("slash", *"unduh")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        workspace.store.db.conn.execute("PRAGMA query_only = 1")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert any("read-only" in m for m in errors), errors
    assert workspace.store.db.execute("SELECT count(*) FROM card_flags").fetchone()[0] == 0


def test_reviews_saved_as_json_before_schema_4_keep_their_interval_state_and_a_global_id(tmp_path, clock):
    """A schema-2 file: schema 3 gives each review its interval, schema 4 moves the state after it out of JSON
    into columns and gives it an id made from its answer time (so two copies of one file agree on the ids)."""
    path = tmp_path / "old.db"
    old = Database(sqlite3.connect(path))
    for migrate in MIGRATIONS[:2]:
        migrate(old)
    old.execute("PRAGMA user_version = 2")
    old["learners"].insert({"name": "Siti", "unit": "Dinkes", "created_at": "2026-01-05T01:00:00.000+00:00"})
    old["decks"].insert({"id": "d", "title": "D"})
    old["cards"].insert({"deck_id": "d", "card_id": "c", "position": 0, "term": "t", "translation": "x",
                         "definition": "y", "example": "z"})
    before = ('{"card_id":1,"state":2,"step":null,"stability":9.0,"difficulty":5.0,'
              '"due":"2026-02-26T01:00:00.500000+00:00","last_review":"2026-02-05T01:00:00.500000+00:00"}')
    for card_before, state in [(before, 2), (None, 0)]:
        old["reviews"].insert({"learner_id": 1, "card_pk": 1, "rating": 3, "answered_at": "2026-02-26T02:00:00.000+00:00",
                               "mode": "typed", "state_before": state, "state_after": 2, "card_before": card_before,
                               "card_after": before})
    old.conn.commit()
    old.close()

    store = Store(path, clock)
    rows = list(store.db.query("SELECT * FROM reviews ORDER BY id"))
    millis = int(datetime(2026, 2, 26, 2, tzinfo=timezone.utc).timestamp() * 1000)
    assert [r["id"] for r in rows] == [(millis << REVIEW_ID_RANDOM_BITS) | 1, (millis << REVIEW_ID_RANDOM_BITS) | 2]
    assert [r["interval_days"] for r in rows] == [21.0, None]
    assert [(r["stability"], r["difficulty"], r["step"], r["due"]) for r in rows] == [
        (9.0, 5.0, None, to_ms(datetime(2026, 2, 26, 1, 0, 0, 500_000, tzinfo=timezone.utc)))] * 2
    assert "card_before" not in rows[0] and "card_after" not in rows[0]
    store.close()


# -- paths that are not plain database files ----------------------------------------------------


def test_a_uri_given_as_the_database_is_refused_and_the_file_it_names_left_alone(tmp_path, clock, monkeypatch):
    foreign = tmp_path / "notes.db"
    _other_program(foreign)
    before = sha256(foreign)
    monkeypatch.chdir(tmp_path)
    for given in (f"file:{foreign}", f"FILE:{foreign}?mode=memory"):
        result = cli(["learners", "list", "--db", given])
        assert_one_error_line(result, "URI", "plain file path")
    assert sha256(foreign) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]  # no folder named 'file:' either


def test_a_named_pipe_or_a_device_as_the_database_is_refused_at_once(tmp_path):
    pipe = tmp_path / "pipe.db"
    os.mkfifo(pipe)
    for given in (pipe, Path("/dev/null")):
        run = subprocess.run(["vocab-tui", "learners", "list", "--db", str(given)], capture_output=True,
                             text=True, timeout=60, env={**os.environ, "VOCAB_TUI_LANG": "en"})
        assert run.returncode == 1, run.stderr
        assert "not a regular file" in run.stderr and "Traceback" not in run.stderr
    assert not Path("/dev/null-journal").exists() and not Path("/dev/null-wal").exists()


def test_a_readable_wal_file_beside_a_private_database_gets_the_warning_too(tmp_path, clock):
    path = tmp_path / "vocab.db"
    keep = Store(path, clock)  # keeps the -wal and -shm files in place while the next one opens
    keep.add_learner("Siti")
    Path(f"{path}-wal").chmod(0o644)
    store = Store(path, clock)
    [warning] = store.warnings
    assert "644" in warning and "chmod 600" in warning
    store.close()
    keep.close()


def test_the_warning_through_a_link_names_the_real_files(tmp_path, clock):
    real = tmp_path / "data" / "vocab.db"
    Store(real, clock).close()
    real.chmod(0o644)
    link = tmp_path / "link.db"
    link.symlink_to(real)
    store = Store(link, clock)
    [warning] = store.warnings
    assert f"chmod 600 {real}*" in warning
    store.close()


def test_a_name_that_is_not_text_is_refused_with_a_message_not_a_crash(tmp_path):
    path = tmp_path / "vocab.db"
    run = subprocess.run([b"vocab-tui", b"learners", b"add", b"Siti \xff", b"--db", str(path).encode()],
                         capture_output=True, timeout=60, env={**os.environ, "VOCAB_TUI_LANG": "en"})
    assert run.returncode == 1, run.stderr
    assert b"Error: The name holds a control character (U+DCFF)" in run.stderr
