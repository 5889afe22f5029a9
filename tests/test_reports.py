"""Managers' metrics on a hand-built history, against numbers worked out by hand.

The office is in WIB (UTC+7) and the study day starts at 04:00 local. Today is Monday 2 November 2026,
09:00 local. Learner A (Diskominfo) studies 25-28 October, misses the 29th (a review at 03:30 on the
29th still belongs to the 28th), studies 30 October to 1 November, not yet today, and has a review stamped
5 November (a terminal whose clock ran ahead). B (Bappeda) studied today;
C (Bappeda) never studied.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from vocab_tui.clock import FixedClock, iso, to_ms
from vocab_tui.progress import study_date
from vocab_tui.reports import ReportError, ReportScope, open_report, parse_day
from vocab_tui.study_days import day_shifts
from vocab_tui.store import new_review_id
from vocab_tui.workspace import open_workspace

from .helpers import write_deck

WIB = timezone(timedelta(hours=7), "WIB")
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=WIB)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WIB)


class History:
    def __init__(self, store):
        self.store = store
        self.pk = {row[1] + row[2]: row[0] for row in store.db.execute("SELECT pk, deck_id, card_id FROM cards")}

    def card(self, name: str) -> int:
        deck, number = name[0], int(name[1:])
        return self.pk[("alpha" if deck == "a" else "beta") + f"word{number}"]

    def review(self, learner: int, card: str, at: str, rating: int, before: int, interval: float | None = None,
               ms: int = 10_000) -> None:
        moment = local(at)
        self.store.db.execute(
            "INSERT INTO reviews (id, learner_id, card_pk, rating, answered_at, duration_ms, mode, state_before, "
            "state_after, interval_days, stability, difficulty, due) VALUES (?, ?, ?, ?, ?, ?, 'recognition', ?, 2, "
            "?, 5, 5, ?)",
            [new_review_id(moment), learner, self.card(card), rating, to_ms(moment), ms, before, interval,
             to_ms(moment + timedelta(days=3))])

    def state(self, learner: int, card: str, state: int, stability: float, due: str) -> None:
        self.store.db.execute(
            "INSERT INTO card_states (learner_id, card_pk, state, stability, difficulty, due, last_review, reps, "
            "deck_id) VALUES (?, ?, ?, ?, 5, ?, ?, 1, ?)",
            [learner, self.card(card), state, stability, iso(local(due)), iso(NOW - timedelta(days=5)),
             "alpha" if card[0] == "a" else "beta"])


@pytest.fixture
def office(tmp_path):
    decks = tmp_path / "decks"
    write_deck(decks, "alpha", 6)
    write_deck(decks, "beta", 4)
    clock = FixedClock(NOW, tz=WIB)
    ws = open_workspace(tmp_path / "office.db", [decks], clock)
    store = ws.store
    a = store.add_learner("Ani", "Diskominfo").id
    b = store.add_learner("Budi", "Bappeda").id
    c = store.add_learner("Citra", "Bappeda").id
    h = History(store)
    with store.db.conn:
        h.review(a, "a0", "2026-10-25T09:00", 3, 0)              # new
        h.review(a, "a0", "2026-10-26T09:00", 3, 1)
        h.review(a, "a1", "2026-10-27T09:00", 3, 0)              # new
        h.review(a, "a1", "2026-10-28T03:59", 3, 1)              # before 04:00: still the 27th
        h.review(a, "a2", "2026-10-28T20:00", 3, 2, 25)          # mature, first of the 28th: passed
        h.review(a, "a2", "2026-10-29T03:30", 1, 2, 25)          # still the 28th, not its first: not counted
        h.review(a, "a2", "2026-10-30T04:00", 1, 2, 21)          # the 30th (29th missed); first: failed
        h.review(a, "a3", "2026-10-31T10:00", 3, 2, 20)          # interval 20: not mature
        h.review(a, "b0", "2026-11-01T10:00", 3, 0)              # new, deck beta
        h.review(a, "a2", "2026-11-05T10:00", 4, 2, 30)          # in the future: counts on the 5th; passed
        h.review(b, "a0", "2026-11-02T08:00", 3, 0, ms=30_000)   # today
        h.state(a, "a0", 2, 30, "2026-11-01T10:00")    # mature, due
        h.state(a, "a1", 1, 1, "2026-11-02T08:59")     # due but suspended
        h.state(a, "a2", 2, 25, "2026-12-01T10:00")    # mature, not due
        h.state(a, "a3", 2, 10, "2026-11-02T08:00")    # due, not mature
        h.state(a, "b0", 1, 1, "2026-11-03T08:00")     # not due
        h.state(b, "a0", 1, 1, "2026-11-02T09:10")     # due in ten minutes: not now
        store.db.execute("INSERT INTO card_flags (learner_id, card_pk, suspended) VALUES (?, ?, 1)", [a, h.card("a1")])
    store.recount_daily_activity()  # the log was written here directly, not through record_answer
    yield store, clock, (a, b, c)
    store.close()


def by_key(rows, key):
    return {key(row): row for row in rows}


def test_learner_and_deck_metrics_match_the_hand_worked_numbers(office):
    store, clock, (a, b, c) = office
    with open_report(store, ReportScope(), clock) as report:
        pairs = by_key(report.learner_decks(), lambda r: (r.learner.id, r.deck_id))
        people = by_key(report.learners(), lambda r: r.learner.id)
    assert len(pairs) == 6  # 3 learners x 2 decks, studied or not
    alpha = pairs[a, "alpha"].metrics
    assert (alpha.reviews, alpha.introduced, alpha.study_ms) == (9, 2, 90_000)
    assert (alpha.retention_reviews, alpha.retention_passed) == (3, 2)
    assert alpha.active_days == 7  # 25, 26, 27, 28, 30, 31 October and 5 November
    assert (alpha.current_streak, alpha.longest_streak) == (0, 4)  # neither today nor yesterday in alpha
    assert (alpha.mature, alpha.due_now) == (2, 2)  # a0 + a2; a0 + a3 (a1 is suspended)
    assert alpha.last_studied == local("2026-11-05T10:00")
    beta = pairs[a, "beta"].metrics
    assert (beta.reviews, beta.introduced, beta.active_days, beta.current_streak, beta.longest_streak) == (1, 1, 1, 1, 1)
    assert (beta.mature, beta.due_now, beta.retention) == (0, 0, None)
    ani = people[a].metrics
    assert (ani.reviews, ani.introduced, ani.study_minutes) == (10, 3, 1.7)
    assert ani.active_days == 8  # the days of both decks, once each
    assert (ani.current_streak, ani.longest_streak) == (3, 4)  # 30 Oct - 1 Nov, up to yesterday; 25-28 Oct
    assert ani.retention == pytest.approx(2 / 3)
    budi, citra = people[b].metrics, people[c].metrics
    assert (budi.reviews, budi.active_days, budi.current_streak, budi.longest_streak, budi.due_now) == (1, 1, 1, 1, 0)
    assert (citra.reviews, citra.active_days, citra.current_streak, citra.last_studied) == (0, 0, 0, None)
    assert people[a].learner.name == "Ani" and people[a].learner.unit == "Diskominfo"


def test_units_decks_city_and_days_add_up(office):
    store, clock, (a, b, c) = office
    with open_report(store, ReportScope(), clock) as report:
        units = by_key(report.units(), lambda r: r.unit)
        city = report.city()
        decks = by_key(report.decks(), lambda r: r.deck_id)
        daily = by_key(report.daily(), lambda r: (r.unit, r.day))
        learners = list(report.learners())
    assert list(units) == ["Bappeda", "Diskominfo"]
    assert (units["Bappeda"].learners, units["Bappeda"].active_learners, units["Bappeda"].metrics.reviews) == (2, 1, 1)
    assert (units["Diskominfo"].learners, units["Diskominfo"].metrics.reviews) == (1, 10)
    assert (city.learners, city.active_learners, city.metrics.reviews, city.metrics.introduced) == (3, 2, 11, 4)
    assert city.metrics.reviews == sum(r.metrics.reviews for r in learners) == sum(d.metrics.reviews for d in decks.values())
    assert city.metrics.study_ms == 130_000 and city.metrics.due_now == 2 and city.metrics.mature == 2
    assert city.metrics.active_days == 9  # Ani's 8 days and Budi's today
    assert (decks["alpha"].active_learners, decks["alpha"].metrics.reviews, decks["beta"].metrics.reviews) == (2, 10, 1)
    day28 = daily["Diskominfo", date(2026, 10, 28)]
    assert (day28.reviews, day28.retention_reviews, day28.retention_passed) == (2, 1, 1)
    assert daily["Diskominfo", date(2026, 10, 27)].reviews == 2  # 09:00 on the 27th and 03:59 on the 28th
    assert ("Diskominfo", date(2026, 10, 29)) not in daily
    assert daily["Diskominfo", date(2026, 11, 5)].reviews == 1
    assert daily["Bappeda", date(2026, 11, 2)].active_learners == 1


def test_a_range_of_days_starts_and_ends_at_four_in_the_morning(office):
    store, clock, (a, b, c) = office
    scope = ReportScope(since=date(2026, 10, 28), until=date(2026, 10, 31))
    with open_report(store, scope, clock) as report:
        ani = by_key(report.learners(), lambda r: r.learner.id)[a].metrics
        assert (report.first_day, report.last_day) == (date(2026, 10, 28), date(2026, 10, 31))
    assert ani.reviews == 4  # 28th 20:00, 29th 03:30, 30th 04:00, 31st; not the 28th at 03:59
    assert ani.active_days == 3
    assert (ani.current_streak, ani.longest_streak) == (2, 2)  # the range ends on the 31st
    assert (ani.retention_reviews, ani.retention_passed) == (2, 1)


def test_scope_filters_and_unknown_names(office):
    store, clock, (a, b, c) = office
    with open_report(store, ReportScope(units=("bappeda",), deck_ids=("alpha",)), clock) as report:
        rows = list(report.learner_decks())
        assert [(r.learner.name, r.deck_id) for r in rows] == [("Budi", "alpha"), ("Citra", "alpha")]
        assert report.city().metrics.reviews == 1
    with open_report(store, ReportScope(learner_ids=(a,)), clock) as report:
        assert [r.learner.id for r in report.learners()] == [a]
        assert report.city().metrics.reviews == 10
    for scope, words in [(ReportScope(units=("Dinas Nope",)), "No unit called 'Dinas Nope'"),
                         (ReportScope(deck_ids=("gamma",)), "No deck with id 'gamma'"),
                         (ReportScope(learner_ids=(99,)), "No learner with id 99"),
                         (ReportScope(since=date(2026, 11, 2), until=date(2026, 11, 1)), "is before")]:
        with pytest.raises(ReportError, match=words):
            with open_report(store, scope, clock):
                pass
    with pytest.raises(ReportError, match="YYYY-MM-DD"):
        parse_day("1/11/2026", "--since")
    # the temporary tables are gone: a second report on the same connection starts clean
    with open_report(store, ReportScope(), clock) as report:
        assert report.city().metrics.reviews == 11


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/Sao_Paulo", "Asia/Jakarta", "Australia/Lord_Howe"])
def test_day_shifts_give_the_study_date_across_clock_changes(zone):
    tz = ZoneInfo(zone)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    end = datetime(2027, 1, 1, tzinfo=timezone.utc)
    shifts = day_shifts(tz, 4, start, end)
    moment = start
    while moment < end:
        seconds = [s for since, s in shifts if since is None or since <= iso(moment)][-1]
        assert (moment + timedelta(seconds=seconds)).date() == study_date(moment, tz, 4), moment
        moment += timedelta(minutes=97)


def _report_plans(store, clock, scope) -> dict[str, list[str]]:
    """The query plan of everything a report asks (its temporary card table, the days view, each roll-up)."""
    sent: list[str] = []
    store.db.conn.set_trace_callback(sent.append)
    plans = {}
    with open_report(store, scope, clock) as report:
        report.units(), report.city(), report.decks(), report.daily(), list(report.learners())
        list(report.learner_decks())
        store.db.conn.set_trace_callback(None)
        plans["m_days"] = [row[3] for row in store.db.execute("EXPLAIN QUERY PLAN SELECT * FROM m_days")]
        for n, sql in enumerate(sent):  # the statements as sent, parameters filled in
            if sql.startswith("INSERT INTO m_"):
                plans.setdefault(sql.split()[2], []).extend(
                    row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + sql))
            elif sql.lstrip().startswith("SELECT") and " m_" in sql:
                plans[f"roll-up {n}"] = [row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + sql)]
    return plans


def test_reports_read_the_daily_roll_up_by_its_key_never_the_review_log(office):
    """Each chosen learner x deck is a range of daily_activity's key; card states come through their deck index.
    No report query reads the review log or scans the roll-up or the card states."""
    store, clock, (a, b, c) = office
    everybody = _report_plans(store, clock, ReportScope(since=date(2026, 10, 1)))
    assert any("SEARCH daily_activity USING PRIMARY KEY (learner_id=? AND deck_id=? AND day>? AND day<?)" in line
               for line in everybody["m_days"])
    for table in ("m_pairs", "m_learner_days"):  # every deck chosen: the learner's rows over every deck
        assert any("SEARCH daily_activity USING PRIMARY KEY (learner_id=? AND deck_id=? AND day>? AND day<?)" in line
                   for line in everybody[table])
    for table in ("m_cards", "m_learner_cards"):  # one pass over the small partial index of mature cards
        assert "SCAN s USING COVERING INDEX card_states_mature" in everybody[table]
    assert any("INDEX idx_card_states_learner_id_state_due" in line for line in everybody["m_learner_cards"])
    assert any("INDEX card_states_deck" in line for line in everybody["m_cards"])
    one = _report_plans(store, clock, ReportScope(learner_ids=(a,)))
    for plans in (everybody, one):
        lines = [line for lines in plans.values() for line in lines]
        assert len([name for name in plans if name.startswith("roll-up")]) >= 5
        # the roll-up and the card states are only ever searched by key; automatic indexes are built only
        # over the small per-learner sums joined to each other
        assert not [line for line in lines if line.startswith(("SCAN daily_activity", "SCAN card_states"))]
        assert "SCAN s" not in lines  # card states only through an index
        assert not [line for line in lines if "AUTOMATIC" in line and not line.endswith("LEFT-JOIN")]
        assert not [line for line in lines if " reviews" in line or "reviews_" in line]


@pytest.mark.parametrize("decks", [None, ("alpha",), ("alpha", "beta")], ids=["every deck", "one deck", "both named"])
def test_a_learners_numbers_are_the_sum_of_their_decks_whichever_decks_are_chosen(office, decks):
    """Over every deck the learner's own rows are read, over chosen decks the deck rows are added up: the same."""
    store, clock, (a, b, c) = office
    with open_report(store, ReportScope(deck_ids=decks), clock) as report:
        per_deck = list(report.learner_decks())
        for row in report.learners():
            mine = [p.metrics for p in per_deck if p.learner.id == row.learner.id]
            m = row.metrics
            assert (m.reviews, m.introduced, m.study_ms, m.retention_reviews, m.retention_passed, m.mature, m.due_now) \
                == tuple(sum(getattr(x, f) for x in mine) for f in (
                    "reviews", "introduced", "study_ms", "retention_reviews", "retention_passed", "mature", "due_now"))
            assert m.longest_streak >= max(x.longest_streak for x in mine)
            if row.learner.id == a:  # Ani: 25-28 and 30-31 October, 1 and 5 November; the 1st in beta only
                assert (m.reviews, m.active_days, m.longest_streak) == ((9, 7, 4) if decks == ("alpha",) else (10, 8, 4))


def test_a_report_counts_the_offices_days_whatever_the_zone_of_the_terminal_asking(office):
    """The database counts days in the zone it was first opened in (WIB here); a terminal set to UTC gets the
    same days, named as WIB's, and nothing is counted again."""
    store, clock, (a, b, c) = office
    kept = store.db.execute("SELECT * FROM daily_activity ORDER BY 1, 2, 3").fetchall()
    elsewhere = FixedClock(clock.now(), tz=timezone.utc)
    with open_report(store, ReportScope(learner_ids=(a,)), clock) as report:
        here = [(d.day, d.reviews) for d in report.daily()]
    with open_report(store, ReportScope(learner_ids=(a,)), elsewhere) as report:
        assert [(d.day, d.reviews) for d in report.daily()] == here
        assert report.timezone == "UTC+07:00" and report.day_starts_at == 4
    assert store.db.execute("SELECT * FROM daily_activity ORDER BY 1, 2, 3").fetchall() == kept


def test_a_range_that_begins_in_the_future_is_that_one_day_and_empty(office):
    store, clock, _ids = office
    with open_report(store, ReportScope(since=date(2027, 1, 1)), clock) as report:
        assert (report.first_day, report.last_day) == (date(2027, 1, 1), date(2027, 1, 1))
        assert report.city().metrics.reviews == 0 and report.daily() == []
