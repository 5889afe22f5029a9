"""The schema: forward migrations, and how a file is recognised as a vocab-tui database."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..i18n import _
from .errors import NewerDatabaseError, _damaged, _foreign

if TYPE_CHECKING:  # a migration gets the store's sqlite-utils `db`; opening a current file needs none
    from sqlite_utils import Database

# Marks a SQLite file as a vocab-tui database (PRAGMA application_id): "VocT".
APPLICATION_ID = 0x566F6354


def _schema_v1(db: Database) -> None:
    db["learners"].create(
        {
            "id": int,
            "name": str,
            "unit": str,
            "created_at": str,
            "new_per_day": int,
            "reviews_per_day": int,
            "desired_retention": float,
        },
        pk="id",
        not_null={"name", "unit", "created_at"},
        defaults={"unit": "", "new_per_day": 20, "reviews_per_day": 200, "desired_retention": 0.9},
    )
    db["decks"].create(
        {
            "id": str,
            "title": str,
            "description": str,
            "version": str,
            "source": str,
            "content_hash": str,
            "synced_at": str,
        },
        pk="id",
        not_null={"title"},
    )
    db["cards"].create(
        {
            "pk": int,
            "deck_id": str,
            "card_id": str,
            "position": int,
            "term": str,
            "translation": str,
            "definition": str,
            "example": str,
            "example_translation": str,
            "part_of_speech": str,
            "level": str,
            "tags": str,
            "ipa": str,
            "notes": str,
            "acronym_of": str,
            "retired_at": str,
        },
        pk="pk",
        not_null={"deck_id", "card_id", "term", "translation", "definition", "example"},
        foreign_keys=[("deck_id", "decks", "id")],
    )
    db["cards"].create_index(["deck_id", "card_id"], unique=True)
    db["card_states"].create(
        {
            "learner_id": int,
            "card_pk": int,
            "state": int,
            "step": int,
            "stability": float,
            "difficulty": float,
            "due": str,
            "last_review": str,
            "reps": int,
            "lapses": int,
        },
        pk=("learner_id", "card_pk"),
        not_null={"state", "due"},
        defaults={"reps": 0, "lapses": 0},
        foreign_keys=[("learner_id", "learners", "id"), ("card_pk", "cards", "pk")],
    )
    db["card_states"].create_index(["learner_id", "state", "due"])
    db["card_states"].create_index(["card_pk"])
    db["reviews"].create(
        {
            "id": int,
            "learner_id": int,
            "card_pk": int,
            "rating": int,
            "answered_at": str,
            "duration_ms": int,
            "mode": str,
            "state_before": int,
            "state_after": int,
            "card_before": str,
            "card_after": str,
        },
        pk="id",
        not_null={"learner_id", "card_pk", "rating", "answered_at", "mode", "state_before", "card_after"},
        foreign_keys=[("learner_id", "learners", "id"), ("card_pk", "cards", "pk")],
    )
    db["reviews"].create_index(["learner_id", "answered_at"])
    db["reviews"].create_index(["card_pk"])


def _schema_v2(db: Database) -> None:
    """Suspended and buried cards; each learner's default study mode."""
    db["card_flags"].create(
        {"learner_id": int, "card_pk": int, "suspended": int, "buried_until": str},
        pk=("learner_id", "card_pk"),
        defaults={"suspended": 0},
        foreign_keys=[("learner_id", "learners", "id"), ("card_pk", "cards", "pk")],
    )
    db["learners"].add_column("default_mode", str, not_null_default="mixed")


MATURE_DAYS = 21  # a card shown at an interval of 21 days or more is mature (as in Anki)


def _schema_v3(db: Database) -> None:
    """Indexes for the hot paths, so that their cost does not grow with the size of a deck (issue 13).

    cards(deck_id, position): new cards in deck order and random draws by position, read in index order.
    cards(deck_id, retired_at, part_of_speech, position): active cards counted per deck without reading
    their rows, and random distractors of one part of speech.
    """
    db["cards"].create_index(["deck_id", "position"], index_name="cards_deck_position")
    db["cards"].create_index(["deck_id", "retired_at", "part_of_speech", "position"], index_name="cards_deck_active")
    # The interval each review was shown at (due - last review of the state before it, in days), kept beside
    # the JSON so that the statistics screen can pick mature reviews without parsing a year of JSON.
    db["reviews"].add_column("interval_days", float)
    db.execute(f"UPDATE reviews SET interval_days = {_INTERVAL_DAYS.format(row='reviews')} WHERE card_before IS NOT NULL")
    db.execute(
        "CREATE TRIGGER reviews_interval_days AFTER INSERT ON reviews WHEN NEW.card_before IS NOT NULL "
        f"BEGIN UPDATE reviews SET interval_days = {_INTERVAL_DAYS.format(row='NEW')} WHERE id = NEW.id; END"
    )
    # The reviews true retention counts (cards in review, shown at a mature interval), in an index that
    # holds all it reads: a year of them is counted without visiting the review rows.
    db.execute(
        "CREATE INDEX reviews_mature ON reviews (learner_id, answered_at, card_pk, rating, state_before, interval_days) "
        f"WHERE state_before = 2 AND interval_days >= {MATURE_DAYS}"
    )


# Days between the due date and the last review of a review's state before it (NULL without a last review),
# to the millisecond, as stored times are.
_INTERVAL_DAYS = (
    "round((julianday(json_extract({row}.card_before, '$.due')) "
    "- julianday(json_extract({row}.card_before, '$.last_review'))) * 86400000) / 86400000.0"
)



REVIEW_ID_RANDOM_BITS = 20  # a review id is (unix time in ms << 20) | 20 random bits: unique across terminals

# The v4 review log: one row per answer, with the card's state after it in columns (no JSON). The state
# before an answer is the state after the learner's previous answer to that card (None before the first);
# undo and merge rely on that chain.
_REVIEWS_V4 = """
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,         -- globally unique: (unix ms << 20) | random bits (REVIEW_ID_RANDOM_BITS)
    learner_id INTEGER NOT NULL REFERENCES learners(id),
    card_pk INTEGER NOT NULL REFERENCES cards(pk),
    rating INTEGER NOT NULL,        -- 1 Again, 2 Hard, 3 Good, 4 Easy
    answered_at TEXT NOT NULL,      -- UTC, clock.iso
    duration_ms INTEGER,
    mode TEXT NOT NULL,
    state_before INTEGER NOT NULL,  -- models.NEW (0) or fsrs State (1 learning, 2 review, 3 relearning)
    state_after INTEGER NOT NULL,
    interval_days REAL,             -- the interval the card was shown at (due - last review before), days
    step INTEGER,                   -- the card's state after this answer: learning step,
    stability REAL,                 --   FSRS stability (days),
    difficulty REAL,                --   FSRS difficulty (1-10),
    due TEXT                        --   and due time (UTC, clock.iso)
)
"""


def new_review_id(answered_at: datetime, rng: random.Random | None = None) -> int:
    """A review id unique across terminals: the answer's Unix time in ms, then REVIEW_ID_RANDOM_BITS random bits.

    Ids sort by answer time (to the millisecond); two terminals draw the same id for one millisecond with a
    chance of 1 in 2**20. `rng` (default: the random module) draws the bits.
    """
    millis = int(round(answered_at.timestamp() * 1000))
    return (millis << REVIEW_ID_RANDOM_BITS) | (rng or random).getrandbits(REVIEW_ID_RANDOM_BITS)


# How the review log writes the study mode of an answer: its position here (one byte, not a word). The
# order is for ever: a new mode goes at the end. A mode not listed is kept as its name.
REVIEW_MODES = ("recognition", "production", "typed", "choice", "cloze", "mixed")


def mode_code(mode: str) -> int | str:
    """The review log's value for a study mode (see REVIEW_MODES)."""
    return REVIEW_MODES.index(mode) if mode in REVIEW_MODES else mode


def mode_name(value: int | str) -> str:
    """The study mode a review log value stands for (see REVIEW_MODES)."""
    return REVIEW_MODES[value] if isinstance(value, int) and 0 <= value < len(REVIEW_MODES) else str(value)


def review_id_bounds(start_ms: int, end_ms: int) -> tuple[int, int]:
    """Review ids `[low, high)` that hold every answer given in `[start_ms, end_ms)` (Unix ms).

    A review id begins with its answer time rounded to the ms, `answered_at` is cut to the ms: one ms of
    slack on each side. Search the (learner) index with the ids and keep the exact condition on
    `answered_at` beside them.
    """
    return (start_ms - 1) << REVIEW_ID_RANDOM_BITS, (end_ms + 1) << REVIEW_ID_RANDOM_BITS


def _schema_v4(db: Database) -> None:
    """Office records and a compact, mergeable review log (issues 10, 12, 13).

    learners: NIP, role (learner, trainer, manager) and PIN (salted slow hash, wrong tries, locked until).
    decks: their active card count; card_states: the deck of the card while it is active, so that a deck's
    counts read one index.
    reviews: globally unique ids (an existing id becomes its answer time in ms << 20 | its low 20 bits, so
    two copies of one database give the same review the same id); the card state after the answer in
    columns instead of two JSON snapshots; interval_days written by the store (no trigger).
    """
    db["learners"].add_column("nip", str)
    db["learners"].add_column("role", str, not_null_default="learner")
    db["learners"].add_column("pin_hash", str)
    db["learners"].add_column("pin_failures", int, not_null_default=0)
    db["learners"].add_column("pin_locked_until", str)
    db.execute("CREATE UNIQUE INDEX learners_nip ON learners (nip) WHERE nip IS NOT NULL")
    # active cards of a deck, written by Store.sync_decks (NULL: not known, count the cards)
    db["decks"].add_column("card_count", int)
    db.execute("UPDATE decks SET card_count = (SELECT count(*) FROM cards WHERE cards.deck_id = decks.id "
               "AND cards.retired_at IS NULL)")
    db["card_states"].add_column("deck_id", str)
    # the deck of the card while it is active; NULL while it is retired (see Store.sync_decks)
    db.execute("UPDATE card_states SET deck_id = (SELECT deck_id FROM cards WHERE cards.pk = card_states.card_pk "
               "AND cards.retired_at IS NULL)")
    db.execute("CREATE INDEX card_states_deck ON card_states (learner_id, deck_id, state, due)")
    db.execute("DROP TRIGGER IF EXISTS reviews_interval_days")
    db.execute("DROP INDEX IF EXISTS reviews_mature")
    db.execute("ALTER TABLE reviews RENAME TO reviews_v3")
    db.execute(_REVIEWS_V4)
    db.execute(
        "INSERT INTO reviews (id, learner_id, card_pk, rating, answered_at, duration_ms, mode, state_before, "
        "state_after, interval_days, step, stability, difficulty, due) "
        f"SELECT (CAST(round((julianday(answered_at) - 2440587.5) * 86400000) AS INTEGER) << {REVIEW_ID_RANDOM_BITS}) "
        f"| (id & {(1 << REVIEW_ID_RANDOM_BITS) - 1}), learner_id, card_pk, rating, answered_at, duration_ms, mode, "
        "state_before, state_after, interval_days, json_extract(card_after, '$.step'), "
        "json_extract(card_after, '$.stability'), json_extract(card_after, '$.difficulty'), "
        "strftime('%Y-%m-%dT%H:%M:%f+00:00', json_extract(card_after, '$.due')) FROM reviews_v3 ORDER BY id"
    )
    db.execute("DROP TABLE reviews_v3")
    db.execute("CREATE INDEX reviews_learner_answered ON reviews (learner_id, answered_at)")
    db.execute("CREATE INDEX reviews_card ON reviews (card_pk, learner_id)")
    db.execute(
        "CREATE INDEX reviews_mature ON reviews (learner_id, answered_at, card_pk, rating, state_before, interval_days) "
        f"WHERE state_before = 2 AND interval_days >= {MATURE_DAYS}"
    )


# The v5 review log: instants as Unix time in ms (clock.to_ms) instead of 29 bytes of text; the learner's
# index holds no time (its ids are in time order); otherwise as v4.
_REVIEWS_V5 = """
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,         -- globally unique: (unix ms << 20) | random bits (REVIEW_ID_RANDOM_BITS)
    learner_id INTEGER NOT NULL REFERENCES learners(id),
    card_pk INTEGER NOT NULL REFERENCES cards(pk),
    rating INTEGER NOT NULL,        -- 1 Again, 2 Hard, 3 Good, 4 Easy
    answered_at INTEGER NOT NULL,   -- Unix time, ms (UTC; clock.to_ms)
    duration_ms INTEGER,
    mode INTEGER NOT NULL,          -- the study mode: its position in REVIEW_MODES (mode_code, mode_name)
    state_before INTEGER NOT NULL,  -- models.NEW (0) or fsrs State (1 learning, 2 review, 3 relearning)
    state_after INTEGER NOT NULL,
    interval_days REAL,             -- the interval the card was shown at (due - last review before), days
    step INTEGER,                   -- the card's state after this answer: learning step,
    stability REAL,                 --   FSRS stability (days),
    difficulty REAL,                --   FSRS difficulty (1-10),
    due INTEGER                     --   and due time (Unix time, ms)
)
"""

# One row per learner x deck x study day with answers: what the managers' metrics and the statistics screen
# add up, kept by every write of the review log (store/daily.py), so that a report reads days, not answers.
_DAILY_ACTIVITY = """
CREATE TABLE daily_activity (
    learner_id INTEGER NOT NULL,
    deck_id TEXT NOT NULL,
    day INTEGER NOT NULL,                   -- the study day (local date) as days since 1970-01-01
    reviews INTEGER NOT NULL,               -- answers given
    introduced INTEGER NOT NULL,            -- answers to cards never studied before (state_before = NEW)
    study_ms INTEGER NOT NULL,              -- time spent answering, ms
    retention_reviews INTEGER NOT NULL,     -- a card's first answer of the day, in review at a mature interval
    retention_passed INTEGER NOT NULL,      --   ... not answered Again
    last_at INTEGER NOT NULL,               -- the day's last answer, Unix time in ms
    run INTEGER NOT NULL,                   -- study days in a row of this learner and deck, ending with this one
    PRIMARY KEY (learner_id, deck_id, day)
) WITHOUT ROWID
"""


def _ms_of(column: str) -> str:
    """SQL: the Unix time in ms of a v4 instant (clock.iso text, 'YYYY-MM-DDTHH:MM:SS.mmm+00:00')."""
    return (f"CAST(strftime('%s', {column}) AS INTEGER) * 1000 + CAST(substr({column}, 21, 3) AS INTEGER)")


_MODE_CODES = "CASE mode " + " ".join(f"WHEN '{name}' THEN {code}" for code, name in enumerate(REVIEW_MODES)) \
    + " ELSE mode END"


def _schema_v5(db: Database) -> None:
    """Half the bytes per answer, and a daily roll-up for reports (issues 10, 13).

    reviews: `answered_at` and `due` as Unix ms, the mode as a number, the learner's index without the time
    (ids are in time order); the partial `reviews_mature` index goes (true retention is
    counted when an answer is saved, in daily_activity); card_states_mature indexes mature cards.
    daily_activity: per learner x deck x study day, counted from the log (`Store.recount_daily_activity`)
    under the way of counting days kept in `meta` (the Store that opens the file after this migration sets it
    and counts). meta: the database's own settings, key -> text. erased_reviews: ids of erased answers.
    """
    db.execute("DROP INDEX IF EXISTS reviews_mature")
    db.execute("DROP INDEX IF EXISTS reviews_learner_answered")
    db.execute("DROP INDEX IF EXISTS reviews_card")
    db.execute("ALTER TABLE reviews RENAME TO reviews_v4")
    db.execute(_REVIEWS_V5)
    db.execute(
        "INSERT INTO reviews (id, learner_id, card_pk, rating, answered_at, duration_ms, mode, state_before, "
        "state_after, interval_days, step, stability, difficulty, due) "
        f"SELECT id, learner_id, card_pk, rating, {_ms_of('answered_at')}, duration_ms, {_MODE_CODES}, state_before, "
        f"state_after, interval_days, step, stability, difficulty, {_ms_of('due')} FROM reviews_v4 ORDER BY id"
    )
    db.execute("DROP TABLE reviews_v4")
    # A learner's answers in time order: the index holds the id beside the learner, and ids begin with the
    # answer time, so a range of time is a range of ids (review_id_bounds) without storing the time twice.
    db.execute("CREATE INDEX reviews_learner ON reviews (learner_id)")
    db.execute("CREATE INDEX reviews_card ON reviews (card_pk, learner_id)")
    db.execute(_DAILY_ACTIVITY)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    # The review ids of people erased here (`learners remove`): numbers only, so that merging a terminal's
    # older copy does not bring an erased person's answers back.
    db.execute("CREATE TABLE erased_reviews (id INTEGER PRIMARY KEY)")
    # The mature cards of a learner and deck, counted by a report in one range of a small index.
    # (state and stability are in it so that SQLite need not read the rows to check its condition)
    db.execute("CREATE INDEX card_states_mature ON card_states (learner_id, deck_id, state, stability) "
               f"WHERE state = 2 AND stability >= {MATURE_DAYS}")


# Forward migrations, in order: index i takes a database from user_version i to i + 1.
MIGRATIONS: list[Callable[[Database], None]] = [_schema_v1, _schema_v2, _schema_v3, _schema_v4, _schema_v5]

# A card the learner has suspended, or buried until later, stays out of every queue.
_AVAILABLE = (
    "NOT EXISTS (SELECT 1 FROM card_flags f WHERE f.learner_id = {learner} AND f.card_pk = {card} "
    "AND (f.suspended = 1 OR f.buried_until > {now}))"
)
SCHEMA_VERSION = len(MIGRATIONS)

_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
# A table's shape: its columns, and the column lists of its unique indexes (upserts rely on them).
_Shape = tuple[frozenset[str], frozenset[tuple[str, ...]]]


def _shape(conn: sqlite3.Connection, table: str) -> _Shape:
    columns = frozenset(row[0] for row in conn.execute("SELECT name FROM pragma_table_info(?)", [table]))
    unique = frozenset(
        tuple(col[0] for col in conn.execute("SELECT name FROM pragma_index_info(?) ORDER BY seqno", [index[0]]))
        for index in conn.execute('SELECT name FROM pragma_index_list(?) WHERE "unique"', [table]).fetchall()
    )
    return columns, unique


# The tables of a current file (SCHEMA_VERSION) as the migrations make them: columns, and the column
# lists of unique indexes. Written down so that opening a current file (every start) checks its shape
# without running the migrations in memory (14 ms, and sqlite-utils: 100 ms); tests/test_store_open.py
# compares it with `_migrated_schema(SCHEMA_VERSION)`, so a new migration must update it.
_CURRENT_TABLES: dict[str, tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]] = {
    "learners": (("id", "name", "unit", "created_at", "new_per_day", "reviews_per_day", "desired_retention",
                  "default_mode", "nip", "role", "pin_hash", "pin_failures", "pin_locked_until"), (("nip",),)),
    "decks": (("id", "title", "description", "version", "source", "content_hash", "synced_at", "card_count"),
              (("id",),)),
    "cards": (("pk", "deck_id", "card_id", "term", "translation", "definition", "example", "position",
               "example_translation", "part_of_speech", "level", "tags", "ipa", "notes", "acronym_of", "retired_at"),
              (("deck_id", "card_id"),)),
    "card_states": (("learner_id", "card_pk", "deck_id", "state", "step", "stability", "difficulty", "due",
                     "last_review", "reps", "lapses"), (("learner_id", "card_pk"),)),
    "card_flags": (("learner_id", "card_pk", "suspended", "buried_until"), (("learner_id", "card_pk"),)),
    "reviews": (("id", "learner_id", "card_pk", "rating", "answered_at", "duration_ms", "mode", "state_before",
                 "state_after", "interval_days", "step", "stability", "difficulty", "due"), ()),
    "daily_activity": (("learner_id", "deck_id", "day", "reviews", "introduced", "study_ms", "retention_reviews",
                        "retention_passed", "last_at", "run"), (("learner_id", "deck_id", "day"),)),
    "meta": (("key", "value"), (("key",),)),
    "erased_reviews": (("id",), ()),
}


def _expected_schema(version: int) -> dict[str, _Shape]:
    """Each table's shape as the migrations up to `version` make it (the current one as written down)."""
    if version == SCHEMA_VERSION:
        return {table: (frozenset(columns), frozenset(unique)) for table, (columns, unique) in _CURRENT_TABLES.items()}
    return _migrated_schema(version)


@lru_cache(maxsize=None)
def _migrated_schema(version: int) -> dict[str, _Shape]:
    """Each table's shape after running the migrations up to `version` on an empty database in memory."""
    from sqlite_utils import Database

    db = Database(memory=True, execute_plugins=False)
    for migrate in MIGRATIONS[:version]:
        migrate(db)
    shapes = {table: _shape(db.conn, table) for table in db.table_names()}
    db.close()
    return shapes


def _schema_problem(conn: sqlite3.Connection, version: int, tables: set[str]) -> str | None:
    """What is missing from a vocab-tui database of `version`, in words; None when nothing is."""
    for table, (columns, unique) in _expected_schema(version).items():
        if table not in tables:
            return _("table {table} is missing").format(table=table)
        found_columns, found_unique = _shape(conn, table)
        missing_columns, missing_unique = sorted(columns - found_columns), sorted(unique - found_unique)
        if missing_columns:
            return _("column {column} of table {table} is missing").format(column=missing_columns[0], table=table)
        if missing_unique:
            return _("the unique index of table {table} on {columns} is missing").format(
                table=table, columns=", ".join(missing_unique[0]))
    return None


def _identify(conn: sqlite3.Connection, path: Path) -> tuple[int, int]:
    """(user_version, application_id) of a file vocab-tui may use; raises for any other file.

    Only reads, so it runs on a read-only connection before anything is written, and again
    inside the migration's write transaction (another process may have changed the file since).
    """
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    tables = {row[0] for row in conn.execute(_TABLES)}
    if app_id not in (0, APPLICATION_ID):
        raise _foreign(path, _("it belongs to another program: application id {id}").format(id=f"0x{app_id:08x}"))
    if version == 0 and not tables:
        return version, app_id  # new or empty
    if app_id == 0:  # ours only if it is a database of an earlier release, before the mark
        ours = set(_expected_schema(SCHEMA_VERSION))
        others = sorted(tables - ours)
        if others:
            raise _foreign(path, _("it holds tables vocab-tui does not use: {names}").format(
                names=", ".join(others[:5]) + (", …" if len(others) > 5 else "")))
        if not (tables and 1 <= version <= SCHEMA_VERSION):
            raise _foreign(path, _("its schema version {version} is not one of vocab-tui's").format(version=version))
    if version > SCHEMA_VERSION:
        raise NewerDatabaseError(
            _(
                "The database {path} was made by a newer version of vocab-tui "
                "(schema {found}, this one knows {known}); update vocab-tui"
            ).format(path=path, found=version, known=SCHEMA_VERSION)
        )
    if version == 0:
        raise _damaged(path, _("it has tables but no schema version"))
    problem = _schema_problem(conn, version, tables)
    if problem is not None:
        raise _damaged(path, problem)
    return version, app_id
