"""The one source of "now": every time-dependent function takes a Clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Protocol

UTC = timezone.utc


class Clock(Protocol):
    """Tells the current time (timezone-aware, UTC) and the local timezone."""

    tz: tzinfo

    def now(self) -> datetime: ...


def local_timezone() -> tzinfo:
    """The machine's local timezone (the study day follows the office's wall clock)."""
    return datetime.now().astimezone().tzinfo or UTC


@dataclass
class SystemClock:
    """The real clock."""

    tz: tzinfo = field(default_factory=local_timezone)

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that only moves when told to: tests live through weeks in milliseconds."""

    current: datetime
    tz: tzinfo = UTC

    def __post_init__(self) -> None:
        if self.current.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self.current = self.current.astimezone(UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


def to_utc(moment: datetime) -> datetime:
    """Return `moment` as an aware UTC datetime (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """One text form for stored instants, so that text order is time order."""
    return to_utc(moment).isoformat(timespec="milliseconds")


def parse_iso(text: str) -> datetime:
    return to_utc(datetime.fromisoformat(text))
