"""The one source of "now": every time-dependent function takes a Clock."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

UTC = timezone.utc


class Clock(Protocol):
    """Tells the current time (timezone-aware, UTC) and the local timezone."""

    tz: tzinfo

    def now(self) -> datetime: ...


# Files of a zone folder that are not zones an office can be in: the machine's own setting (which differs
# from one computer to the next), a placeholder, a rule file, and zones counted with leap seconds.
_NOT_OFFICE_ZONES = ("localtime", "Factory", "posixrules")
_NOT_OFFICE_PREFIXES = ("right/",)


def zone(name: str) -> ZoneInfo | None:
    """The IANA time zone called `name` (e.g. Asia/Jakarta), or None when there is no such zone.

    "posix/Asia/Jakarta" is Asia/Jakarta; a folder of zones ("Asia"), "localtime", "Factory", "posixrules"
    and the leap-second "right/..." zones are not zones an office's days can be counted in: None.
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # here: `--help` needs no time zone rules

    name = name.strip().removeprefix("posix/")
    if not name or name in _NOT_OFFICE_ZONES or name.startswith(_NOT_OFFICE_PREFIXES):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # ValueError: "../x"; OSError: a folder, unreadable
        return None


def local_timezone(name: str | None = None, environ: dict[str, str] | None = None,
                   etc: Path = Path("/etc")) -> tzinfo:
    """The office's time zone with its daylight-saving rules, so the study day follows the wall clock.

    In order: `name` (the `timezone` setting), the TZ variable, the zone /etc/localtime links to,
    /etc/timezone; only when none names a known zone, the machine's current UTC offset.
    """
    env = os.environ if environ is None else environ
    if name and (found := zone(name)) is not None:
        return found
    tz_variable = env.get("TZ", "").lstrip(":")
    if tz_variable:  # the C library obeys TZ over /etc/localtime, and so do we
        return zone(_zone_name(tz_variable)) or _current_offset()
    candidates = []
    try:
        candidates.append(_zone_name(os.readlink(etc / "localtime")))
    except OSError:
        pass
    try:
        candidates.append((etc / "timezone").read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError):
        pass
    for candidate in candidates:
        if candidate and (found := zone(candidate)) is not None:
            return found
    return _current_offset()


def _zone_name(path: str) -> str:
    """Europe/Berlin from /usr/share/zoneinfo/Europe/Berlin (a zone name stays as it is)."""
    return path.split("/zoneinfo/", 1)[1] if "/zoneinfo/" in path else path


def _current_offset() -> tzinfo:
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


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)


def to_ms(moment: datetime) -> int:
    """Unix time in whole milliseconds (UTC), cut as `iso` cuts: `from_ms(to_ms(t))` prints as `iso(t)`.

    The review log stores its instants this way (8 bytes at most, against 29 for the text form).
    """
    return (to_utc(moment) - _EPOCH) // _MILLISECOND


def from_ms(millis: int) -> datetime:
    """The aware UTC datetime of a Unix time in milliseconds (see `to_ms`)."""
    return _EPOCH + timedelta(milliseconds=millis)
