"""The hardest-terms report: per card, over the review log, in one aggregate query."""

from __future__ import annotations

from datetime import datetime

from ..clock import to_ms
from ..models import NEW, TermStats
from .core import StoreBase
from .schema import REVIEW_ID_RANDOM_BITS

REVIEW = 2  # fsrs State.Review, as stored in reviews.state_before


class TermsMixin(StoreBase):
    def term_stats(
        self,
        *,
        deck_id: str | None = None,
        unit: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[TermStats]:
        """How hard each active card was, hardest first, from the answers given at or after `since` (UTC).

        Only answers to cards of `deck_id` (when given) by learners of `unit` (when given, compared
        exactly) count; retired cards are left out. Hardest first: the highest lapse rate (cards
        never answered in review come after every card that was), then the highest share of first
        answers that were Again (cards without first answers after), then the longest average time
        to answer, then the term (case-insensitive) and the card's key. At most `limit` rows (None: all).
        """
        filters = ["c.retired_at IS NULL"]
        params: dict[str, object] = {"new": NEW, "review": REVIEW, "limit": -1 if limit is None else limit}
        scan = "reviews r"
        if since is not None:
            # Review ids start with their answer time in ms (schema.new_review_id): a window of time is a
            # range of the table's own key, read in order, so the cost follows the window, not the log.
            filters.append("r.id >= :since_id AND r.answered_at >= :since")
            params["since"] = to_ms(since)
            params["since_id"] = to_ms(since) << REVIEW_ID_RANDOM_BITS
            if unit is None:  # with a unit, each learner's own (learner, time) index is the shorter way
                scan = "reviews r NOT INDEXED"
        if deck_id is not None:
            filters.append("c.deck_id = :deck")
            params["deck"] = deck_id
        if unit is not None:
            filters.append("r.learner_id IN (SELECT id FROM learners WHERE unit = :unit)")
            params["unit"] = unit
        rows = self.db.execute(
            "SELECT c.pk, c.deck_id, c.card_id, c.term, c.translation, t.learners, t.answers, t.review_answers, "
            "t.lapses, t.first_answers, t.first_again, t.average_ms FROM ("
            "  SELECT r.card_pk AS card_pk, count(DISTINCT r.learner_id) AS learners, count(*) AS answers, "
            "  sum(r.state_before = :review) AS review_answers, "
            "  sum(r.state_before = :review AND r.rating = 1) AS lapses, "
            "  sum(r.state_before = :new) AS first_answers, sum(r.state_before = :new AND r.rating = 1) AS first_again, "
            "  avg(r.duration_ms) AS average_ms "
            f"  FROM {scan} JOIN cards c ON c.pk = r.card_pk "
            f"  WHERE {' AND '.join(filters)} GROUP BY r.card_pk"
            ") t JOIN cards c ON c.pk = t.card_pk "
            "ORDER BY t.review_answers = 0, 1.0 * t.lapses / t.review_answers DESC, "
            "t.first_answers = 0, 1.0 * t.first_again / t.first_answers DESC, "
            "t.average_ms IS NULL, t.average_ms DESC, lower(c.term), c.pk LIMIT :limit",
            params,
        ).fetchall()
        return [TermStats(*row) for row in rows]
