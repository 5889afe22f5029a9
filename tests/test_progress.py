from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from fsrs import Card as FSRSCard
from fsrs import Rating, State

from vocab_tui.clock import FixedClock, from_ms, iso, to_ms
from vocab_tui.study_days import StudyDays
from vocab_tui.decks import load_decks
from vocab_tui.models import NEW, DayProgress, LearnerSettings
from vocab_tui.progress import home_counts, learner_stats, streak, study_date, true_retention
from vocab_tui.store import Store, new_review_id
from vocab_tui.study import StudySession

from .conftest import NO_FUZZ
from .helpers import write_deck

WIB = timezone(timedelta(hours=7), "WIB")
TODAY = date(2026, 11, 2)  # the clock fixture: Monday 2026-11-02 09:00 WIB


def at(local: str) -> datetime:
    return datetime.fromisoformat(local).replace(tzinfo=WIB).astimezone(timezone.utc)


@pytest.fixture
def history_store(tmp_path, clock):
    """Deck 'office' (word0..word11, word11 then retired) and deck 'other' (word0..word1); one learner."""
    folder = tmp_path / "decks"
    write_deck(folder, "office", 12)
    write_deck(folder, "other", 2)
    store = Store(tmp_path / "v.db", clock)
    store.sync_decks(load_decks([folder]).decks)
    write_deck(folder, "office", 12, skip={11})
    store.sync_decks(load_decks([folder]).decks)
    store.learner_id = store.add_learner("Siti").id  # the helpers below write rows for this learner
    yield store
    store.close()


def pk(store: Store, term: str, deck: str = "office") -> int:
    return store.db.execute("SELECT pk FROM cards WHERE deck_id = ? AND term = ?", [deck, term]).fetchone()[0]


def review_card(pk_: int, *, interval_days: float, reviewed: datetime, state: State = State.Review,
                stability: float = 10.0) -> FSRSCard:
    """A card last reviewed at `reviewed` and scheduled `interval_days` later."""
    return FSRSCard(card_id=pk_, state=state, step=None if state == State.Review else 0, stability=stability,
                    difficulty=5.0, due=reviewed + timedelta(days=interval_days), last_review=reviewed)


def add_review(store: Store, card_pk: int, answered: datetime, rating: Rating, before: FSRSCard | None) -> None:
    after = FSRSCard(card_id=card_pk, state=State.Review, stability=5.0, difficulty=5.0,
                     due=answered + timedelta(days=5), last_review=answered)
    store.db["reviews"].insert(
        {
            "learner_id": store.learner_id,
            "card_pk": card_pk,
            "rating": int(rating),
            "answered_at": to_ms(answered),
            "duration_ms": 4000,
            "mode": "recognition",
            "state_before": NEW if before is None else int(before.state),
            "state_after": int(after.state),
            "id": new_review_id(answered),
            "interval_days": None if before is None or before.last_review is None
            else (before.due - before.last_review).total_seconds() / 86400,
            "step": after.step,
            "stability": after.stability,
            "difficulty": after.difficulty,
            "due": to_ms(after.due),
        }
    )
    store.recount_daily_activity([store.learner_id])  # written here directly, not through record_answer


def add_state(store: Store, card_pk: int, state: State, due: datetime, stability: float = 5.0) -> None:
    store.db["card_states"].insert(
        {
            "learner_id": store.learner_id,
            "card_pk": card_pk,
            "state": int(state),
            "step": None if state == State.Review else 0,
            "stability": stability,
            "difficulty": 5.0,
            "due": iso(due),
            "last_review": iso(due - timedelta(days=3)),
            "reps": 3,
            "lapses": 0,
            "deck_id": store.db.execute("SELECT max(deck_id) FROM cards WHERE pk = ? AND retired_at IS NULL",
                                        [card_pk]).fetchone()[0],  # as Store.sync_decks keeps it
        }
    )


def stats(store: Store, clock, decks=("office",)):
    return learner_stats(store, store.learner(store.learner_id), list(decks), clock, NO_FUZZ)


# -- the study day ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        ("2026-11-02 03:59", date(2026, 11, 1)),
        ("2026-11-02 04:00", date(2026, 11, 2)),
        ("2026-11-02 23:59", date(2026, 11, 2)),
        ("2026-11-03 00:30", date(2026, 11, 2)),
        ("2026-11-03 03:59:59", date(2026, 11, 2)),
        ("2026-01-01 02:00", date(2025, 12, 31)),
    ],
)
def test_a_moment_before_four_in_the_morning_belongs_to_the_day_before(moment, day):
    assert study_date(at(moment), WIB, 4) == day


def test_the_study_day_is_reckoned_in_local_time():
    # 21:30 UTC on 1 November is 04:30 on 2 November in Jakarta: the new day has begun there.
    moment = datetime(2026, 11, 1, 21, 30, tzinfo=timezone.utc)
    assert study_date(moment, WIB, 4) == date(2026, 11, 2)
    assert study_date(moment, timezone.utc, 4) == date(2026, 11, 1)
    assert study_date(at("2026-11-02 05:30"), WIB, 6) == date(2026, 11, 1)


# -- streak -------------------------------------------------------------------------------------


def days_ago(*offsets: int) -> set[date]:
    return {TODAY - timedelta(days=n) for n in offsets}


@pytest.mark.parametrize(
    ("studied", "expected"),
    [
        (days_ago(0, 1, 2), 3),  # studied today
        (days_ago(0), 1),
        (days_ago(1, 2, 3, 4), 4),  # not yet today, but yesterday: the streak is still alive
        (days_ago(0, 1, 3, 4, 5), 2),  # a gap breaks it
        (days_ago(1, 3), 1),
        (days_ago(2, 3, 4), 0),  # neither today nor yesterday
        (set(), 0),
    ],
)
def test_streak_counts_consecutive_study_days(studied, expected):
    assert streak(studied, TODAY) == expected


# -- a made-up history --------------------------------------------------------------------------


def seed_daily_history(store: Store) -> None:
    word = pk(store, "word0")
    plan = [
        ("2026-11-02 08:00", 3),  # today
        ("2026-11-02 03:30", 2),  # before 04:00: yesterday
        ("2026-11-01 10:00", 1),  # yesterday
        # 31 October: nothing
        ("2026-10-30 23:00", 4),
        ("2026-10-04 12:00", 5),  # 29 days ago: the first of the 30 days
        ("2026-10-03 12:00", 7),  # 30 days ago: outside the 30 days
    ]
    for local, count in plan:
        for i in range(count):
            add_review(store, word, at(local) + timedelta(minutes=i), Rating.Good, None)


def test_reviews_per_day_are_the_last_30_study_days_with_today_last(history_store, clock):
    seed_daily_history(history_store)
    result = stats(history_store, clock)
    assert result.today == TODAY
    assert len(result.reviews_per_day) == 30
    expected = [0] * 30
    expected[29] = 3  # today
    expected[28] = 3  # 1 November: one at 10:00, two on the night before 04:00 on the 2nd
    expected[26] = 4  # 30 October
    expected[0] = 5  # 4 October
    assert result.reviews_per_day == expected
    assert result.daily[date(2026, 10, 3)] == 7
    assert result.daily[date(2026, 11, 1)] == 3


def test_streak_from_the_review_history(history_store, clock):
    seed_daily_history(history_store)
    assert stats(history_store, clock).streak == 2  # today and yesterday; 31 October was missed
    clock.current = at("2026-11-03 03:30")  # still 2 November as a study day
    assert stats(history_store, clock).streak == 2
    clock.current = at("2026-11-03 09:00")  # not studied yet today: the streak holds
    assert stats(history_store, clock).streak == 2
    clock.current = at("2026-11-04 09:00")  # a whole day missed
    assert stats(history_store, clock).streak == 0


def test_forecast_counts_due_cards_per_day_with_overdue_ones_today(history_store, clock):
    store = history_store
    dues = {
        "word0": "2026-10-25 10:00",  # overdue
        "word1": "2026-11-02 01:00",  # overdue (study day 1 November)
        "word2": "2026-11-02 20:00",  # today
        "word3": "2026-11-03 02:00",  # before 04:00: still today's study day
        "word4": "2026-11-03 05:00",  # day 1
        "word5": "2026-11-05 09:00",  # day 3
        "word6": "2026-11-05 23:00",  # day 3
        "word7": "2026-11-06 03:00",  # day 3 (before 04:00 on the 6th)
        "word8": "2026-12-01 10:00",  # day 29, the last one shown
        "word9": "2026-12-02 10:00",  # day 30: beyond the forecast
    }
    for term, local in dues.items():
        add_state(store, pk(store, term), State.Review, at(local))
    add_state(store, pk(store, "word10"), State.Learning, at("2026-11-02 09:10"))  # today
    add_state(store, pk(store, "word0", deck="other"), State.Review, at("2026-11-04 10:00"))  # not selected
    expected = [0] * 30
    expected[0] = 5
    expected[1] = 1
    expected[3] = 3
    expected[29] = 1
    result = stats(store, clock)
    assert len(result.forecast) == 30
    assert result.forecast == expected
    both = stats(store, clock, decks=("office", "other"))
    assert both.forecast[2] == 1
    assert sum(both.forecast) == sum(expected) + 1


def test_forecast_leaves_out_retired_cards(history_store, clock):
    store = history_store
    retired = pk(store, "word11")
    add_state(store, retired, State.Review, at("2026-11-04 10:00"))
    assert stats(store, clock).forecast == [0] * 30


# -- true retention -----------------------------------------------------------------------------


def seed_retention_history(store: Store) -> None:
    """Hand-worked: four mature first-of-the-day reviews, three of them not Again -> 3/4."""
    a, b, c, d, e, f, g, h = (pk(store, f"word{i}") for i in range(8))
    # A: 30-day interval, Good at 10:00 -> counts, passed. The Again at 15:00 the same day is a second
    # review of the day and must be ignored. It is inserted first, so the log's id order is not time order.
    add_review(store, a, at("2026-10-20 15:00"), Rating.Again,
               review_card(a, interval_days=30, reviewed=at("2026-09-20 10:00")))
    add_review(store, a, at("2026-10-20 10:00"), Rating.Good,
               review_card(a, interval_days=30, reviewed=at("2026-09-20 10:00")))
    # B: 25-day interval, Again -> counts, failed.
    add_review(store, b, at("2026-10-22 09:00"), Rating.Again,
               review_card(b, interval_days=25, reviewed=at("2026-09-27 09:00")))
    # C: exactly 21 days -> counts, passed.
    add_review(store, c, at("2026-10-23 09:00"), Rating.Good,
               review_card(c, interval_days=21, reviewed=at("2026-10-02 09:00")))
    # D: 40 days, Hard -> counts, passed. Its Again at 02:30 the next morning is the same study day: ignored.
    add_review(store, d, at("2026-10-25 22:00"), Rating.Hard,
               review_card(d, interval_days=40, reviewed=at("2026-09-15 22:00")))
    add_review(store, d, at("2026-10-26 02:30"), Rating.Again,
               review_card(d, interval_days=40, reviewed=at("2026-09-15 22:00")))
    # E: a 10-day interval -> ignored although Again.
    add_review(store, e, at("2026-10-24 09:00"), Rating.Again,
               review_card(e, interval_days=10, reviewed=at("2026-10-14 09:00"), stability=30))
    # F: just under 21 days -> ignored.
    add_review(store, f, at("2026-10-24 10:00"), Rating.Again,
               review_card(f, interval_days=20.99, reviewed=at("2026-10-03 10:00"), stability=30))
    # G: a relearning card with a long gap -> not a review of a mature card: ignored.
    add_review(store, g, at("2026-10-24 11:00"), Rating.Again,
               review_card(g, interval_days=30, reviewed=at("2026-09-24 11:00"), state=State.Relearning))
    # H: a new card -> ignored.
    add_review(store, h, at("2026-10-24 12:00"), Rating.Again, None)


def test_true_retention_of_mature_cards_is_hand_worked_three_quarters(history_store, clock):
    seed_retention_history(history_store)
    result = stats(history_store, clock)
    assert result.retention == pytest.approx(0.75)
    assert result.retention_reviews == 4


def test_true_retention_from_the_history_alone(history_store):
    seed_retention_history(history_store)
    history = history_store.review_history(history_store.learner_id)
    assert true_retention(history, WIB, 4) == (pytest.approx(0.75), 4)


def test_the_same_card_on_two_study_days_counts_twice(history_store, clock):
    seed_retention_history(history_store)
    a = pk(history_store, "word0")
    add_review(history_store, a, at("2026-10-27 09:00"), Rating.Again,
               review_card(a, interval_days=22, reviewed=at("2026-10-05 09:00")))
    result = stats(history_store, clock)
    assert result.retention_reviews == 5
    assert result.retention == pytest.approx(3 / 5)


def test_true_retention_is_none_without_mature_reviews(history_store, clock):
    word = pk(history_store, "word0")
    add_review(history_store, word, at("2026-10-24 09:00"), Rating.Good,
               review_card(word, interval_days=5, reviewed=at("2026-10-19 09:00")))
    result = stats(history_store, clock)
    assert result.retention is None
    assert result.retention_reviews == 0


# -- known and mature words ---------------------------------------------------------------------


def test_known_words_are_cards_in_review_and_mature_ones_have_21_days_stability(history_store, clock):
    store = history_store
    due = at("2026-11-20 09:00")
    for term, state, stability in [
        ("word0", State.Review, 2.0),
        ("word1", State.Review, 20.9),
        ("word2", State.Review, 21.0),
        ("word3", State.Review, 150.0),
        ("word4", State.Learning, 50.0),  # still learning: not known
        ("word5", State.Relearning, 40.0),  # forgotten, being relearned: not known
        ("word11", State.Review, 60.0),  # retired from the deck
    ]:
        add_state(store, pk(store, term), state, due, stability)
    result = stats(store, clock)
    assert (result.known, result.mature) == (4, 2)


def test_a_learner_with_no_history_has_empty_statistics(history_store, clock):
    result = stats(history_store, clock)
    assert result.streak == 0
    assert result.reviews_per_day == [0] * 30
    assert result.forecast == [0] * 30
    assert result.retention is None
    assert (result.known, result.mature) == (0, 0)


# -- statistics from real sessions --------------------------------------------------------------


def test_three_days_of_study_give_the_expected_statistics(tmp_path, clock):
    folder = tmp_path / "decks"
    write_deck(folder, "big", 30)
    store = Store(tmp_path / "v.db", clock)
    store.sync_decks(load_decks([folder]).decks)
    learner = store.add_learner("Budi")
    learner = store.update_settings(learner.id, LearnerSettings(new_per_day=3))
    # Each new card: Good (learning, 10 minutes), Good (review in 2 days). Reviews: Good.
    for day in range(3):
        clock.current = at("2026-11-02 09:00") + timedelta(days=day)
        session = StudySession(store, learner, ["big"], clock, NO_FUZZ)
        while session.next_card() is not None:
            clock.advance(seconds=5)
            session.answer(Rating.Good)
            clock.advance(minutes=11)
    result = learner_stats(store, learner, ["big"], clock, NO_FUZZ)
    assert result.today == date(2026, 11, 4)
    assert result.reviews_per_day[-4:] == [0, 6, 6, 9]  # the first day's cards came back on the third
    assert result.streak == 3
    assert (result.known, result.mature) == (9, 0)
    expected = [0] * 30
    expected[1] = 3  # the second day's new cards, two days after they were learned
    expected[2] = 3  # today's new cards
    expected[7] = 3  # the first day's cards, after their first review today
    assert result.forecast == expected


# -- a clock that ran ahead ------------------------------------------------------------------------


@pytest.fixture
def wide_store(tmp_path, clock):
    """One deck of 45 cards and one learner (20 new cards a day)."""
    folder = tmp_path / "decks"
    write_deck(folder, "office", 45)
    store = Store(tmp_path / "v.db", clock)
    store.sync_decks(load_decks([folder]).decks)
    store.learner_id = store.add_learner("Agus").id
    yield store
    store.close()


def study_everything(store: Store, clock, learner_id: int) -> int:
    """Answer Easy to everything a session has now; returns how many answers."""
    session = StudySession(store, store.learner(learner_id), ["office"], clock, NO_FUZZ)
    count = 0
    while session.next_card() is not None:
        clock.advance(seconds=5)
        session.answer(Rating.Easy)
        count += 1
    return count


def test_a_terminal_a_year_ahead_does_not_lock_today_s_work(wide_store, clock):
    store = wide_store
    ahead = FixedClock(clock.now() + timedelta(days=365), tz=clock.tz)
    wrong = Store(store.path, ahead)  # one study session on a terminal whose clock is a year ahead
    assert study_everything(wrong, ahead, store.learner_id) == 20
    wrong.close()
    assert len(store.reviews(store.learner_id)) == 20

    learner = store.learner(store.learner_id)
    today = home_counts(store, learner, ["office"], clock, NO_FUZZ)
    assert today.today == DayProgress()  # nothing studied today, as far as today knows
    assert today.new_left_today == 20
    assert today.total.new == 20  # the 25 cards never studied, up to the daily limit
    session = StudySession(store, learner, ["office"], clock, NO_FUZZ)
    assert session.remaining == 20
    figures = stats(store, clock)
    assert figures.streak == 0 and figures.reviews_per_day == [0] * 30
    assert figures.daily == {}  # the stamped-ahead day is not shown: it has not happened yet

    clock.advance(minutes=5)
    assert study_everything(store, clock, store.learner_id) == 20  # today's work goes ahead in full
    assert stats(store, clock).streak == 1  # today; the stamped-ahead day is not part of it
    assert home_counts(store, learner, ["office"], clock, NO_FUZZ).today.reviewed == 20


def test_the_study_day_is_a_window_from_04_00_to_04_00_local(wide_store, clock):
    store = wide_store
    clock.current = at("2026-11-03 03:59")
    study_one = StudySession(store, store.learner(store.learner_id), ["office"], clock, NO_FUZZ)
    study_one.next_card()
    study_one.answer(Rating.Easy)  # 03:59: still the study day of 2 November
    clock.current = at("2026-11-03 04:00")
    study_two = StudySession(store, store.learner(store.learner_id), ["office"], clock, NO_FUZZ)
    assert study_two.remaining == 20  # a new day: the full new-card limit again
    study_two.next_card()
    study_two.answer(Rating.Easy)  # 04:00: the first moment of 3 November

    learner = store.learner(store.learner_id)
    clock.current = at("2026-11-03 09:00")
    assert home_counts(store, learner, ["office"], clock, NO_FUZZ).today.reviewed == 1
    assert home_counts(store, learner, ["office"], clock, NO_FUZZ).new_left_today == 19
    assert stats(store, clock).daily == {date(2026, 11, 2): 1, date(2026, 11, 3): 1}
    assert stats(store, clock).streak == 2
    # Looked at from 03:59:30, the 04:00 answer lies in the next study day, not in this one.
    clock.current = at("2026-11-03 03:59") + timedelta(seconds=30)
    assert home_counts(store, learner, ["office"], clock, NO_FUZZ).today.reviewed == 1
    assert stats(store, clock).daily == {date(2026, 11, 2): 1}


@pytest.mark.parametrize("roll_up", [True, False], ids=["daily roll-up", "day by day"])
@pytest.mark.parametrize("offset_minutes", [420, 345, -150, 0])  # WIB, Nepal (+05:45), Newfoundland (-02:30), UTC
def test_statistics_counted_in_sql_match_counting_every_review(tmp_path, offset_minutes, roll_up):
    """The numbers the store aggregates in SQL are those of reading every review and every due date: from the
    daily roll-up when the database counts days as the terminal does, else day by day from the log."""
    import random
    from collections import Counter

    zone = timezone(timedelta(minutes=offset_minutes))
    clock = FixedClock(datetime(2026, 11, 2, 2, 7, tzinfo=timezone.utc), tz=zone)
    folder = tmp_path / "decks"
    write_deck(folder, "office", 60)
    store = Store(tmp_path / "v.db", clock)
    store.sync_decks(load_decks([folder]).decks)
    store.learner_id = store.add_learner("Siti").id
    rng = random.Random(offset_minutes)
    now = clock.now()
    for _ in range(400):
        card = rng.randint(1, 60)
        answered = now - timedelta(days=rng.uniform(0, 40)) + timedelta(hours=rng.choice([0, 6]))  # some ahead
        answered = answered.replace(microsecond=rng.choice([0, 999_000]))
        before = rng.choice([None, review_card(card, interval_days=rng.choice([5, 20.99, 21, 30]),
                                               reviewed=answered - timedelta(days=40))])
        add_review(store, card, answered, rng.choice(list(Rating)), before)
    for card in range(1, 61, 2):
        add_state(store, card, State.Review, now + timedelta(days=rng.uniform(-5, 35), minutes=rng.randint(0, 59)))
    elsewhere = timezone(timedelta(minutes=offset_minutes + 60))  # days counted in another zone: not used
    store.use_study_days(StudyDays(zone if roll_up else elsewhere, NO_FUZZ.day_starts_at))
    result = stats(store, clock)

    hour = NO_FUZZ.day_starts_at
    today = study_date(now, zone, hour)
    end = datetime.combine(today + timedelta(days=1), datetime.min.time(), zone) + timedelta(hours=hour)
    history = store.review_history(store.learner_id, until=end)
    per_day = Counter(study_date(from_ms(r["answered_at"]), zone, hour) for r in history)
    assert result.daily == dict(per_day)
    assert (result.retention, result.retention_reviews) == true_retention(history, zone, hour)
    assert result.retention_reviews > 20
    forecast = [0] * 30
    for (due,) in store.db.execute("SELECT due FROM card_states WHERE learner_id = ?", [store.learner_id]):
        offset = (study_date(datetime.fromisoformat(due), zone, hour) - today).days
        if offset < 30:
            forecast[max(0, offset)] += 1
    assert result.forecast == forecast
    assert sum(forecast) > 10
    store.close()
