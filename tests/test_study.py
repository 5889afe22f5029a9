from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fsrs import Card as FSRSCard
from fsrs import Rating, State

from vocab_tui.clock import FixedClock, to_ms
from vocab_tui.decks import load_decks
from vocab_tui.models import Answer
from vocab_tui.modes import Mode
from vocab_tui.progress import home_counts
from vocab_tui.scheduling import SchedulerSettings, day_end
from vocab_tui.store import StaleCardError, Store, StoreError
from vocab_tui.store.schema import mode_name
from vocab_tui.study import StudySession

from .conftest import NO_FUZZ
from .helpers import write_deck

WIB = timezone(timedelta(hours=7), "WIB")
LEECHY = SchedulerSettings(enable_fuzzing=False, leech_threshold=3)


def at(local: str) -> datetime:
    return datetime.fromisoformat(local).replace(tzinfo=WIB).astimezone(timezone.utc)


def make_store(tmp_path: Path, clock: FixedClock, **decks: int) -> Store:
    folder = tmp_path / "decks"
    for deck_id, n in decks.items():
        write_deck(folder, deck_id, n)
    store = Store(tmp_path / "v.db", clock)
    store.sync_decks(load_decks([folder]).decks)
    return store


@pytest.fixture
def office(tmp_path, clock):
    store = make_store(tmp_path, clock, office=5)
    yield store
    store.close()


def start(store: Store, learner, clock, decks=("office",), settings=NO_FUZZ, mode=Mode.RECOGNITION, **kw):
    return StudySession(store, store.learner(learner.id), list(decks), clock, settings, mode=mode,
                        rng=random.Random(7), **kw)


def study_all(store, learner, clock, grade=lambda card: Rating.Good, **kw):
    """Answer everything the session has now; returns the cards shown, in order."""
    session = start(store, learner, clock, **kw)
    shown = []
    while (card := session.next_card()) is not None:
        shown.append(card)
        clock.advance(seconds=5)
        session.answer(grade(card))
    return shown


def terms(cards) -> list[str]:
    return [c.card.term for c in cards]


def state_rows(store: Store) -> list[dict]:
    return [dict(r) for r in store.db.query("SELECT * FROM card_states ORDER BY learner_id, card_pk")]


def review_rows(store: Store) -> list[dict]:
    """The review log as stored, with each answer's study mode by name (the log keeps its number)."""
    return [{**r, "mode": mode_name(r["mode"])} for r in store.db.query("SELECT * FROM reviews ORDER BY id")]


def pk_of(store: Store, term: str) -> int:
    return store.db.execute("SELECT pk FROM cards WHERE term = ?", [term]).fetchone()[0]


# -- undo ---------------------------------------------------------------------------------------


def test_undo_twice_puts_the_database_and_the_session_back_as_after_the_first_answer(office, clock):
    learner = office.add_learner("Siti")
    first_day = start(office, learner, clock)
    for _ in range(3):  # word0..word2 go straight to review
        first_day.next_card()
        first_day.answer(Rating.Easy)
    clock.advance(days=9)

    session = start(office, learner, clock)
    r1 = session.next_card()
    clock.advance(seconds=5)
    session.answer(Rating.Good)
    states_after_first = state_rows(office)
    reviews_after_first = review_rows(office)

    r2 = session.next_card()
    clock.advance(seconds=6)
    lapse = session.answer(Rating.Again)
    r3 = session.next_card()
    clock.advance(seconds=7)
    session.answer(Rating.Good)
    following = session.next_card()  # on screen when the learner presses undo
    assert not any(c.is_new for c in (r1, r2, r3))
    assert following is not None and following.is_new
    assert lapse.after.state == State.Relearning
    assert office.lapses(learner.id, r2.pk) == 1
    assert (session.studied, session.remembered, session.time_ms) == (3, 2, 18_000)
    assert len(review_rows(office)) == len(reviews_after_first) + 2

    assert session.undo().pk == r3.pk
    restored = session.undo()

    assert state_rows(office) == states_after_first
    assert review_rows(office) == reviews_after_first
    assert office.lapses(learner.id, r2.pk) == 0
    assert restored is session.current
    assert restored.pk == r2.pk
    assert restored.state == r2.state
    assert restored.state.state == State.Review
    assert (session.studied, session.remembered, session.time_ms) == (1, 1, 5_000)

    # The restored card is answered again; then the cards that had come after it, in order.
    clock.advance(seconds=4)
    session.answer(Rating.Good)
    again_r3 = session.next_card()
    assert again_r3.pk == r3.pk
    assert again_r3.state == r3.state
    clock.advance(seconds=4)
    session.answer(Rating.Good)
    assert session.next_card().pk == following.pk
    assert (session.studied, session.remembered) == (3, 3)


def test_undoing_a_new_card_s_first_answer_forgets_the_card_was_ever_studied(office, clock):
    learner = office.add_learner("Budi")
    before = home_counts(office, office.learner(learner.id), ["office"], clock, NO_FUZZ)
    session = start(office, learner, clock)
    card = session.next_card()
    assert card.is_new
    clock.advance(seconds=3)
    session.answer(Rating.Good)
    assert office.card_state(learner.id, card.pk) is not None
    assert session.can_undo

    restored = session.undo()

    assert office.card_state(learner.id, card.pk) is None
    assert state_rows(office) == []
    assert review_rows(office) == []
    assert restored is session.current and restored.pk == card.pk and restored.is_new
    assert (session.studied, session.remembered, session.time_ms) == (0, 0, 0)
    assert not session.can_undo
    assert session.undo() is None
    after = home_counts(office, office.learner(learner.id), ["office"], clock, NO_FUZZ)
    assert after.total.new == before.total.new == 5
    assert after.today.new_studied == 0
    # The taken-back answer is no longer in the learning queue: the card comes once, now.
    clock.advance(seconds=3)
    session.answer(Rating.Easy)
    later = []
    while (nxt := session.next_card()) is not None:
        later.append(nxt.pk)
        session.answer(Rating.Easy)
    assert len(later) == 4
    assert card.pk not in later


def test_undo_after_a_lapse_restores_the_review_state_and_the_lapse_count(office, clock):
    learner = office.add_learner("Dewi")
    session = start(office, learner, clock, decks=("office",))
    card = session.next_card()
    session.answer(Rating.Easy)
    pk = card.pk
    # A first lapse and recovery, so that the count to restore is not zero.
    clock.current = office.card_state(learner.id, pk).due + timedelta(hours=1)
    session = start(office, learner, clock)
    assert session.next_card().pk == pk
    session.answer(Rating.Again)
    clock.advance(minutes=11)
    assert session.next_card().pk == pk
    session.answer(Rating.Good)
    assert office.card_state(learner.id, pk).state == State.Review
    assert office.lapses(learner.id, pk) == 1

    clock.current = office.card_state(learner.id, pk).due + timedelta(hours=1)
    session = start(office, learner, clock)
    shown = session.next_card()
    assert shown.pk == pk
    before = state_rows(office)
    session.answer(Rating.Again)
    assert office.lapses(learner.id, pk) == 2
    assert office.card_state(learner.id, pk).state == State.Relearning

    session.undo()
    assert office.lapses(learner.id, pk) == 1
    assert office.card_state(learner.id, pk) == shown.state
    assert state_rows(office) == before
    assert session.current.state.state == State.Review


def test_a_new_session_cannot_undo_an_earlier_session_s_answers(office, clock):
    learner = office.add_learner("Eka")
    study_all(office, learner, clock)
    session = start(office, learner, clock)
    assert not session.can_undo
    assert session.undo() is None
    assert len(review_rows(office)) > 0


def test_undoing_two_answers_to_the_same_card_does_not_bring_it_back_twice(tmp_path, clock):
    store = make_store(tmp_path, clock, pair=2)
    learner = store.add_learner("Rina")
    session = start(store, learner, clock, decks=("pair",))
    word0 = session.next_card()
    session.answer(Rating.Again)  # learning again in a minute
    clock.advance(seconds=61)
    assert session.next_card().pk == word0.pk
    session.answer(Rating.Good)
    word1 = session.next_card()
    assert word1.pk != word0.pk

    session.undo()
    restored = session.undo()
    assert restored.pk == word0.pk and restored.is_new
    clock.advance(seconds=3)
    session.answer(Rating.Good)  # learning again in ten minutes

    shown = session.next_card()
    assert shown.pk == word1.pk  # the card that had come next, not word0 straight away again
    clock.advance(seconds=3)
    session.answer(Rating.Good)
    nxt = session.next_card()
    assert nxt.pk == word0.pk
    assert nxt.state == store.card_state(learner.id, word0.pk)


# -- leeches ------------------------------------------------------------------------------------


def lapse_once(store, learner, clock, pk):
    """Study the card until it is in review, wait until it is due, and forget it."""
    session = start(store, learner, clock, decks=("solo",), settings=LEECHY)
    while (card := session.next_card()) is not None and (card.state is None or card.state.state != State.Review):
        session.answer(Rating.Good)
        clock.advance(minutes=11)
    if card is None:
        clock.current = store.card_state(learner.id, pk).due + timedelta(minutes=1)
        session = start(store, learner, clock, decks=("solo",), settings=LEECHY)
        card = session.next_card()
    assert card.pk == pk and card.state.state == State.Review
    clock.advance(seconds=5)
    return session, session.answer(Rating.Again)


@pytest.fixture
def solo(tmp_path, clock):
    store = make_store(tmp_path, clock, solo=1)
    yield store
    store.close()


def test_a_card_becomes_a_leech_at_its_third_lapse_and_can_be_suspended(solo, clock):
    learner = solo.add_learner("Siti")
    pk = pk_of(solo, "word0")
    results = []
    for _ in range(3):
        session, answered = lapse_once(solo, learner, clock, pk)
        results.append(answered.became_leech)
    assert results == [False, False, True]
    assert solo.lapses(learner.id, pk) == 3

    session.suspend_last()
    assert solo.is_suspended(learner.id, pk)
    clock.advance(minutes=30)  # its relearning step has passed
    assert session.next_card() is None
    clock.advance(days=30)
    assert solo.card_state(learner.id, pk).due < clock.now()  # it would be due by now
    assert start(solo, learner, clock, decks=("solo",), settings=LEECHY).next_card() is None


def test_a_lapse_below_the_threshold_is_not_a_leech_and_keeps_coming(solo, clock):
    learner = solo.add_learner("Budi")
    pk = pk_of(solo, "word0")
    session, answered = lapse_once(solo, learner, clock, pk)
    assert not answered.became_leech
    assert solo.lapses(learner.id, pk) == 1
    clock.advance(minutes=11)
    assert session.next_card().pk == pk


def test_a_fourth_lapse_is_still_a_leech(solo, clock):
    learner = solo.add_learner("Dewi")
    pk = pk_of(solo, "word0")
    flags = [lapse_once(solo, learner, clock, pk)[1].became_leech for _ in range(4)]
    assert flags == [False, False, True, True]
    assert solo.lapses(learner.id, pk) == 4


def test_a_suspended_leech_is_not_counted_as_learning_on_the_home_screen(solo, clock):
    learner = solo.add_learner("Eka")
    pk = pk_of(solo, "word0")
    for _ in range(3):
        session, answered = lapse_once(solo, learner, clock, pk)
    assert answered.became_leech
    session.suspend_last()
    counts = home_counts(solo, solo.learner(learner.id), ["solo"], clock, LEECHY).total
    assert (counts.new, counts.learning, counts.due) == (0, 0, 0)


def test_a_suspended_leech_is_not_counted_as_due_tomorrow_in_the_summary(solo, clock):
    learner = solo.add_learner("Rina")
    pk = pk_of(solo, "word0")
    for _ in range(3):
        session, answered = lapse_once(solo, learner, clock, pk)
    session.suspend_last()
    summary = session.summary()
    assert summary.learning_later == 0
    assert summary.due_tomorrow == 0


def test_undo_after_suspending_a_leech_takes_back_the_lapse_and_the_suspend(solo, clock):
    learner = solo.add_learner("Agus")
    pk = pk_of(solo, "word0")
    for _ in range(3):
        session, answered = lapse_once(solo, learner, clock, pk)
    assert answered.became_leech
    reviews = len(review_rows(solo))
    session.suspend_last()
    assert solo.is_suspended(learner.id, pk)
    card = session.undo()
    assert card.pk == pk and card.state.state == State.Review
    assert solo.card_flags(learner.id, pk) is None
    assert solo.lapses(learner.id, pk) == 2
    assert len(review_rows(solo)) == reviews - 1
    assert session.studied == 0 and not session.can_undo


def test_an_answer_and_the_suspend_that_came_with_it_are_undone_together_or_not_at_all(solo, clock, monkeypatch):
    learner = solo.add_learner("Wati")
    pk = pk_of(solo, "word0")
    for _ in range(3):
        session, answered = lapse_once(solo, learner, clock, pk)
    session.suspend_last()
    reviews = len(review_rows(solo))

    def fails(*_args):
        raise StoreError("the disk holding the database is full")

    monkeypatch.setattr(solo, "restore_card_flags", fails)
    with pytest.raises(StoreError):
        session.undo()
    # The flags could not be put back, so the answer was not taken back either.
    assert len(review_rows(solo)) == reviews and solo.lapses(learner.id, pk) == 3
    assert solo.is_suspended(learner.id, pk) and session.can_undo


def test_undo_puts_back_the_flags_a_card_had_before(office, clock):
    learner = office.add_learner("Sari")
    session = start(office, learner, clock)
    card = session.next_card()
    session.answer(Rating.Good)
    session.bury_last()
    buried = office.card_flags(learner.id, card.pk)
    session.suspend_last()  # both came with the one answer: undo takes both back
    assert office.card_flags(learner.id, card.pk).suspended
    session.undo()
    assert office.card_flags(learner.id, card.pk) is None and buried is not None
    assert office.card_state(learner.id, card.pk) is None


def test_suspend_and_bury_without_an_answer_are_undone_in_turn(office, clock):
    learner = office.add_learner("Tono")
    session = start(office, learner, clock)
    first = session.next_card()
    second = session.suspend_current()
    third = session.bury_current()
    assert office.is_suspended(learner.id, first.pk)
    assert office.card_flags(learner.id, second.pk).buried_until == day_end(clock.now(), clock.tz, 4)
    assert session.last_put_away.pk == second.pk and not session.undo_is_answer
    assert session.undo().pk == second.pk
    assert office.card_flags(learner.id, second.pk) is None
    assert session.undo().pk == first.pk
    assert office.card_flags(learner.id, first.pk) is None
    assert review_rows(office) == []
    shown = [first]
    while session.current is not None:
        session.answer(Rating.Easy)
        if session.next_card() is not None:
            shown.append(session.current)
    assert terms(shown) == ["word0", "word1", "word2", "word3", "word4"]  # the order is as before
    assert third.pk == shown[2].pk


def test_a_suspended_leech_is_not_shown_again_in_its_session(solo, clock):
    learner = solo.add_learner("Wati")
    pk = pk_of(solo, "word0")
    for _ in range(3):
        session, answered = lapse_once(solo, learner, clock, pk)
    session.suspend_last()
    assert session.next_card() is None  # its relearning step is near, but it is put away
    assert session.remaining == 0


# -- suspending and burying ---------------------------------------------------------------------


def test_a_suspended_card_leaves_this_session_and_every_later_one(office, clock):
    learner = office.add_learner("Siti")
    session = start(office, learner, clock)
    first = session.next_card()
    assert first.card.term == "word0"
    nxt = session.suspend_current()
    assert nxt is session.current and nxt.card.term == "word1"
    shown = [nxt]
    while session.current is not None:
        clock.advance(seconds=5)
        session.answer(Rating.Good)
        clock.advance(minutes=11)
        if session.next_card() is not None:
            shown.append(session.current)
    assert "word0" not in terms(shown)
    assert set(terms(shown)) == {"word1", "word2", "word3", "word4"}
    assert office.card_state(learner.id, first.pk) is None
    for day in range(1, 40, 3):
        clock.current = at("2026-11-02 09:00") + timedelta(days=day)
        assert "word0" not in terms(study_all(office, learner, clock))


def test_a_suspended_new_card_is_not_counted_as_new_on_the_home_screen(office, clock):
    learner = office.add_learner("Budi")

    def new_count():
        counts = home_counts(office, office.learner(learner.id), ["office"], clock, NO_FUZZ)
        assert counts.decks[0].new == counts.total.new
        return counts.total.new

    assert new_count() == 5
    session = start(office, learner, clock)
    session.next_card()
    session.suspend_current()
    assert new_count() == 4
    clock.advance(days=2)
    assert new_count() == 4


def test_a_buried_card_comes_back_on_the_next_study_day(office, clock):
    learner = office.add_learner("Dewi")

    def new_count():
        return home_counts(office, office.learner(learner.id), ["office"], clock, NO_FUZZ).total.new

    session = start(office, learner, clock)
    assert session.next_card().card.term == "word0"
    nxt = session.bury_current()
    assert nxt.card.term == "word1"
    assert new_count() == 4
    shown = [nxt]
    session.answer(Rating.Easy)
    while (card := session.next_card()) is not None:
        shown.append(card)
        session.answer(Rating.Easy)
    assert terms(shown) == ["word1", "word2", "word3", "word4"]

    clock.current = at("2026-11-03 03:59")  # still the same study day
    assert study_all(office, learner, clock) == []
    assert new_count() == 0
    clock.current = at("2026-11-03 04:00")  # a new study day
    assert new_count() == 1
    assert terms(study_all(office, learner, clock, grade=lambda card: Rating.Easy)) == ["word0"]


def test_a_buried_review_card_waits_until_the_next_study_day(office, clock):
    learner = office.add_learner("Eka")
    study_all(office, learner, clock, grade=lambda card: Rating.Easy)  # all five in review
    clock.current = at("2026-11-12 09:00")  # all due
    session = start(office, learner, clock)
    buried = session.next_card()
    assert not buried.is_new
    session.bury_current()
    rest = [session.current]
    session.answer(Rating.Good)
    while (card := session.next_card()) is not None:
        rest.append(card)
        session.answer(Rating.Good)
    assert len(rest) == 4 and buried.pk not in [c.pk for c in rest]
    clock.current = at("2026-11-12 22:00")
    assert study_all(office, learner, clock) == []
    clock.current = day_end(clock.now(), clock.tz)
    assert [c.pk for c in study_all(office, learner, clock)] == [buried.pk]


# -- more today ---------------------------------------------------------------------------------


def test_extra_new_cards_after_the_daily_limit(tmp_path, clock):
    store = make_store(tmp_path, clock, big=40)
    learner = store.add_learner("Siti")
    easy = lambda card: Rating.Easy  # noqa: E731 - straight to review, so nothing else comes back today
    first = study_all(store, learner, clock, grade=easy, decks=("big",))
    assert len(first) == 20 and all(c.is_new for c in first)
    assert study_all(store, learner, clock, grade=easy, decks=("big",)) == []

    more = study_all(store, learner, clock, grade=easy, decks=("big",), extra_new=5)
    assert terms(more) == [f"word{i}" for i in range(20, 25)]
    assert all(c.is_new for c in more)
    assert study_all(store, learner, clock, grade=easy, decks=("big",)) == []


def test_reviewing_ahead_brings_reviews_due_within_the_week(tmp_path, clock):
    store = make_store(tmp_path, clock, ahead=6)
    learner = store.add_learner("Budi")
    session = start(store, learner, clock, decks=("ahead",))
    while (card := session.next_card()) is not None:
        clock.advance(seconds=5)
        # word0..word2: Good twice (review in 2 days); word3..word5: Easy (review in 8 days).
        session.answer(Rating.Good if card.card.term in ("word0", "word1", "word2") else Rating.Easy)
        clock.advance(minutes=11)
    states = {pk: store.card_state(learner.id, pk) for pk in (pk_of(store, f"word{i}") for i in range(6))}
    assert all(s.state == State.Review for s in states.values())

    assert study_all(store, learner, clock, decks=("ahead",)) == []
    one_day = study_all(store, learner, clock, decks=("ahead",), review_ahead_days=1)
    assert one_day == []
    week = start(store, learner, clock, decks=("ahead",), review_ahead_days=7)
    shown = []
    while (card := week.next_card()) is not None:
        shown.append(card)
        assert not card.is_new and card.state == states[card.pk]
        week.answer(Rating.Good)
    assert sorted(terms(shown)) == ["word0", "word1", "word2"]


def test_reviewing_ahead_brings_no_new_cards(office, clock):
    learner = office.add_learner("Budi")
    assert start(office, learner, clock, review_ahead_days=7).next_card() is None
    ordinary = start(office, learner, clock)
    assert ordinary.next_card().is_new


def test_the_summary_counts_the_cards_still_waiting(office, clock):
    learner = office.add_learner("Rina")
    session = start(office, learner, clock)
    session.next_card()
    assert session.summary().left == 5 and session.summary().studied == 0


# -- modes as recorded --------------------------------------------------------------------------


def test_a_typed_session_records_every_answer_as_typed(office, clock):
    learner = office.add_learner("Siti")
    shown = study_all(office, learner, clock, grade=lambda card: Rating.Again if card.is_new else Rating.Good,
                      mode=Mode.TYPED)
    assert all(c.mode == Mode.TYPED for c in shown)
    rows = review_rows(office)
    assert len(rows) == len(shown) == 15  # each card new, then twice in learning
    assert {r["mode"] for r in rows} == {"typed"}


def test_a_mixed_session_asks_a_new_card_as_multiple_choice(office, clock):
    learner = office.add_learner("Budi")
    session = start(office, learner, clock, mode=Mode.MIXED)
    card = session.next_card()
    assert card.is_new
    assert card.mode == Mode.CHOICE
    assert len(card.options) == 4
    assert card.card in card.options
    assert len({o.translation for o in card.options}) == 4
    session.answer(Rating.Good)
    assert review_rows(office)[-1]["mode"] == "choice"
    clock.advance(minutes=11)
    learning = session.next_card()
    assert learning.pk == card.pk and learning.state.state == State.Learning
    assert learning.mode == Mode.RECOGNITION
    session.answer(Rating.Good)
    assert review_rows(office)[-1]["mode"] == "recognition"


def test_a_mixed_session_falls_back_to_recognition_when_the_deck_is_too_small(tmp_path, clock):
    store = make_store(tmp_path, clock, small=3)
    learner = store.add_learner("Dewi")
    session = start(store, learner, clock, decks=("small",), mode=Mode.MIXED)
    card = session.next_card()
    assert card.is_new
    assert card.mode == Mode.RECOGNITION
    assert card.options == ()
    session.answer(Rating.Good)
    assert review_rows(store)[-1]["mode"] == "recognition"


def test_a_mixed_session_asks_a_young_review_card_in_production(office, clock):
    learner = office.add_learner("Eka")
    study_all(office, learner, clock)  # Good, Good: in review with a stability of about 2 days
    clock.advance(days=3)
    session = start(office, learner, clock, mode=Mode.MIXED)
    card = session.next_card()
    assert card.state.state == State.Review and card.state.stability < 4
    assert card.mode == Mode.PRODUCTION
    session.answer(Rating.Good)
    assert review_rows(office)[-1]["mode"] == "production"


# -- the same learner on two screens ---------------------------------------------------------------


@pytest.fixture
def two_screens(tmp_path, clock):
    """Two Store objects (two connections, as two terminals) on one file, one learner."""
    a = make_store(tmp_path, clock, office=5)
    b = Store(a.path, clock)
    learner = a.add_learner("Rina")
    yield a, b, learner
    b.close()
    a.close()


def study_on(store: Store, learner, clock, pk: int, rating: Rating) -> None:
    """Another screen opens a session now and answers card `pk`, which it shows first."""
    session = start(store, learner, clock)
    assert session.next_card().pk == pk
    clock.advance(seconds=5)
    session.answer(rating)


def stored_row(store: Store, learner, pk: int) -> dict:
    return next(r for r in state_rows(store) if r["learner_id"] == learner.id and r["card_pk"] == pk)


def test_a_stale_answer_is_applied_to_the_newest_progress_never_over_it(two_screens, clock):
    a, b, learner = two_screens
    earlier = start(a, learner, clock)  # terminal A builds its queue: word0 is new in it
    pk = pk_of(a, "word0")
    study_on(b, learner, clock, pk, Rating.Easy)
    while b.card_state(learner.id, pk).stability < 20:  # terminal B studies it over the weeks
        clock.current = b.card_state(learner.id, pk).due + timedelta(hours=1)
        study_on(b, learner, clock, pk, Rating.Good)
    newest = b.card_state(learner.id, pk)
    assert newest.state == State.Review and newest.stability >= 20
    row_before = stored_row(a, learner, pk)
    log_before = len(review_rows(a))

    shown = earlier.next_card()
    assert shown.pk == pk and shown.is_new  # A still thinks the card is new
    clock.advance(seconds=5)
    answered = earlier.answer(Rating.Good)

    assert answered.rebased
    stored = a.card_state(learner.id, pk)
    assert stored.state == State.Review
    assert stored.stability >= newest.stability >= 20  # Good on a 20-day card, not on a new card (~2 days)
    assert answered.after.stability == stored.stability
    assert stored_row(a, learner, pk)["reps"] == row_before["reps"] + 1
    log = review_rows(a)
    assert len(log) == log_before + 1
    assert log[-1]["state_before"] == int(State.Review)
    # The state it was applied to is the one B's answer left (the log chains each answer to the previous one).
    previous = [r for r in log if r["card_pk"] == pk][-2]
    assert (previous["stability"], previous["due"]) == (newest.stability, to_ms(newest.due))
    # Undo in A takes back only A's answer: the card is shown again as B left it, not as new.
    restored = earlier.undo()
    assert restored.pk == pk and restored.state == newest and not restored.is_new
    assert a.card_state(learner.id, pk) == newest
    assert stored_row(a, learner, pk) == row_before


def test_without_a_way_to_recompute_a_stale_answer_is_refused_and_nothing_is_written(two_screens, clock):
    a, b, learner = two_screens
    pk = pk_of(a, "word0")
    study_on(b, learner, clock, pk, Rating.Good)
    states, log = state_rows(a), review_rows(a)
    after = FSRSCard(card_id=pk, due=clock.now())
    with pytest.raises(StaleCardError, match="another screen") as caught:
        a.record_answer(Answer(learner.id, pk, 3, clock.now(), 1000, "recognition", None, after))
    assert caught.value.current == b.card_state(learner.id, pk)
    assert (state_rows(a), review_rows(a)) == (states, log)


def test_a_stale_again_counts_a_lapse_only_if_the_stored_card_was_in_review(two_screens, clock):
    a, b, learner = two_screens
    pk = pk_of(a, "word0")
    study_on(b, learner, clock, pk, Rating.Easy)
    clock.current = b.card_state(learner.id, pk).due + timedelta(hours=1)
    earlier = start(a, learner, clock)  # A holds the card in review
    assert earlier.next_card().state.state == State.Review
    study_on(b, learner, clock, pk, Rating.Again)  # B: the lapse, then relearning
    assert (b.lapses(learner.id, pk), b.card_state(learner.id, pk).state) == (1, State.Relearning)

    clock.advance(seconds=5)
    answered = earlier.answer(Rating.Again)  # forgetting a card in relearning is no new lapse

    assert answered.rebased and not answered.became_leech
    assert a.lapses(learner.id, pk) == 1
    assert review_rows(a)[-1]["state_before"] == int(State.Relearning)
    assert a.card_state(learner.id, pk).state == State.Relearning


def test_undo_is_refused_once_the_card_was_studied_elsewhere_and_the_answer_before_still_undoes(
    two_screens, clock
):
    a, b, learner = two_screens
    session = start(a, learner, clock)
    first = session.next_card()
    clock.advance(seconds=5)
    session.answer(Rating.Easy)
    second = session.next_card()
    clock.advance(seconds=5)
    session.answer(Rating.Good)  # in learning, again in 10 minutes
    clock.advance(minutes=11)
    study_on(b, learner, clock, second.pk, Rating.Good)  # B takes it up first
    states, log = state_rows(a), review_rows(a)

    with pytest.raises(StaleCardError, match="studied again"):
        session.undo()

    assert (state_rows(a), review_rows(a)) == (states, log)  # B's progress stays
    assert (session.studied, session.remembered) == (2, 2)
    assert session.can_undo  # the answer before it, on a card nobody touched since, still undoes
    restored = session.undo()
    assert restored.pk == first.pk and restored.is_new
    assert a.card_state(learner.id, first.pk) is None
    assert a.card_state(learner.id, second.pk) == b.card_state(learner.id, second.pk) is not None
    assert [r["card_pk"] for r in review_rows(a)] == [second.pk, second.pk]
    assert not session.can_undo and (session.studied, session.remembered) == (1, 1)


def test_undo_still_works_when_the_other_screen_studied_other_cards(two_screens, clock):
    a, b, learner = two_screens
    session = start(a, learner, clock)
    mine = session.next_card()
    clock.advance(seconds=5)
    session.answer(Rating.Good)
    study_on(b, learner, clock, pk_of(b, "word1"), Rating.Good)  # word0 is in A's hands, B starts at word1
    theirs = stored_row(a, learner, pk_of(a, "word1"))

    restored = session.undo()

    assert restored.pk == mine.pk and restored.is_new
    assert a.card_state(learner.id, mine.pk) is None
    assert [r["card_pk"] for r in review_rows(a)] == [pk_of(a, "word1")]
    assert stored_row(a, learner, pk_of(a, "word1")) == theirs


def test_an_answer_graded_seconds_after_the_reveal_stays_the_cards_own_progress(office, clock):
    """The grades are worked out when the answer is revealed; the learner presses one seconds later.

    The card's last review is the moment of the answer, as the log keeps it: otherwise undo took
    the answer for progress made on another screen and refused, and the card's next answer was
    "rebased" as if studied elsewhere (both found by bench/load.py's log check).
    """
    learner = office.add_learner("Siti", "Diskominfo")
    session = start(office, learner, clock)
    card = session.next_card()
    session.intervals()  # the answer is revealed: the four grades are worked out now
    clock.advance(seconds=4)
    first = session.answer(Rating.Again)
    review = office.reviews(learner.id)[-1]
    state = office.due_states(learner.id, ["office"], (State.Learning,), clock.now() + timedelta(days=1))
    assert [to_ms(s.last_review) for s in state if s.card_id == card.pk] == [review["answered_at"]]
    assert first.after.last_review == clock.now()

    clock.advance(minutes=2)  # the learning step has passed: the same card again
    while (again := session.next_card()) is not None and again.pk != card.pk:
        session.answer(Rating.Good)
    assert again is not None
    session.intervals()
    clock.advance(seconds=3)
    assert not session.answer(Rating.Good).rebased
    assert session.undo() is not None  # taken back, not refused as studied elsewhere
    assert [r["id"] for r in office.reviews(learner.id)].count(first.review_id) == 1
