"""The hardest-terms report for trainers: which words to explain again in class.

Numbers per card, over the answers in a period (see `models.TermStats` for the exact definitions,
`Store.term_stats` for the order, hardest first). Dates are local study days: a day starts at the
scheduler's `day_starts_at` hour (4 a.m.), so `since` 2026-11-02 counts from 2026-11-02 04:00 local time.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time, timedelta, tzinfo

from .clock import UTC
from .i18n import _
from .models import TermStats
from .store import Store

DAY_STARTS_AT = 4  # as scheduling.SchedulerSettings.day_starts_at
# The report's default period: the study days of the last four weeks and two, today's included. What to
# explain in class next week is what was hard lately; on a city's log (10M answers) a month is read
# in well under the 2 s budget, all time is not (bench/README.md).
DEFAULT_DAYS = 30


def default_since(now: datetime, tz: tzinfo, hour: int = DAY_STARTS_AT, days: int = DEFAULT_DAYS) -> date:
    """The first local study day of the default period: `days` study days up to and including today's."""
    local = now.astimezone(tz)
    today = (local - timedelta(hours=hour)).date()  # before `hour` it is still the previous study day
    return today - timedelta(days=days - 1)


def day_began(day: date, tz: tzinfo, hour: int = DAY_STARTS_AT) -> datetime:
    """The UTC instant at which the local study day `day` began (`hour`:00 local time)."""
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


def hardest_terms(store: Store, tz: tzinfo, *, deck_id: str | None = None, unit: str | None = None,
                  since: date | None = None, limit: int | None = None,
                  day_starts_at: int = DAY_STARTS_AT) -> list[TermStats]:
    """The report's rows, hardest first; `since` is a local date (its study day and after count)."""
    start = day_began(since, tz, day_starts_at) if since is not None else None
    return store.term_stats(deck_id=deck_id, unit=unit, since=start, limit=limit)


def percent(value: float | None) -> str:
    """A share as a whole percentage, '-' when there is nothing to divide."""
    return "-" if value is None else f"{round(100 * value)}%"


def seconds(ms: float | None) -> str:
    return "-" if ms is None else f"{ms / 1000:.1f}"


def headers() -> list[str]:
    return [_("DECK"), _("CARD"), _("TERM"), _("LEARNERS"), _("ANSWERS"), _("LAPSE RATE"),
            _("FIRST AGAIN"), _("AVG SECONDS")]


def table_rows(rows: list[TermStats]) -> list[tuple[str, ...]]:
    return [(r.deck_id, r.card_id, r.term, str(r.learners), str(r.answers), percent(r.lapse_rate),
             percent(r.first_again_share), seconds(r.average_ms)) for r in rows]


def as_records(rows: list[TermStats]) -> list[dict]:
    """Machine-readable rows: shares as fractions (0-1, None when undefined), times in ms."""
    return [
        {"deck": r.deck_id, "card": r.card_id, "term": r.term, "translation": r.translation,
         "learners": r.learners, "answers": r.answers, "review_answers": r.review_answers, "lapses": r.lapses,
         "lapse_rate": r.lapse_rate, "first_answers": r.first_answers, "first_again": r.first_again,
         "first_again_share": r.first_again_share,
         "average_ms": None if r.average_ms is None else round(r.average_ms, 1)}
        for r in rows
    ]


def to_csv(rows: list[TermStats]) -> str:
    records = as_records(rows)
    out = io.StringIO()
    fields = ["deck", "card", "term", "translation", "learners", "answers", "review_answers", "lapses", "lapse_rate",
              "first_answers", "first_again", "first_again_share", "average_ms"]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if v is None else v for k, v in record.items()})
    return out.getvalue()


def to_json(rows: list[TermStats]) -> str:
    return json.dumps(as_records(rows), ensure_ascii=False, indent=2)
