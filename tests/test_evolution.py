"""Decks change under learners: edits keep progress, removed cards retire, renamed cards carry progress over."""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

import yaml
from click.testing import CliRunner
from fsrs import Rating

from vocab_tui.cli import build_cli
from vocab_tui.decks import WARNING, check_deck, load_decks, orphaned_progress
from vocab_tui.store import Store
from vocab_tui.study import StudySession

from .conftest import NO_FUZZ
from .helpers import write_deck


def _sync(store: Store, folder: Path) -> list[str]:
    return store.sync_decks(load_decks([folder]).decks)


def _history(store: Store, learner_id: int) -> list[tuple]:
    return [(r["id"], r["rating"], r["answered_at"]) for r in store.reviews(learner_id)]


def _progress(card) -> tuple | None:
    """A card state without its key (the key is the card's, and a renamed card has another)."""
    return None if card is None else (card.state, card.step, card.stability, card.difficulty, card.due,
                                      card.last_review)


def _study(store: Store, learner, clock, deck: str, n: int) -> dict[str, int]:
    session = StudySession(store, learner, [deck], clock, NO_FUZZ, mode="recognition", rng=random.Random(1))
    answered: dict[str, int] = {}
    while len(answered) < n and (card := session.next_card()) is not None:
        session.answer(Rating.Good)
        answered[card.card.id] = card.pk
    return answered


def _renamed(folder: Path, deck_id: str, n: int, renames: dict[int, str], replaces: bool = True) -> None:
    """The numbered deck with card i given the id renames[i] (and `replaces: [word<i>]` when asked)."""
    path = write_deck(folder, deck_id, n)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for i, new_id in renames.items():
        data["cards"][i]["id"] = new_id
        if replaces:
            data["cards"][i]["replaces"] = [f"word{i}"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_edit_remove_restore_keep_the_whole_history(tmp_path, clock):
    folder = tmp_path / "decks"
    write_deck(folder, "office", 5)
    store = Store(tmp_path / "v.db", clock)
    _sync(store, folder)
    budi = store.add_learner("Budi")
    answered = _study(store, budi, clock, "office", 3)
    history = _history(store, budi.id)
    states = {pk: store.card_state(budi.id, pk) for pk in answered.values()}

    write_deck(folder, "office", 5, edits={0: "kata nol (diperbaiki)"})  # edit
    _sync(store, folder)
    assert store.card(answered["word0"]).card.translation == "kata nol (diperbaiki)"
    write_deck(folder, "office", 5, skip={1})  # remove
    _sync(store, folder)
    gone = store.card(answered["word1"])
    assert gone.retired
    assert [c.card.id for c in store.search_cards("word", ["office"])].count("word1") == 0
    assert store.decks(["office"])[0].card_count == 4
    write_deck(folder, "office", 5)  # restore
    _sync(store, folder)
    assert not store.card(answered["word1"]).retired
    assert _history(store, budi.id) == history
    assert {pk: store.card_state(budi.id, pk) for pk in answered.values()} == states


def test_a_renamed_card_carries_its_progress_and_history_over(tmp_path, clock):
    folder = tmp_path / "decks"
    write_deck(folder, "office", 4)
    store = Store(tmp_path / "v.db", clock)
    _sync(store, folder)
    budi, siti = store.add_learner("Budi"), store.add_learner("Siti")
    answered = _study(store, budi, clock, "office", 2)
    _study(store, siti, clock, "office", 1)
    old_pk = answered["word0"]
    state = store.card_state(budi.id, old_pk)
    history = _history(store, budi.id)
    store.db.execute("INSERT INTO card_flags (learner_id, card_pk, suspended) VALUES (?, ?, 1)", [budi.id, old_pk])

    _renamed(folder, "office", 4, {0: "first-word"})
    assert _sync(store, folder) == ["office"]
    new_pk = store.db.execute("SELECT pk FROM cards WHERE card_id = 'first-word'").fetchone()[0]
    assert store.card(old_pk).retired
    assert _progress(store.card_state(budi.id, new_pk)) == _progress(state)
    assert store.card_state(budi.id, old_pk) is None
    assert store.card_state(siti.id, new_pk) is not None
    assert sorted(_history(store, budi.id)) == sorted(history)  # every review kept, now on the new card
    assert {r["card_pk"] for r in store.reviews(budi.id)} == {new_pk, answered["word1"]}
    assert store.db.execute("SELECT suspended FROM card_flags WHERE card_pk = ?", [new_pk]).fetchone() == (1,)
    assert store.card_progress("office") == {"first-word": 2, "word1": 1}

    before = store.db.execute("SELECT * FROM card_states ORDER BY learner_id, card_pk").fetchall()
    write_deck(folder, "office", 4)  # a round trip back and forth moves nothing twice
    _renamed(folder, "office", 4, {0: "first-word"})
    path = folder / "office.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # another hash: synced again
    assert _sync(store, folder) == ["office"]
    assert store.db.execute("SELECT * FROM card_states ORDER BY learner_id, card_pk").fetchall() == before


def test_progress_on_both_cards_keeps_the_newer_state_and_all_reviews(tmp_path, clock):
    folder = tmp_path / "decks"
    write_deck(folder, "office", 3)
    store = Store(tmp_path / "v.db", clock)
    _sync(store, folder)
    budi = store.add_learner("Budi")
    answered = _study(store, budi, clock, "office", 2)  # word0 then word1, both at the clock's time
    clock.advance(minutes=30)
    later = StudySession(store, budi, ["office"], clock, NO_FUZZ, mode="recognition")
    while (card := later.next_card()) is not None and card.card.id != "word1":
        later.answer(Rating.Good)
    assert card is not None
    later.answer(Rating.Easy)  # word1 was reviewed last
    newer = store.card_state(budi.id, answered["word1"])
    count = len(store.reviews(budi.id))

    path = write_deck(folder, "office", 3)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["cards"][0]
    data["cards"][0]["replaces"] = ["word0"]  # word1 takes over word0's progress
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    _sync(store, folder)
    assert _progress(store.card_state(budi.id, answered["word1"])) == _progress(newer)
    assert store.card_state(budi.id, answered["word0"]) is None
    assert len(store.reviews(budi.id)) == count
    assert {r["card_pk"] for r in store.reviews(budi.id)} == {answered["word1"]}


BAD_REPLACES = textwrap.dedent("""\
    deck: {id: office, title: Office}
    cards:
      - term: alpha
        translation: a
        definition: d
        example: alpha here
        replaces: [alpha, beta, Bad_Id]
      - term: beta
        translation: b
        definition: d
        example: beta here
      - term: gamma
        translation: c
        definition: d
        example: gamma here
        replaces: [old-one]
      - term: delta
        translation: d
        definition: d
        example: delta here
        replaces: [old-one]
""")


def test_replaces_is_checked_with_line_and_column(tmp_path):
    path = tmp_path / "office.yaml"
    path.write_text(BAD_REPLACES, encoding="utf-8")
    deck, problems = check_deck(path)
    assert deck is None
    where = [(p.line, p.column) for p in problems]
    text = [p.message for p in problems]
    assert where == [(7, 16), (7, 23), (7, 29), (21, 16)]
    assert "cannot replace itself" in text[0]
    assert "'beta' is still a card of this deck" in text[1]
    assert "'Bad_Id' is not one" in text[2]
    assert "already replaced by card 'gamma'" in text[3]


def test_orphaned_progress_is_a_warning_naming_the_card_and_learners(tmp_path, clock):
    folder = tmp_path / "decks"
    write_deck(folder, "office", 3)
    store = Store(tmp_path / "v.db", clock)
    _sync(store, folder)
    for name in ("Budi", "Siti"):
        _study(store, store.add_learner(name), clock, "office", 3)
    write_deck(folder, "office", 3, skip={0, 1})
    _renamed(folder, "office", 3, {1: "second-word"})
    data = yaml.safe_load((folder / "office.yaml").read_text(encoding="utf-8"))
    del data["cards"][0]
    (folder / "office.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    deck, _problems = check_deck(folder / "office.yaml")
    assert deck is not None
    warnings = orphaned_progress(deck, store.card_progress("office"))
    assert [(w.severity, w.message.split(" but ")[0]) for w in warnings] == [(WARNING, "card 'word0' is gone from deck 'office'")]
    assert "2 learners have progress" in warnings[0].message
    store.close()

    result = CliRunner().invoke(build_cli(), ["decks", "check", str(folder), "--db", str(tmp_path / "v.db"),
                                              "--lang", "en"])
    assert result.exit_code == 0, result.output  # a warning does not fail the check
    assert f"{folder / 'office.yaml'}:1:1: warning: card 'word0' is gone" in result.output


def test_a_card_retired_during_a_session_is_skipped(tmp_path, clock):
    folder = tmp_path / "decks"
    write_deck(folder, "office", 4)
    store = Store(tmp_path / "v.db", clock)
    _sync(store, folder)
    budi = store.add_learner("Budi")
    session = StudySession(store, budi, ["office"], clock, NO_FUZZ, mode="recognition")
    first = session.next_card()
    assert first is not None and first.card.id == "word0"
    write_deck(folder, "office", 4, skip={1})
    _sync(store, folder)
    session.answer(Rating.Good)
    shown = []
    while (card := session.next_card()) is not None and card.card.id not in shown:
        shown.append(card.card.id)
        session.answer(Rating.Good)
    assert "word1" not in shown and {"word2", "word3"} <= set(shown)


def test_decks_list_reads_unchanged_files_from_the_database(tmp_path, clock, monkeypatch):
    folder = tmp_path / "decks"
    write_deck(folder, "office", 3)
    write_deck(folder, "other", 2)
    store = Store(tmp_path / "v.db", clock)
    _sync(store, folder)
    store.close()
    write_deck(folder, "other", 4)  # changed since: parsed again
    parsed = []
    import vocab_tui.decks as decks_module
    real = decks_module.check_deck
    monkeypatch.setattr(decks_module, "check_deck", lambda path, raw=None: parsed.append(Path(path).name)
                        or real(path, raw))
    result = CliRunner().invoke(build_cli(), ["decks", "list", "--decks", str(folder), "--db", str(tmp_path / "v.db"),
                                              "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "other.yaml" in parsed and "office.yaml" not in parsed
    lines = [line.split()[:3] for line in result.output.splitlines()]
    assert ["office", "Office", "3"] in lines and ["other", "Other", "4"] in lines
