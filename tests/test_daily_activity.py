"""The daily roll-up of the review log (issue 10): kept by every write, equal to counting the log again."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from vocab_tui.clock import FixedClock
from vocab_tui.study_days import StudyDays, day_number

from .conftest import START
from .history import (
    answer,
    assert_daily_activity_holds,
    card_ids,
    card_pk,
    daily_activity,
    open_terminal,
    random_session,
)

WIB = timezone(timedelta(hours=7), "WIB")


def wib(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WIB).astimezone(timezone.utc)


def day_of(text: str) -> int:
    return day_number(datetime.fromisoformat(text).date())


@pytest.fixture
def office(tmp_path, clock):
    store = open_terminal(tmp_path / "office.db", clock)
    yield store
    store.close()


def rows(store, learner: int) -> dict[int, tuple]:
    """day -> (reviews, introduced, study ms, retention reviews, retention passed) over the learner's decks,
    added up from the rows per deck; checked against the learner's rows over every deck."""
    per_deck = {row[0]: tuple(row[1:]) for row in store.db.execute(
        "SELECT day, sum(reviews), sum(introduced), sum(study_ms), sum(retention_reviews), sum(retention_passed) "
        "FROM daily_activity WHERE learner_id = ? AND deck_id != '' GROUP BY day", [learner])}
    every_deck = {row[0]: tuple(row[1:]) for row in store.db.execute(
        "SELECT day, reviews, introduced, study_ms, retention_reviews, retention_passed "
        "FROM daily_activity WHERE learner_id = ? AND deck_id = ''", [learner])}
    assert per_deck == every_deck
    return per_deck


def test_a_workspace_counts_days_in_its_zone_from_four_in_the_morning(office):
    assert office.study_days().key() == StudyDays(WIB, 4).key()
    siti = office.add_learner("Siti", "Diskominfo").id
    pk = card_pk(office, "download")
    answer(office, siti, pk, 3, wib("2026-11-02T09:00"))
    answer(office, siti, card_pk(office, "upload"), 3, wib("2026-11-03T03:59"))  # before 04:00: still the 2nd
    answer(office, siti, pk, 3, wib("2026-11-03T04:00"))                         # the 3rd
    assert rows(office, siti) == {day_of("2026-11-02"): (2, 2, 3000, 0, 0), day_of("2026-11-03"): (1, 0, 1500, 0, 0)}
    assert_daily_activity_holds(office)


def test_true_retention_counts_a_mature_cards_first_answer_of_the_day(office):
    siti = office.add_learner("Siti", "Diskominfo").id
    pk = card_pk(office, "download")
    when = wib("2026-01-05T09:00")
    for gap in (0, 3, 8, 20, 45, 90):  # Good, at growing intervals: the card matures
        when += timedelta(days=gap)
        answer(office, siti, pk, 3, when)
    shown = office.db.execute("SELECT interval_days FROM reviews WHERE learner_id = ? ORDER BY id", [siti]).fetchall()
    assert shown[-1][0] >= 21  # the last answer was given at a mature interval
    last_day = office.study_days().number(when)
    assert rows(office, siti)[last_day][3:] == (1, 1)
    answer(office, siti, pk, 1, when + timedelta(days=200))              # forgotten: first of its day, failed
    answer(office, siti, pk, 3, when + timedelta(days=200, minutes=10))  # relearning, not mature: not counted
    again_day = office.study_days().number(when + timedelta(days=200))
    assert rows(office, siti)[again_day][0] == 2 and rows(office, siti)[again_day][3:] == (1, 0)
    assert_daily_activity_holds(office)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_answers_and_undo_keep_the_roll_up_equal_to_the_log(office, seed):
    rng = random.Random(seed)
    learners = [office.add_learner(name, unit).id for name, unit in (("Siti", "Diskominfo"), ("Agus", "Bappeda"))]
    when = START
    saved = []
    for step in range(120):
        when += timedelta(minutes=rng.choice([1, 7, 60 * 5, 60 * 23, 60 * 24 * 9, 60 * 24 * 30]),
                          milliseconds=rng.randrange(1000))
        learner = rng.choice(learners)
        saved.append(answer(office, learner, card_pk(office, rng.choice(card_ids(office))), rng.choice([1, 3, 3, 4]),
                            when))
        if step % 9 == 8:  # take back the newest answer of the card, when it is still the card's newest
            newest = saved.pop()
            office.undo_review(newest)
        if step % 30 == 29:
            assert_daily_activity_holds(office)
    assert sum(r[0] for learner in learners for r in rows(office, learner).values()) == \
        office.db.execute("SELECT count(*) FROM reviews").fetchone()[0]
    assert_daily_activity_holds(office)


def test_merging_and_erasing_learners_keep_the_roll_up(office):
    rng = random.Random(5)
    siti = office.add_learner("Siti", "Diskominfo").id
    twin = office.add_learner("Siti R.", "Diskominfo").id
    random_session(office, siti, rng, START, 20)
    random_session(office, twin, rng, START + timedelta(hours=2), 20)
    office.merge_learners(siti, twin)
    assert {row[0] for row in daily_activity(office)} == {siti}
    assert sum(r[0] for r in rows(office, siti).values()) == 40
    assert_daily_activity_holds(office)
    office.erase_learner(siti)
    assert daily_activity(office) == []


def test_merging_a_database_counts_the_merged_days(tmp_path, clock):
    a = open_terminal(tmp_path / "a.db", clock)
    b = open_terminal(tmp_path / "b.db", clock)
    for store in (a, b):
        store.add_learner("Siti", "Diskominfo")
    random_session(a, 1, random.Random(1), START, 15)
    random_session(b, 1, random.Random(2), START + timedelta(hours=1), 15)
    a.merge_from(tmp_path / "b.db")
    assert sum(r[0] for r in rows(a, 1).values()) == 30
    assert_daily_activity_holds(a)
    a.close(), b.close()


def test_another_zone_counts_the_days_again_and_a_terminal_does_not_impose_its_own(tmp_path):
    clock = FixedClock(START, tz=WIB)
    store = open_terminal(tmp_path / "office.db", clock)
    siti = store.add_learner("Siti", "").id
    answer(store, siti, card_pk(store, "download"), 3, wib("2026-11-02T23:30"))  # 16:30 UTC
    assert set(rows(store, siti)) == {day_of("2026-11-02")}
    store.close()
    # a terminal in UTC opens the same file: the office's days stay as they are
    utc = open_terminal(tmp_path / "office.db", FixedClock(START, tz=timezone.utc))
    assert utc.study_days().key() == StudyDays(WIB, 4).key()
    # a report made in another zone counts them again its way: 16:30 UTC is 04:30 on the 3rd at UTC+12
    assert utc.use_study_days(StudyDays(timezone(timedelta(hours=12)), 4)) is True
    assert set(rows(utc, siti)) == {day_of("2026-11-03")}
    assert utc.use_study_days(StudyDays(timezone(timedelta(hours=12)), 4)) is False  # already counted so
    assert_daily_activity_holds(utc)
    utc.close()


def test_the_first_workspace_on_an_older_file_counts_its_days(tmp_path, clock):
    from vocab_tui.workspace import open_workspace

    from .old_schemas import ANSWERS, build_old_database

    path = tmp_path / "old.db"
    build_old_database(path, 4)
    store = open_workspace(path, [], clock).store
    assert store.study_days().key() == StudyDays(clock.tz, 4).key()
    assert store.db.execute("SELECT sum(reviews) FROM daily_activity WHERE deck_id != ''").fetchone()[0] == len(ANSWERS)
    assert_daily_activity_holds(store)
    store.close()


def test_each_day_knows_the_days_in_a_row_before_it_even_when_a_day_comes_late(office):
    siti = office.add_learner("Siti", "Diskominfo").id
    for day in ("2026-11-02", "2026-11-03", "2026-11-04", "2026-11-06"):
        answer(office, siti, card_pk(office, "download"), 3, wib(f"{day}T09:00"))
    def runs(deck="mini"):
        return dict(office.db.execute("SELECT day, run FROM daily_activity WHERE learner_id = ? AND deck_id = ?",
                                      [siti, deck]).fetchall())

    assert runs() == {day_of("2026-11-02"): 1, day_of("2026-11-03"): 2, day_of("2026-11-04"): 3,
                      day_of("2026-11-06"): 1}
    # a terminal whose clock ran behind saves an answer on the 5th after the 6th was counted: the 6th follows on
    answer(office, siti, card_pk(office, "upload"), 3, wib("2026-11-05T09:00"))
    assert runs()[day_of("2026-11-05")] == 4 and runs()[day_of("2026-11-06")] == 5
    assert runs("") == runs()  # one deck: the learner's days over every deck are the same
    assert_daily_activity_holds(office)
    office.undo_review(office.reviews(siti)[-1]["id"])  # the newest answer by time: the 6th's
    assert day_of("2026-11-06") not in runs() and runs()[day_of("2026-11-05")] == 4
    assert_daily_activity_holds(office)


def test_two_profiles_joined_introduce_a_card_both_studied_once(office):
    siti = office.add_learner("Siti", "Diskominfo").id
    twin = office.add_learner("Siti R.", "Diskominfo").id
    for learner, when in ((siti, "2026-11-02T09:00"), (twin, "2026-11-03T09:00")):
        for card in ("download", "upload"):
            answer(office, learner, card_pk(office, card), 3, wib(when))
    answer(office, twin, card_pk(office, "browser"), 3, wib("2026-11-03T09:05"))
    office.merge_learners(siti, twin)
    introduced = office.db.execute("SELECT sum(introduced) FROM daily_activity WHERE learner_id = ? AND deck_id = ''",
                                   [siti]).fetchone()[0]
    assert introduced == 3  # download, upload, browser: each new once
    assert rows(office, siti)[day_of("2026-11-03")][:2] == (3, 1)
    assert_daily_activity_holds(office)


def test_a_rule_for_days_that_cannot_be_read_is_replaced_at_the_next_opening(tmp_path, clock):
    store = open_terminal(tmp_path / "office.db", clock)
    siti = store.add_learner("Siti", "").id
    answer(store, siti, card_pk(store, "download"), 3, wib("2026-11-02T09:00"))
    store.db.execute("UPDATE meta SET value = '{\"zone\": \"Mars/Olympus\", \"hour\": 4}' WHERE key = 'study_days'")
    store.close()
    again = open_terminal(tmp_path / "office.db", clock)
    assert again.study_days().key() == StudyDays(WIB, 4).key()
    assert set(rows(again, siti)) == {day_of("2026-11-02")}
    again.close()


def test_a_terminal_left_open_counts_its_next_answer_under_a_rule_changed_elsewhere(tmp_path):
    clock = FixedClock(START, tz=timezone.utc)  # the first terminal was on UTC: the office's days are UTC days
    open_here = open_terminal(tmp_path / "office.db", clock)
    siti = open_here.add_learner("Siti", "").id
    answer(open_here, siti, card_pk(open_here, "download"), 3, wib("2026-11-02T23:30"))  # 16:30 UTC: the 2nd
    other = open_terminal(tmp_path / "office.db", clock)
    assert other.use_study_days(StudyDays(WIB, 4)) is True  # `vocab-tui study-days --zone` on another terminal
    other.close()
    answer(open_here, siti, card_pk(open_here, "upload"), 3, wib("2026-11-03T05:00"))  # 22:00 UTC: the 2nd in UTC
    assert rows(open_here, siti) == {day_of("2026-11-02"): (1, 1, 1500, 0, 0), day_of("2026-11-03"): (1, 1, 1500, 0, 0)}
    assert_daily_activity_holds(open_here)
    open_here.close()


def test_the_study_days_command_shows_the_zone_and_counts_the_days_again_in_another(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from vocab_tui.cli import build_cli
    from vocab_tui.i18n import set_language

    set_language("en")
    monkeypatch.setenv("TZ", "UTC")
    path = tmp_path / "office.db"
    store = open_terminal(path, FixedClock(START, tz=timezone.utc))
    siti = store.add_learner("Siti", "").id
    answer(store, siti, card_pk(store, "download"), 3, wib("2026-11-02T23:30"))  # 16:30 UTC
    store.close()

    def run(*args: str, text: str | None = None):
        return CliRunner().invoke(build_cli(), ["study-days", "--db", str(path), *args], input=text)

    shown = run()
    assert shown.exit_code == 0 and "counted in the time zone UTC+00:00, from 04:00 to 04:00" in shown.output
    assert "This computer's time zone" not in shown.output  # the same as the office's
    monkeypatch.setenv("TZ", "Asia/Makassar")
    assert "This computer's time zone is Asia/Makassar" in run().output
    monkeypatch.setenv("TZ", "UTC")
    refused = run("--zone", "Asia/Nowhere")
    assert refused.exit_code == 1 and "Asia/Nowhere is not a time zone name" in refused.output
    kept = run("--zone", "Asia/Jakarta", text="n\n")
    assert kept.exit_code == 0 and "1 answer is read" in kept.output and "Nothing was changed" in kept.output
    changed = run("--zone", "Asia/Jakarta", "--yes")
    assert changed.exit_code == 0, changed.output
    assert "now counted in Asia/Jakarta: 1 answer counted" in changed.output
    assert "Nothing to change" in run("--zone", "Asia/Jakarta").output
    store = open_terminal(path, FixedClock(START, tz=timezone.utc))
    assert store.study_days().zone_name() == "Asia/Jakarta"
    assert set(rows(store, siti)) == {day_of("2026-11-02")}  # 23:30 in Jakarta is still the 2nd (UTC: the 2nd too)
    assert_daily_activity_holds(store)
    store.close()
