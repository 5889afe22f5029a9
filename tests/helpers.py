"""Deck files made on the fly for tests, and the command line run in process."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner, Result

from vocab_tui.cli import build_cli

# Settings from the environment that would steer a command away from what a test gives it.
COMMAND_ENV = ("VOCAB_TUI_DB", "VOCAB_TUI_DECKS", "VOCAB_TUI_LANG")


def invoke(args: list[str]) -> Result:
    """Run `vocab-tui ARGS` in English in this process (clear COMMAND_ENV first: see `clean_env`)."""
    return CliRunner().invoke(build_cli(), ["--lang", "en", *args])


def write_deck(folder: Path, deck_id: str, n: int, *, title: str | None = None, skip: set[int] = frozenset(),
               edits: dict[int, str] | None = None) -> Path:
    """A valid deck of `n` numbered cards (`word0`, `word1`, ...), written to folder/<deck_id>.yaml."""
    edits = edits or {}
    cards = [
        {
            "term": f"word{i}",
            "translation": edits.get(i, f"kata{i}"),
            "definition": f"Meaning number {i}.",
            "example": f"We use word{i} at the office.",
        }
        for i in range(n)
        if i not in skip
    ]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{deck_id}.yaml"
    path.write_text(
        yaml.safe_dump({"deck": {"id": deck_id, "title": title or deck_id.title()}, "cards": cards},
                       allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return path


def almost_a_leech(store, clock, learner_id: int, deck_id: str = "mini") -> int:
    """The learner's first card of `deck_id`, due an hour ago and forgotten seven times: one more lapse
    makes it a leech. Its history is written through `record_answer`, as real answers are."""
    from datetime import timedelta

    from fsrs import Card as FSRSCard
    from fsrs import State

    from vocab_tui.models import Answer

    pk = store.new_cards(learner_id, deck_id, 1)[0]
    card = FSRSCard(card_id=pk, state=State.Review, stability=3, difficulty=8,
                    due=clock.now() - timedelta(hours=1), last_review=clock.now() - timedelta(days=3))
    then = clock.now() - timedelta(days=3)
    store.record_answer(Answer(learner_id, pk, 3, then, 1000, "recognition", None, card))
    for _ in range(7):  # seven lapses, each back into review
        store.record_answer(Answer(learner_id, pk, 1, then, 1000, "recognition", card, card))
    return pk
