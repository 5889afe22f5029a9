"""Decks and their cards: syncing deck files into the database, reading cards, drawing distractors."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable

from ..clock import iso
from ..decks import Card, Deck
from ..i18n import _
from ..models import (
    DeckInfo,
    StoredCard,
)
from .shelf import ShelfMixin
from .errors import StoreError


class DecksMixin(ShelfMixin):
    # -- decks ------------------------------------------------------------------------------

    def deck_hashes(self) -> dict[str, str]:
        return {row[0]: row[1] for row in self.conn.execute("SELECT id, content_hash FROM decks")}

    def sync_decks(self, decks: Iterable[Deck]) -> list[str]:
        """Bring stored cards in line with the deck files; returns the ids of decks that changed.

        A card keeps its identity (deck id + card id) when its text changes, so its progress
        stays. A card missing from its deck is retired, never deleted, and its history stays.
        """
        decks = list(decks)
        with self.explained():
            stored = self.deck_hashes()
        if all(stored.get(deck.id) == deck.content_hash for deck in decks):
            return []  # the usual start: nothing to write, so no write lock
        changed: list[str] = []
        now = iso(self.clock.now())
        with self._writing() as db:
            known = self.deck_hashes()  # again under the lock: another process may have just synced
            for deck in decks:
                if known.get(deck.id) == deck.content_hash:
                    continue
                if deck.changed_on_disk():
                    continue  # the file changed since it was parsed: its newer version wins, now or next start
                retired_before = [row[0] for row in db.execute(
                    "SELECT pk FROM cards WHERE deck_id = ? AND retired_at IS NOT NULL", [deck.id])]
                db["decks"].upsert(
                    {
                        "id": deck.id,
                        "title": deck.title,
                        "description": deck.description,
                        "version": deck.version,
                        "source": str(deck.path),
                        "content_hash": deck.content_hash,
                        "synced_at": now,
                    },
                    pk="id",
                )
                db.conn.executemany(
                    """
                    INSERT INTO cards (deck_id, card_id, position, term, translation, definition,
                        example, example_translation, part_of_speech, level, tags, ipa, notes,
                        acronym_of, retired_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
                    ON CONFLICT (deck_id, card_id) DO UPDATE SET
                        position = excluded.position, term = excluded.term,
                        translation = excluded.translation, definition = excluded.definition,
                        example = excluded.example, example_translation = excluded.example_translation,
                        part_of_speech = excluded.part_of_speech, level = excluded.level,
                        tags = excluded.tags, ipa = excluded.ipa, notes = excluded.notes,
                        acronym_of = excluded.acronym_of, retired_at = NULL
                    """,
                    [
                        (
                            deck.id, c.id, c.position, c.term, c.translation, c.definition,
                            c.example, c.example_translation, c.part_of_speech, c.level,
                            json.dumps(list(c.tags), ensure_ascii=False), c.ipa, c.notes, c.acronym_of,
                        )
                        for c in deck.cards
                    ],
                )
                for c in deck.cards:
                    for old_id in c.replaces:
                        self._carry_progress(db, deck.id, old_id, c.id)
                current = [c.id for c in deck.cards]
                retiring = [row[0] for row in db.execute(
                    "SELECT pk FROM cards WHERE deck_id = ? AND retired_at IS NULL "
                    "AND card_id NOT IN (SELECT value FROM json_each(?))", [deck.id, json.dumps(current)])]
                db.execute(
                    "UPDATE cards SET retired_at = ? WHERE pk IN (SELECT value FROM json_each(?))",
                    [now, json.dumps(retiring)],
                )
                # card_states.deck_id names the deck of an active card only: the counts and queues read
                # that one index, without visiting cards. Only the cards retired or restored now change.
                db.execute(
                    "UPDATE card_states SET deck_id = NULL WHERE card_pk IN (SELECT value FROM json_each(?))",
                    [json.dumps(retiring)],
                )
                db.execute(
                    "UPDATE card_states SET deck_id = ? WHERE card_pk IN (SELECT value FROM json_each(?)) "
                    "AND card_pk IN (SELECT pk FROM cards WHERE deck_id = ? AND retired_at IS NULL)",
                    [deck.id, json.dumps(retired_before), deck.id],
                )
                db.execute(  # kept, so that the home screen does not count a big deck's cards each time
                    "UPDATE decks SET card_count = (SELECT count(*) FROM cards WHERE deck_id = :deck "
                    "AND retired_at IS NULL) WHERE id = :deck", {"deck": deck.id})
                changed.append(deck.id)
        return changed

    @staticmethod
    def _carry_progress(db, deck_id: str, old_id: str, new_id: str) -> None:
        """Move every learner's progress on card `old_id` of a deck to card `new_id` (a renamed card).

        Runs inside the sync's write transaction. Reviews all move. A learner with a state on only
        one of the two cards keeps it, on the new card; with states on both, the one reviewed last
        stays (a state never reviewed counts as oldest; a tie keeps the new card's). Suspend and
        bury flags move unless the learner has some on the new card already, which then stay.
        Nothing is left on the old card, so syncing again moves nothing.
        """
        pks = dict(db.execute(
            "SELECT card_id, pk FROM cards WHERE deck_id = ? AND card_id IN (?, ?)", [deck_id, old_id, new_id]
        ).fetchall())
        old, new = pks.get(old_id), pks.get(new_id)
        if old is None or new is None or old == new:
            return
        # Where both cards have a state, drop the older one; then the old card's states left can move.
        db.execute(
            "DELETE FROM card_states AS o WHERE o.card_pk = :old AND EXISTS (SELECT 1 FROM card_states n "
            "WHERE n.learner_id = o.learner_id AND n.card_pk = :new "
            "AND coalesce(n.last_review, '') >= coalesce(o.last_review, ''))",
            {"old": old, "new": new},
        )
        db.execute(
            "DELETE FROM card_states AS n WHERE n.card_pk = :new AND EXISTS (SELECT 1 FROM card_states o "
            "WHERE o.learner_id = n.learner_id AND o.card_pk = :old)",
            {"old": old, "new": new},
        )
        db.execute("UPDATE card_states SET card_pk = ?, deck_id = ? WHERE card_pk = ?", [new, deck_id, old])
        db.execute("UPDATE reviews SET card_pk = ? WHERE card_pk = ?", [new, old])
        db.execute(
            "DELETE FROM card_flags AS o WHERE o.card_pk = :old AND EXISTS (SELECT 1 FROM card_flags n "
            "WHERE n.learner_id = o.learner_id AND n.card_pk = :new)",
            {"old": old, "new": new},
        )
        db.execute("UPDATE card_flags SET card_pk = ? WHERE card_pk = ?", [new, old])

    def card_progress(self, deck_id: str) -> dict[str, int]:
        """For each card id of a stored deck (retired or not): how many learners have progress on it."""
        rows = self.db.execute(
            "SELECT c.card_id, count(s.learner_id) FROM cards c JOIN card_states s ON s.card_pk = c.pk "
            "WHERE c.deck_id = ? GROUP BY c.card_id",
            [deck_id],
        ).fetchall()
        return {row[0]: int(row[1]) for row in rows}

    def decks(self, deck_ids: Iterable[str] | None = None) -> list[DeckInfo]:
        """Stored decks (only `deck_ids`, in that order, when given) with their active card counts."""
        return [DeckInfo(row["id"], row["title"], row["description"] or "", row["n"]) for row in self.deck_rows(deck_ids)]

    def card(self, pk: int) -> StoredCard:
        row = self._one("SELECT * FROM cards WHERE pk = ?", [pk])
        if row is None:
            raise StoreError(_("No card with key {pk}").format(pk=pk))
        return self._stored_card(row)

    def cards(self, pks: list[int]) -> dict[int, StoredCard]:
        cursor = self.db.conn.execute(
            "SELECT * FROM cards WHERE pk IN (SELECT value FROM json_each(?))", [json.dumps(pks)]
        )
        names = [d[0] for d in cursor.description]
        stored = (self._stored_card(dict(zip(names, row))) for row in cursor)
        return {card.pk: card for card in stored}

    @staticmethod
    def _stored_card(row: dict) -> StoredCard:
        return StoredCard(
            pk=row["pk"],
            card=Card(
                deck_id=row["deck_id"],
                id=row["card_id"],
                term=row["term"],
                translation=row["translation"],
                definition=row["definition"],
                example=row["example"],
                position=row["position"],
                example_translation=row["example_translation"],
                part_of_speech=row["part_of_speech"],
                level=row["level"],
                tags=tuple(json.loads(row["tags"])) if row["tags"] not in (None, "[]") else (),
                ipa=row["ipa"],
                notes=row["notes"],
                acronym_of=row["acronym_of"],
            ),
            retired=row["retired_at"] is not None,
        )

    def deck_cards(self, deck_id: str) -> list[StoredCard]:
        """The active cards of a deck, in the deck file's order."""
        rows = self.db.query(
            "SELECT * FROM cards WHERE deck_id = ? AND retired_at IS NULL ORDER BY position", [deck_id]
        )
        return [self._stored_card(row) for row in rows]

    def deck_source(self, deck_id: str) -> str | None:
        """The file a stored deck was last loaded from (None for an unknown deck)."""
        row = self.db.execute("SELECT source FROM decks WHERE id = ?", [deck_id]).fetchone()
        return row[0] if row else None

    # -- browsing -----------------------------------------------------------------------------

    def search_cards(self, query: str, deck_ids: list[str], limit: int = 100) -> list[StoredCard]:
        """Active cards whose term or translation contains `query` (any case); terms that start with it first."""
        needle = query.strip().lower()
        like = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self.db.query(
            "SELECT * FROM cards WHERE retired_at IS NULL AND deck_id IN (SELECT value FROM json_each(:decks)) "
            "AND (lower(term) LIKE :like ESCAPE '\\' OR lower(translation) LIKE :like ESCAPE '\\') "
            "ORDER BY lower(term) NOT LIKE :prefix ESCAPE '\\', lower(term) LIMIT :limit",
            {"decks": json.dumps(deck_ids), "like": like, "prefix": like[1:], "limit": limit},
        )
        return [self._stored_card(row) for row in rows]

    def choice_candidates(
        self, card: StoredCard, deck_ids: list[str], rng: random.Random, per_group: int = 8
    ) -> list[Card]:
        """A few active cards drawn at random to serve as multiple-choice distractors for `card`.

        Up to `per_group` cards of its deck with its part of speech; when fewer are found, up to
        `per_group` more of its deck with any part of speech; and only when its deck still gives
        fewer, some of each other deck in `deck_ids`. Each draw is one index lookup at a random
        position, so the cost does not grow with the deck. The draws come from `rng`.
        """
        same_pos = self._draw(card.card.deck_id, card.card.part_of_speech, True, {card.pk}, rng, per_group)
        drawn = {c.pk: c for c in same_pos}
        if len(drawn) < per_group:
            for c in self._draw(card.card.deck_id, None, False, {card.pk, *drawn}, rng, per_group):
                drawn[c.pk] = c
        if len(drawn) < per_group:
            for deck_id in deck_ids:
                if deck_id != card.card.deck_id:
                    for c in self._draw(deck_id, None, False, {card.pk, *drawn}, rng, per_group):
                        drawn[c.pk] = c
        return [c.card for c in drawn.values()]

    def _draw(
        self, deck_id: str, part_of_speech: str | None, by_part: bool, exclude: set[int], rng: random.Random,
        count: int,
    ) -> list[StoredCard]:
        """Up to `count` distinct active cards of a deck (of one part of speech when `by_part`), at random.

        A draw is a random position and the first such card from there (wrapping round to the deck's start),
        one index lookup; the draws still needed are made together in one query.
        """
        conn = self.db.conn
        low, high = conn.execute(
            "SELECT (SELECT position FROM cards WHERE deck_id = :deck ORDER BY position ASC LIMIT 1), "
            "(SELECT position FROM cards WHERE deck_id = :deck ORDER BY position DESC LIMIT 1)", {"deck": deck_id}
        ).fetchone()
        if low is None or high is None:
            return []
        kind = "AND part_of_speech IS :pos " if by_part else ""
        first = ("(SELECT pk FROM cards WHERE deck_id = :deck AND retired_at IS NULL " + kind +
                 "AND position >= {start} ORDER BY position LIMIT 1)")
        sql = (f"SELECT j.key AS draw, c.* FROM json_each(:starts) AS j LEFT JOIN cards AS c "
               f"ON c.pk = coalesce({first.format(start='j.value')}, {first.format(start=':low')})")
        found: dict[int, StoredCard] = {}
        attempts = 0
        while len(found) < count and attempts < 2 * count:
            starts = [rng.randint(low, high) for _ in range(min(count - len(found), 2 * count - attempts))]
            attempts += len(starts)
            cursor = conn.execute(sql, {"deck": deck_id, "pos": part_of_speech, "low": low, "starts": json.dumps(starts)})
            names = [d[0] for d in cursor.description]
            for row in sorted(cursor):  # in the order drawn
                card = dict(zip(names, row))
                if card["pk"] is None:
                    return list(found.values())  # none at all
                if card["pk"] not in exclude:
                    found[card["pk"]] = self._stored_card(card)
        return list(found.values())
