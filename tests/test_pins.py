"""PINs: a salted slow hash, never the PIN itself; a growing wait after wrong tries that survives a
restart and that two terminals guessing at once cannot get round."""

from __future__ import annotations

import multiprocessing
from datetime import timedelta
from pathlib import Path

import pytest

from vocab_tui.clock import FixedClock
from vocab_tui.store import PinError, Store
from vocab_tui.store.pins import FIRST_WAIT, FREE_TRIES, MAX_WAIT, wait_after

from .conftest import START


def make_manager(store: Store, learner_id: int) -> None:
    """The role is set by the learner-records commands; here straight in the database."""
    with store._writing() as db:
        db.execute("UPDATE learners SET role = 'manager' WHERE id = ?", [learner_id])


def stored_hash(store: Store, learner_id: int) -> str | None:
    return store.db.execute("SELECT pin_hash FROM learners WHERE id = ?", [learner_id]).fetchone()[0]


def test_a_pin_is_stored_as_a_salted_scrypt_hash_never_in_clear(store):
    a = store.add_learner("Siti", "Diskominfo")
    b = store.add_learner("Budi", "Bappeda")
    assert store.set_pin(a.id, "482915").ok
    assert store.set_pin(b.id, "482915").ok
    first, second = stored_hash(store, a.id), stored_hash(store, b.id)
    assert "482915" not in first and "482915" not in second
    kind, n, r, p, salt, key = first.split("$")
    assert (kind, int(n), int(r), int(p)) == ("scrypt", 2**14, 8, 1)
    assert len(bytes.fromhex(salt)) == 16 and len(bytes.fromhex(key)) == 32
    assert first != second and first.split("$")[4] != second.split("$")[4]  # same PIN, other salt
    assert store.learner(a.id).has_pin and store.verify_pin(a.id, "482915").ok
    assert not store.verify_pin(a.id, "482916").ok


def test_the_database_file_never_holds_the_pin(store, db_path):
    learner = store.add_learner("Siti", "Diskominfo")
    store.set_pin(learner.id, "73918264")
    store.verify_pin(learner.id, "73918264")
    store.close()
    for path in db_path.parent.glob("vocab.db*"):
        assert b"73918264" not in path.read_bytes()


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "", " 1234", "١٢٣٤", "12.4"])
def test_a_pin_must_be_four_to_eight_ascii_digits(store, pin):
    learner = store.add_learner("Siti", "Diskominfo")
    with pytest.raises(PinError, match="4 to 8 digits"):
        store.set_pin(learner.id, pin)
    assert not store.learner(learner.id).has_pin


def test_wrong_tries_lead_to_a_growing_wait_and_the_right_pin_resets_it(store, clock):
    learner = store.add_learner("Siti", "Diskominfo")
    store.set_pin(learner.id, "2468")
    tries = [store.verify_pin(learner.id, "1111") for _ in range(FREE_TRIES - 1)]
    assert [t.tries_left for t in tries] == [2, 1] and not any(t.locked for t in tries)
    locked = store.verify_pin(learner.id, "1111")
    assert locked.locked and locked.locked_until == (clock.now() + FIRST_WAIT).astimezone(clock.tz)
    assert locked.locked_until.utcoffset() == timedelta(hours=7)  # local time, for the screen
    # While locked, even the right PIN is refused, and the tries do not count.
    assert store.verify_pin(learner.id, "2468").locked
    clock.advance(seconds=29)
    assert store.pin_lock(learner.id).locked
    clock.advance(seconds=1)
    assert store.pin_lock(learner.id).tries_left == 1
    again = store.verify_pin(learner.id, "1111")  # one try after each wait, then twice the wait
    assert again.locked_until == (clock.now() + 2 * FIRST_WAIT).astimezone(clock.tz)
    clock.advance(minutes=1)
    assert store.verify_pin(learner.id, "2468").ok
    assert store.verify_pin(learner.id, "1111").tries_left == 2  # back to the free tries


def test_the_wait_doubles_up_to_its_cap():
    assert [wait_after(n) for n in range(1, FREE_TRIES)] == [timedelta(0)] * (FREE_TRIES - 1)
    assert [wait_after(FREE_TRIES + k).total_seconds() for k in range(4)] == [30, 60, 120, 240]
    assert wait_after(50) == wait_after(10_000) == MAX_WAIT


def test_the_wait_survives_closing_and_reopening_the_database(db_path, clock):
    store = Store(db_path, clock)
    learner = store.add_learner("Siti", "Diskominfo")
    store.set_pin(learner.id, "2468")
    for _ in range(FREE_TRIES):
        store.verify_pin(learner.id, "0000")
    store.close()
    reopened = Store(db_path, clock)  # another terminal, or the app started again
    check = reopened.verify_pin(learner.id, "2468")
    assert check.locked and check.locked_until == (clock.now() + FIRST_WAIT).astimezone(clock.tz)
    clock.advance(seconds=31)
    assert reopened.verify_pin(learner.id, "0000").locked_until == (clock.now() + 2 * FIRST_WAIT).astimezone(clock.tz)
    reopened.close()


def _guess(db: str, learner_id: int, barrier, results) -> None:
    store = Store(Path(db), FixedClock(START))
    barrier.wait()
    for _ in range(FREE_TRIES):
        check = store.verify_pin(learner_id, "9999")
        results.put((check.tries_left, check.locked))
    store.close()


def test_two_terminals_guessing_at_once_get_no_extra_tries(db_path, clock):
    store = Store(db_path, FixedClock(START))
    learner = store.add_learner("Siti", "Diskominfo")
    store.set_pin(learner.id, "2468")
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_guess, args=(str(db_path), learner.id, barrier, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=60) for _ in range(2 * FREE_TRIES)]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    # Six wrong guesses, three of them judged: two with tries left, the third locks; the rest wait.
    assert sorted(t for t, locked in outcomes if not locked) == [1, 2]
    assert sum(locked for _t, locked in outcomes) == 2 * FREE_TRIES - (FREE_TRIES - 1)
    failures = store.db.execute("SELECT pin_failures FROM learners WHERE id = ?", [learner.id]).fetchone()[0]
    assert failures == FREE_TRIES
    store.close()


def test_changing_a_pin_needs_the_current_one(store):
    learner = store.add_learner("Siti", "Diskominfo")
    store.set_pin(learner.id, "2468")
    refused = store.set_pin(learner.id, "1357", current_pin="0000")
    assert not refused.ok and refused.tries_left == 2
    assert store.verify_pin(learner.id, "2468").ok  # unchanged (and the wrong try forgiven)
    assert store.set_pin(learner.id, "1357", current_pin="2468").ok
    assert store.verify_pin(learner.id, "1357").ok and not store.verify_pin(learner.id, "2468").ok


def test_removing_a_pin_needs_the_current_one_and_a_manager_keeps_theirs(store):
    learner = store.add_learner("Siti", "Diskominfo")
    store.set_pin(learner.id, "2468")
    assert not store.remove_pin(learner.id, "1111").ok and store.learner(learner.id).has_pin
    assert store.remove_pin(learner.id, "2468").ok and not store.learner(learner.id).has_pin
    boss = store.add_learner("Rina", "Sekretariat Daerah")
    make_manager(store, boss.id)
    store.set_pin(boss.id, "97531")
    with pytest.raises(PinError, match="manager"):
        store.remove_pin(boss.id, "97531")
    assert store.learner(boss.id).has_pin and store.learner(boss.id).role == "manager"


def test_a_reset_clears_the_pin_and_the_wait(store):
    learner = store.add_learner("Siti", "Diskominfo")
    store.set_pin(learner.id, "2468")
    for _ in range(FREE_TRIES):
        store.verify_pin(learner.id, "0000")
    store.reset_pin(learner.id)
    assert not store.learner(learner.id).has_pin and stored_hash(store, learner.id) is None
    assert store.verify_pin(learner.id, "").ok
    store.set_pin(learner.id, "1357")
    assert store.verify_pin(learner.id, "0000").tries_left == 2


def test_reset_pin_on_the_command_line_asks_first(store, db_path):
    from click.testing import CliRunner

    from vocab_tui.cli import build_cli

    learner = store.add_learner("Siti", "Diskominfo")
    store.set_pin(learner.id, "2468")
    args = ["learners", "reset-pin", str(learner.id), "--db", str(db_path)]
    refused = CliRunner().invoke(build_cli(), args, input="n\n")
    assert refused.exit_code == 1 and "Reset the PIN of learner 1, Siti (Diskominfo)?" in refused.output
    assert "Nothing was changed." in refused.output and store.learner(learner.id).has_pin
    done = CliRunner().invoke(build_cli(), args, input="y\n")
    assert done.exit_code == 0, done.output
    assert "The PIN of learner 1, Siti (Diskominfo), is reset." in done.output
    assert not store.learner(learner.id).has_pin
    again = CliRunner().invoke(build_cli(), args)
    assert again.exit_code == 0 and "Siti (Diskominfo) has no PIN; nothing to reset." in again.output
    store.set_pin(learner.id, "1357")
    make_manager(store, learner.id)
    quiet = CliRunner().invoke(build_cli(), [*args, "--yes"])
    assert quiet.exit_code == 0 and "?" not in quiet.output and not store.learner(learner.id).has_pin
    unknown = CliRunner().invoke(build_cli(), ["learners", "reset-pin", "99", "--db", str(db_path)])
    assert unknown.exit_code == 1 and "No learner with id 99" in unknown.output
