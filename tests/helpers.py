"""Deck files made on the fly for tests."""

from __future__ import annotations

from pathlib import Path

import yaml


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
