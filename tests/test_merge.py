"""`vocab-tui merge`: offline terminals' databases brought together (issue 12, item 3)."""

from __future__ import annotations

import random
import shutil
from datetime import timedelta

import pytest

from vocab_tui.cli import main as cli_main
from vocab_tui.store import StoreError

from .conftest import START
from .history import (
    answer,
    assert_chain_holds,
    card_pk,
    histories,
    learner_id,
    open_terminal,
    random_session,
    set_nip,
)


def copy_of(store, path):
    """Another terminal starting from a copy of `store`'s file."""
    store.backup_to(path)
    return open_terminal(path, store.clock)


@pytest.fixture
def office(tmp_path, clock):
    """A server database with two learners and a week of answers, copied to two offline terminals that then
    each study for a few days (the same learners, sometimes the same cards, answers interleaved in time)."""
    rng = random.Random(12)
    server = open_terminal(tmp_path / "server.db", clock)
    siti = server.add_learner("Siti Rahma", "Diskominfo").id
    agus = server.add_learner("Agus", "Bappeda").id
    set_nip(server, siti, "199001012015031001")
    done = random_session(server, siti, rng, START, 15) + random_session(server, agus, rng, START, 10)
    a = copy_of(server, tmp_path / "a.db")
    b = copy_of(server, tmp_path / "b.db")
    later = max(when for _card, _rating, when in done) + timedelta(days=1)
    for terminal in (a, b):
        random_session(terminal, learner_id(terminal, "Siti Rahma"), rng, later, 20)
        random_session(terminal, learner_id(terminal, "Agus"), rng, later, 12)
    # a learner who only ever studied on terminal B
    dewi = b.add_learner("Dewi", "Dinkes").id
    random_session(b, dewi, rng, later, 8)
    yield server, a, b
    for store in (server, a, b):
        store.close()


def test_merging_a_into_b_and_b_into_a_gives_the_same_histories(office, tmp_path):
    _, a, b = office
    reviews_a, reviews_b = set(histories(a)["reviews"]), set(histories(b)["reviews"])
    ab = copy_of(a, tmp_path / "ab.db")
    ba = copy_of(b, tmp_path / "ba.db")

    report = ab.merge_from(tmp_path / "b.db")
    ba.merge_from(tmp_path / "a.db")

    merged_ab, merged_ba = histories(ab), histories(ba)
    assert set(merged_ab["reviews"]) == reviews_a | reviews_b  # exactly the union, ids kept
    assert merged_ab == merged_ba  # the same reviews with the same columns, and the same card states
    assert report.reviews_added == len(reviews_b - reviews_a) > 0
    assert report.learners_added == ["Dewi (Dinkes)"] and report.learners_matched == 2
    assert report.cards_replayed > 0 and report.reviews_rewritten > 0
    assert_chain_holds(ab)
    assert_chain_holds(ba)


def test_merging_the_same_file_twice_changes_nothing(office, tmp_path):
    _, a, _ = office
    a.merge_from(tmp_path / "b.db")
    once = histories(a)
    learners = [(x.name, x.unit, x.nip) for x in a.learners()]

    again = a.merge_from(tmp_path / "b.db")

    assert histories(a) == once
    assert [(x.name, x.unit, x.nip) for x in a.learners()] == learners
    assert (again.reviews_added, again.reviews_rewritten, again.cards_replayed, again.learners_added) == (0, 0, 0, [])
    # and the other way round: B, merged with A's merged file, agrees with it and is then stable
    b = open_terminal(tmp_path / "b.db", a.clock)
    b.merge_from(tmp_path / "a.db")
    assert histories(b) == once
    b.close()


@pytest.mark.parametrize("seed", [3, 8])
def test_replay_gives_what_one_terminal_would_have_given(tmp_path, clock, seed):
    """Answers given on two terminals, merged, leave the states the same answers given in the same order on
    one terminal leave; each terminal's own states were worked out without the other's answers."""
    rng = random.Random(seed)
    a = open_terminal(tmp_path / "a.db", clock)
    b = open_terminal(tmp_path / "b.db", clock)
    single = open_terminal(tmp_path / "single.db", clock)
    for store in (a, b, single):
        set_nip(store, store.add_learner("Siti", "TU").id, "1001")
    plan = []
    when = START
    for _ in range(40):
        when += timedelta(hours=rng.choice([1, 9, 30, 80]), milliseconds=rng.randrange(1000))
        plan.append((rng.choice("ab"), rng.choice(["download", "upload", "browser"]), rng.choice([1, 2, 3, 3, 4]), when))
    for terminal, card, rating, moment in plan:
        store = a if terminal == "a" else b
        answer(store, 1, card_pk(store, card), rating, moment)
        answer(single, 1, card_pk(single, card), rating, moment)
    assert histories(a)["states"] != histories(single)["states"]  # each terminal alone is wrong

    a.merge_from(tmp_path / "b.db")

    assert histories(a)["states"] == histories(single)["states"]
    merged = sorted(histories(a)["reviews"].values(), key=lambda r: r[5])
    alone = sorted(histories(single)["reviews"].values(), key=lambda r: r[5])
    assert merged == alone  # every review's before and after columns too
    assert_chain_holds(a)
    for store in (a, b, single):
        store.close()


def test_a_single_terminal_history_is_brought_in_exactly(office, tmp_path, clock):
    """Into an empty database, nothing is replayed: the states are the ones the terminal's scheduler gave."""
    _, a, _ = office
    empty = open_terminal(tmp_path / "empty.db", clock)

    report = empty.merge_from(tmp_path / "a.db")

    assert histories(empty) == histories(a)
    assert report.reviews_rewritten == 0
    assert sorted(x.name for x in empty.learners()) == ["Agus", "Siti Rahma"]
    assert [x.nip for x in empty.learners() if x.name == "Siti Rahma"] == ["199001012015031001"]
    empty.close()


def test_undo_after_a_merge_restores_the_replayed_state_before(office, tmp_path):
    _, a, _ = office
    a.merge_from(tmp_path / "b.db")
    siti = learner_id(a, "Siti Rahma")
    last = a.reviews(siti)[-1]
    before_last = [r for r in a.reviews(siti) if r["card_pk"] == last["card_pk"]][-2]

    restored = a.undo_review(last["id"])

    assert restored is not None and restored.stability == before_last["stability"]
    assert a.card_state(siti, last["card_pk"]).stability == before_last["stability"]


def test_ambiguous_and_conflicting_learners_are_reported_and_skipped(tmp_path, clock):
    here = open_terminal(tmp_path / "here.db", clock)
    there = open_terminal(tmp_path / "there.db", clock)
    here.add_learner("Agus", "TU")
    here.add_learner("agus", " tu", allow_duplicate=True)  # two people with one name in one unit
    set_nip(here, here.add_learner("Budi", "TU").id, "111")
    set_nip(here, here.add_learner("Rina Wati", "Dishub").id, "555")
    for name, unit, nip in [("Agus", "TU", None), ("Budi", "TU", "222"), ("Rina", "Dishub", "555"),
                            ("Eka", "TU", None), ("EKA", "TU", None)]:
        learner = there.add_learner(name, unit, allow_duplicate=True).id
        set_nip(there, learner, nip)
        answer(there, learner, card_pk(there, "download"), 3, START)
    reviews_before = here.db.execute("SELECT count(*) FROM reviews").fetchone()[0]

    report = here.merge_from(tmp_path / "there.db")

    skipped = {(s.name, s.reason) for s in report.learners_skipped}
    assert skipped == {
        ("Agus", "more than one profile here has this name and unit"),
        ("Budi", "a profile with this name and unit here has another NIP"),
        ("Eka", "the other file has more than one profile with this name and unit and no NIP"),
        ("EKA", "the other file has more than one profile with this name and unit and no NIP"),
    }
    assert report.learners_matched == 1 and report.learners_added == []  # Rina, by her NIP (another name here)
    assert report.reviews_added == 1
    assert here.db.execute("SELECT count(*) FROM reviews").fetchone()[0] == reviews_before + 1
    assert len(here.learners()) == 4
    here.close()
    there.close()


def test_a_card_of_a_deck_unknown_here_comes_in_retired(tmp_path, clock):
    from .helpers import write_deck

    here = open_terminal(tmp_path / "here.db", clock)
    from vocab_tui.workspace import open_workspace

    there = open_workspace(tmp_path / "there.db", [write_deck(tmp_path / "decks", "extra", 3).parent], clock).store
    learner = there.add_learner("Siti", "TU").id
    answer(there, learner, card_pk(there, "word1", "extra"), 3, START)

    report = here.merge_from(tmp_path / "there.db")

    assert report.decks_added == ["extra"] and report.cards_added == 1
    row = here.db.execute("SELECT term, retired_at FROM cards WHERE deck_id = 'extra' AND card_id = 'word1'").fetchone()
    assert row[0] == "word1" and row[1] is not None  # kept out of every queue until the deck file is synced
    assert len(here.reviews(learner_id(here, "Siti"))) == 1
    here.close()
    there.close()


def test_a_dry_run_changes_nothing(office, tmp_path):
    _, a, _ = office
    before = histories(a)

    report = a.merge_from(tmp_path / "b.db", dry_run=True)

    assert report.dry_run and report.reviews_added > 0 and report.learners_added == ["Dewi (Dinkes)"]
    assert histories(a) == before
    assert [x.name for x in a.learners()] == ["Agus", "Siti Rahma"]


def test_a_foreign_newer_or_same_file_is_refused(office, tmp_path):
    import sqlite3

    _, a, _ = office
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (y)").connection.close()
    with pytest.raises(StoreError, match="not a vocab-tui database") as caught:
        a.merge_from(other)
    assert "--db" not in str(caught.value) and "a copy from another terminal" in str(caught.value)
    newer = tmp_path / "newer.db"
    shutil.copy(tmp_path / "b.db", newer)
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="newer version"):
        a.merge_from(newer)
    with pytest.raises(StoreError, match="this database itself"):
        a.merge_from(tmp_path / "a.db")


def test_the_merge_command_prints_a_summary(office, tmp_path, capsys):
    _, a, _ = office
    a.close()
    with pytest.raises(SystemExit) as done:
        cli_main(["--lang", "en", "merge", str(tmp_path / "b.db"), "--db", str(tmp_path / "a.db")])
    out = capsys.readouterr().out
    assert done.value.code == 0
    assert "1 learner added" in out and "Dewi (Dinkes)" in out and "2 learners matched" in out
    assert "0 learners skipped" in out and "reviews added" in out
    with pytest.raises(SystemExit) as done:
        cli_main(["--lang", "en", "merge", str(tmp_path / "b.db"), "--db", str(tmp_path / "a.db"), "--dry-run"])
    out = capsys.readouterr().out
    assert done.value.code == 0 and "Dry run" in out and "0 reviews added" in out


def test_a_merge_that_fails_half_way_leaves_nothing_behind(office, tmp_path, monkeypatch):
    from vocab_tui.store import merge as merge_module

    _, a, _ = office
    before = histories(a), [x.name for x in a.learners()]
    calls = []
    replay = merge_module._Merge._replay

    def failing(self, *args):
        calls.append(1)
        if len(calls) == 5:  # learners added and reviews written by now
            raise OSError("the disk went away")
        return replay(self, *args)

    monkeypatch.setattr(merge_module._Merge, "_replay", failing)
    with pytest.raises(OSError):
        a.merge_from(tmp_path / "b.db")

    assert (histories(a), [x.name for x in a.learners()]) == before
    assert not list((tmp_path / "backups").glob(".partial-*"))


def test_a_terminal_still_holding_two_profiles_joined_here_merges(tmp_path, clock):
    """Two profiles of one person are joined on the server (`learners merge`) while an offline terminal still
    has both: its copy merges, its answers under the joined profile are not brought twice, its new ones are."""
    server = open_terminal(tmp_path / "server.db", clock)
    ani = server.add_learner("Ani", "Bappeda").id
    budi = server.add_learner("Budi", "Bappeda").id
    budi2 = server.add_learner("Budi S.", "Bappeda").id
    rng = random.Random(4)
    for learner in (ani, budi, budi2):
        random_session(server, learner, rng, START, 6)
    terminal = copy_of(server, tmp_path / "terminal.db")
    later = START + timedelta(days=40)
    random_session(terminal, learner_id(terminal, "Ani"), rng, later, 3)
    server.merge_learners(budi2, budi)
    before = server.db.execute("SELECT count(*) FROM reviews").fetchone()[0]

    report = server.merge_from(tmp_path / "terminal.db")

    assert report.reviews_added == 3 and report.learners_added == [] and report.learners_skipped == []
    assert server.db.execute("SELECT count(*) FROM reviews").fetchone()[0] == before + 3
    assert sorted(x.name for x in server.learners()) == ["Ani", "Budi S."]
    assert_chain_holds(server)  # also: the daily roll-up equals a recount
    for store in (server, terminal):
        store.close()


def test_a_person_erased_here_is_not_brought_back_by_an_older_copy(tmp_path, clock):
    server = open_terminal(tmp_path / "server.db", clock)
    ani = server.add_learner("Ani", "Bappeda").id
    budi = server.add_learner("Budi", "Bappeda").id
    rng = random.Random(5)
    for learner in (ani, budi):
        random_session(server, learner, rng, START, 6)
    old_copy = copy_of(server, tmp_path / "old.db")
    old_copy.close()
    server.erase_learner(ani)

    report = server.merge_from(tmp_path / "old.db")

    assert [x.name for x in server.learners()] == ["Budi"]
    assert report.reviews_added == 0 and report.learners_added == []
    assert [(s.name, "erased here" in s.reason) for s in report.learners_skipped] == [("Ani", True)]
    assert "Ani" not in (tmp_path / "server.db").read_bytes().decode("latin-1")
    server.close()
