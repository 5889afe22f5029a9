"""Study days: which local date an instant counts for, when the day starts at `hour`:00 (04:00 by default).

An office's study day runs from 04:00 local time to 04:00 the next day, so an answer at 01:00 counts for
the day before. The review log is in UTC; reports and the daily roll-up (`daily_activity`) count days.
A study day is written as a `date`, or in the database as its number: days since 1970-01-01.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache

from .clock import iso, zone

DAY_STARTS_AT = 4  # the local hour a study day starts at (scheduling.SchedulerSettings.day_starts_at)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def day_number(day: date) -> int:
    """Days since 1970-01-01 (how the database writes a study day)."""
    return day.toordinal() - _EPOCH_ORDINAL


def day_of_number(number: int) -> date:
    return date.fromordinal(number + _EPOCH_ORDINAL)


def day_shifts(tz: tzinfo, hour: int, start: datetime, end: datetime) -> list[tuple[str | None, int]]:
    """How to find a UTC instant's study day in `[start, end)`: [(from UTC iso, seconds to add)], in order.

    The study date of an instant t is the date of t + offset(t) - `hour` hours; the offset changes only at
    the zone's transitions, which are found here (day by day, then to the second), so SQL can apply one
    shift per stretch. The first entry's start is None (no lower bound).
    """
    def shift(moment: datetime) -> int:
        offset = moment.astimezone(tz).utcoffset() or timedelta(0)
        return int(offset.total_seconds()) - hour * 3600

    shifts: list[tuple[str | None, int]] = [(None, shift(start))]
    moment = start
    while moment < end:
        following = min(moment + timedelta(days=1), end)
        if shift(following) != shift(moment):
            low, high = moment, following  # the change lies in (low, high]
            while (high - low) > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if shift(middle) == shift(low):
                    low = middle
                else:
                    high = middle
            shifts.append((iso(high.replace(microsecond=0)), shift(high)))
        moment = following
    return shifts


@dataclass(frozen=True)
class StudyDays:
    """A way of counting study days: a time zone and the local hour a day starts at.

    `key()` is its text form, kept in the database beside the days counted under it (`from_key` reads
    it back); a named zone is kept by name (Asia/Makassar), any other zone by its offset now.
    """

    tz: tzinfo
    hour: int = 4

    def number(self, moment: datetime) -> int:
        """The study day of an aware instant, as days since 1970-01-01."""
        return day_number((moment.astimezone(self.tz) - timedelta(hours=self.hour)).date())

    def key(self) -> str:
        name = getattr(self.tz, "key", None)
        if name:
            return json.dumps({"zone": name, "hour": self.hour}, sort_keys=True)
        offset = datetime.now(self.tz).utcoffset() or timedelta(0)
        return json.dumps({"offset_seconds": int(offset.total_seconds()), "hour": self.hour}, sort_keys=True)

    def zone_name(self) -> str:
        """The zone as people write it: its IANA name (Asia/Makassar), else its offset now (UTC+08:00)."""
        name = getattr(self.tz, "key", None)
        if name:
            return str(name)
        minutes = int((datetime.now(self.tz).utcoffset() or timedelta(0)).total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"

    @staticmethod
    def from_key(text: str) -> StudyDays | None:
        """The StudyDays a `key()` describes; None when the text is not one (or names an unknown zone)."""
        return _from_key(text)


@lru_cache(maxsize=8)
def _from_key(text: str) -> StudyDays | None:
    try:
        data = json.loads(text)
        hour = int(data["hour"])
        if "zone" in data:
            tz = zone(str(data["zone"]))
            return StudyDays(tz, hour) if tz is not None else None
        return StudyDays(timezone(timedelta(seconds=int(data["offset_seconds"]))), hour)
    except (ValueError, TypeError, KeyError):
        return None
