"""Opening what every command needs: the database and the decks, synced."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .clock import Clock
from .decks import Problem, load_decks
from .scheduling import day_start
from .store import DailyBackup, Store


@dataclass(frozen=True)
class ReloadReport:
    """What reloading the deck files changed: deck ids added, updated (content changed) and no longer
    loaded, and the problems of files skipped (several per file: group them by `Problem.path`)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


@dataclass
class Workspace:
    store: Store
    clock: Clock
    deck_ids: list[str]
    problems: list[Problem] = field(default_factory=list)
    # What the person starting the app should know about the database (see Store.warnings).
    warnings: list[str] = field(default_factory=list)
    # Today's rotating backup, when this process made (or is making, in a thread) it.
    backup: DailyBackup | None = None
    # Where the decks were loaded from, to load them again (`reload`).
    deck_dirs: list[Path] = field(default_factory=list)

    @property
    def skipped(self) -> list[str]:
        return sorted({p.path for p in self.problems})

    def reload(self) -> ReloadReport:
        """Load the deck files again and sync what changed (a trainer edited a deck while the app ran).

        Files whose content the database already holds are only hashed. A session in progress keeps
        working: a card retired by the reload is skipped when its turn comes. Raises StoreError when
        the database cannot be written.
        """
        with self.store.explained():
            result = load_decks(self.deck_dirs, known=self.store.deck_sources())
        updated = set(self.store.sync_decks(result.decks))
        before = set(self.deck_ids)
        report = ReloadReport(
            added=[d for d in result.deck_ids if d not in before],
            updated=[d for d in result.deck_ids if d in before and d in updated],
            removed=[d for d in self.deck_ids if d not in set(result.deck_ids)],
            skipped=list(result.problems),
        )
        self.deck_ids = list(result.deck_ids)
        self.problems = list(result.problems)
        return report


def open_workspace(db_path: Path, deck_dirs: list[Path], clock: Clock) -> Workspace:
    """Open (or create) the database and bring it in line with the deck files.

    Raises StoreError when the database cannot be used; bad decks never raise.
    """
    store = Store(db_path, clock)
    try:
        with store.explained():
            result = load_decks(deck_dirs, known=store.deck_sources())
        store.sync_decks(result.decks)
    except BaseException:
        store.close()
        raise
    # The first process of the study day copies the database (see store/backup.py); a failed copy is a warning.
    backup = store.daily_backup(day_start(clock.now(), clock.tz))
    return Workspace(store, clock, result.deck_ids, result.problems, warnings=list(store.warnings), backup=backup,
                     deck_dirs=list(deck_dirs))
