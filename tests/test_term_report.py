"""The hardest-terms report on a made-up history, against numbers worked out by hand."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date, datetime

import pytest
from click.testing import CliRunner

from vocab_tui.cli import build_cli
from vocab_tui.clock import iso
from vocab_tui.decks import load_decks
from vocab_tui.store import Store, new_review_id
from vocab_tui.term_report import day_began, hardest_terms

from .helpers import write_deck

# (deck, card, learner, state before, rating, answered at (UTC), duration ms)
# WIB is UTC+7 and a study day starts at 04:00 local: the day 2026-11-01 begins at 2026-10-31T21:00Z.
HISTORY = [
    ("office", "word0", "A", 0, 1, "2026-11-01T05:00:00", 4000),
    ("office", "word0", "A", 1, 3, "2026-11-01T05:10:00", 2000),
    ("office", "word0", "A", 2, 1, "2026-11-03T05:00:00", 6000),
    ("office", "word0", "A", 2, 3, "2026-11-04T05:00:00", 3000),
    ("office", "word0", "B", 0, 3, "2026-11-01T06:00:00", 2000),
    ("office", "word0", "B", 2, 1, "2026-11-05T06:00:00", 5000),
    ("office", "word0", "C", 0, 1, "2026-11-01T07:00:00", 8000),
    ("office", "word0", "C", 2, 3, "2026-11-06T07:00:00", 4000),
    ("office", "word1", "A", 0, 3, "2026-10-30T05:00:00", 1000),
    ("office", "word1", "A", 2, 3, "2026-10-31T05:00:00", 1000),
    ("office", "word1", "A", 2, 1, "2026-10-31T20:59:59", 3000),  # 03:59 local: still 31 October's study day
    ("office", "word1", "B", 0, 3, "2026-10-31T21:00:00", 1000),  # 04:00 local: 1 November's first moment
    ("office", "word1", "B", 2, 3, "2026-11-02T05:00:00", 2000),
    ("office", "word2", "C", 0, 1, "2026-10-20T05:00:00", 10000),
    ("office", "word2", "C", 1, 1, "2026-10-20T05:01:00", 10000),
    ("other", "word0", "A", 0, 1, "2026-11-01T05:00:00", 500),
    ("office", "word4", "A", 2, 1, "2026-11-01T05:00:00", 9000),  # a retired card: left out
]
UNITS = {"A": "Bappeda", "B": "Bappeda", "C": "Diskominfo"}


@pytest.fixture
def history(tmp_path, clock):
    folder = tmp_path / "decks"
    write_deck(folder, "office", 5)
    write_deck(folder, "other", 2)
    store = Store(tmp_path / "v.db", clock)
    store.sync_decks(load_decks([folder]).decks)
    ids = {name: store.add_learner(name, unit).id for name, unit in UNITS.items()}
    pks = {(d, c): pk for d, c, pk in store.db.execute("SELECT deck_id, card_id, pk FROM cards").fetchall()}
    rng = random.Random(3)
    for deck, card, who, before, rating, at, ms in HISTORY:
        moment = datetime.fromisoformat(at + "+00:00")
        store.db.execute(
            "INSERT INTO reviews (id, learner_id, card_pk, rating, answered_at, duration_ms, mode, state_before, "
            "state_after, due) VALUES (?, ?, ?, ?, ?, ?, 'recognition', ?, 2, ?)",
            [new_review_id(moment, rng), ids[who], pks[deck, card], rating, iso(moment), ms, before, iso(moment)],
        )
    write_deck(folder, "office", 5, skip={4})
    store.sync_decks(load_decks([folder]).decks)
    yield store
    store.close()


def _summary(rows):
    return [(r.deck_id, r.card_id, r.learners, r.answers, r.review_answers, r.lapses, r.first_answers, r.first_again,
             None if r.average_ms is None else round(r.average_ms, 1)) for r in rows]


def test_every_card_hardest_first(history, clock):
    rows = hardest_terms(history, clock.tz)
    assert _summary(rows) == [
        # 4 answers in review, 2 Again: 50%; 3 first answers, 2 Again; 34000 ms / 8
        ("office", "word0", 3, 8, 4, 2, 3, 2, 4250.0),
        ("office", "word1", 2, 5, 3, 1, 2, 0, 1600.0),  # 1 of 3 in review: 33%
        # never in review: after those that were; then by first answers Again (both 100%), then slower first
        ("office", "word2", 1, 2, 0, 0, 1, 1, 10000.0),
        ("other", "word0", 1, 1, 0, 0, 1, 1, 500.0),
    ]
    assert rows[0].lapse_rate == 0.5 and rows[0].first_again_share == pytest.approx(2 / 3)
    assert rows[2].lapse_rate is None


def test_one_deck_one_unit_since_a_date(history, clock):
    assert [r.card_id for r in hardest_terms(history, clock.tz, deck_id="other")] == ["word0"]
    assert _summary(hardest_terms(history, clock.tz, unit="Bappeda", deck_id="office")) == [
        ("office", "word0", 2, 6, 3, 2, 2, 1, 3666.7),  # 2 of 3 in review: 67%
        ("office", "word1", 2, 5, 3, 1, 2, 0, 1600.0),
    ]
    assert day_began(date(2026, 11, 1), clock.tz) == datetime.fromisoformat("2026-10-31T21:00:00+00:00")
    assert _summary(hardest_terms(history, clock.tz, since=date(2026, 11, 1), deck_id="office")) == [
        ("office", "word0", 3, 8, 4, 2, 3, 2, 4250.0),
        ("office", "word1", 1, 2, 1, 0, 1, 0, 1500.0),  # only B's answers, from 04:00 local on
    ]
    assert len(hardest_terms(history, clock.tz, limit=2)) == 2


def test_the_command_prints_table_csv_and_json(history, tmp_path):
    db = str(tmp_path / "v.db")
    run = CliRunner().invoke
    table = run(build_cli(), ["report", "terms", "--db", db, "--deck", "office", "--since", "all", "--lang", "en"])
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0].split() == ["DECK", "CARD", "TERM", "LEARNERS", "ANSWERS", "LAPSE", "RATE", "FIRST", "AGAIN",
                                "AVG", "SECONDS"]
    assert lines[1].split() == ["office", "word0", "word0", "3", "8", "50%", "67%", "4.2"]
    assert lines[3].split() == ["office", "word2", "word2", "1", "2", "-", "100%", "10.0"]
    as_csv = run(build_cli(), ["report", "terms", "--db", db, "--format", "csv", "--unit", "Bappeda", "--since", "ALL",
                             "--lang", "en"])
    records = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert [(r["deck"], r["card"], r["lapse_rate"], r["average_ms"]) for r in records] == [
        ("office", "word0", str(2 / 3), "3666.7"), ("office", "word1", str(1 / 3), "1600.0"),
        ("other", "word0", "", "500.0")]
    as_json = run(build_cli(), ["report", "terms", "--db", db, "--format", "json", "--since", "2026-11-01",
                                "--limit", "1", "--lang", "en"])
    assert json.loads(as_json.output) == [{
        "deck": "office", "card": "word0", "term": "word0", "translation": "kata0", "learners": 3, "answers": 8,
        "review_answers": 4, "lapses": 2, "lapse_rate": 0.5, "first_answers": 3, "first_again": 2,
        "first_again_share": 2 / 3, "average_ms": 4250.0}]
    bad = run(build_cli(), ["report", "terms", "--db", db, "--since", "1 November", "--lang", "en"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_by_default_the_last_thirty_study_days(history, tmp_path, clock):
    from vocab_tui.term_report import default_since

    # 2026-11-02 09:00 WIB: today is 2 November, and 30 study days go back to 4 October
    assert default_since(clock.now(), clock.tz) == date(2026, 10, 4)
    early = datetime.fromisoformat("2026-11-01T20:59:00+00:00")  # 03:59 on 2 November: still 1 November's day
    assert default_since(early, clock.tz) == date(2026, 10, 3)
    result = CliRunner().invoke(build_cli(), ["report", "terms", "--db", str(tmp_path / "v.db"), "--format", "json",
                                              "--lang", "en"])
    # the command reads the real clock: the made-up answers of 2026 are long past or far ahead
    cards = {(r["deck"], r["card"]) for r in json.loads(result.output)}
    since = default_since(datetime.now().astimezone(), clock.tz)
    expected = {(d, c) for d, c, *_rest, at, _ms in HISTORY if c != "word4"
                and datetime.fromisoformat(at + "+00:00") >= day_began(since, clock.tz)}
    assert cards == expected


def test_a_period_is_read_as_a_range_of_review_ids_not_the_whole_log(history, clock):
    """The report's cost follows its period (bench/bench_terms.py times it; here its plan is checked)."""
    seen: list[str] = []
    history.db.conn.set_trace_callback(seen.append)
    hardest_terms(history, clock.tz, since=date(2026, 11, 1))
    history.db.conn.set_trace_callback(None)
    sql = next(s for s in seen if "GROUP BY r.card_pk" in s)
    plan = [row[3] for row in history.db.conn.execute("EXPLAIN QUERY PLAN " + sql)]
    assert any(line.startswith("SEARCH r USING INTEGER PRIMARY KEY (rowid>") for line in plan), plan
    assert not any(line.startswith("SCAN r") for line in plan), plan
