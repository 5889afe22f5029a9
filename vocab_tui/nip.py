"""The civil-servant number (NIP, Nomor Induk Pegawai): its 18 digits and what they say.

The structure is set by BKN (Peraturan Kepala BKN Nomor 43 Tahun 2007 on requesting, setting and using
the NIP of civil servants, under the ASN rules of PP 11/2017 on PNS management):

- digits 1-8: date of birth, YYYYMMDD;
- digits 9-14: year and month of the first appointment as CPNS/PNS (TMT), YYYYMM (the day is always the
  1st, so it is left out);
- digit 15: sex, 1 male, 2 female;
- digits 16-18: serial number among people sharing the first 15 digits, from 001.

The checks here are what can be told from the number itself: a real birth date, a real appointment month
that is not in the future, an age at appointment a civil servant can have (18 to 70: CPNS must be 18 when
they apply; the upper bound only catches a wrong century), sex 1 or 2 and a serial that is not 000. A
number that passes may still not belong to anyone; only BKN's records can tell that.

The Nomor Induk of a PPPK (contract civil servant) is also 18 digits, but its digits 13-14 are not a month,
so it is refused here; the message says so, and such staff are kept without a NIP.

Pure: no database, no clock of its own (the caller passes today's date in the office's time zone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .i18n import _

NIP_DIGITS = 18
MIN_APPOINTMENT_AGE = 18
MAX_APPOINTMENT_AGE = 70
_SPACES = " \u00a0\u2009\u202f"  # typed spaces, and the no-break spaces a copy from a document brings


class NipError(ValueError):
    """A NIP that cannot be right; `problems` holds one message per rule it breaks, in digit order."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Nip:
    """A NIP that passed the checks, and what its digits say."""

    digits: str  # 18 digits, no spaces
    birth_date: date
    appointed: tuple[int, int]  # (year, month) of the first appointment (TMT CPNS)
    sex: int  # 1 male, 2 female
    serial: int

    def masked(self) -> str:
        return mask(self.digits)


def mask(digits: str) -> str:
    """A stored NIP with all but its last 4 digits hidden: '**************1234'."""
    return "*" * (len(digits) - 4) + digits[-4:] if len(digits) > 4 else "*" * len(digits)


def normalise(text: str) -> str:
    """The NIP as typed without its spaces (no other change): '19850412 201001 1 003' -> '198504122010011003'."""
    return "".join(char for char in text if char not in _SPACES)


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _years_between(born: date, day: date) -> int:
    """Completed years from `born` to `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def parse_nip(text: str, today: date) -> Nip:
    """Check a NIP as typed (spaces allowed) against BKN's structure; `today` is the office's local date.

    Returns the Nip with its 18 digits. Raises NipError naming every rule broken, e.g. "digits 9-14 give
    appointment month 2010-13, which is not a month".
    """
    digits = normalise(text)
    if not digits:
        raise NipError([_("the NIP is empty")])
    odd = next((i for i, char in enumerate(digits) if not ("0" <= char <= "9")), None)
    if odd is not None:
        raise NipError([_("the NIP may hold only digits and spaces, but has “{char}” (character {position} "
                          "without spaces)").format(char=digits[odd], position=odd + 1)])
    if len(digits) != NIP_DIGITS:
        raise NipError([_("the NIP has {count} digits; a NIP has 18").format(count=len(digits))])
    problems: list[str] = []
    born = _date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    if born is None:
        problems.append(_("digits 1-8 give birth date {year}-{month}-{day}, which is not a date").format(
            year=digits[0:4], month=digits[4:6], day=digits[6:8]))
    elif born > today:
        problems.append(_("digits 1-8 give birth date {date}, which is in the future").format(date=born.isoformat()))
    year, month = int(digits[8:12]), int(digits[12:14])
    appointed = _date(year, month, 1) if 1 <= month <= 12 else None
    if appointed is None:
        problem = _("digits 9-14 give appointment month {year}-{month}, which is not a month").format(
            year=digits[8:12], month=digits[12:14])
        if month > 12:
            problem += " " + _("(a PPPK number has no month there: leave the NIP empty)")
        problems.append(problem)
    elif (year, month) > (today.year, today.month):
        problems.append(_("digits 9-14 give appointment month {year}-{month}, which is in the future").format(
            year=digits[8:12], month=digits[12:14]))
    if born is not None and appointed is not None and born <= today:
        age = _years_between(born, appointed)
        if age < MIN_APPOINTMENT_AGE:
            problems.append(_("born {born} and appointed {year}-{month} means appointed at {age}; a civil servant "
                              "is appointed at {least} or older").format(
                born=born.isoformat(), year=digits[8:12], month=digits[12:14], age=max(age, 0),
                least=MIN_APPOINTMENT_AGE))
        elif age > MAX_APPOINTMENT_AGE:
            problems.append(_("born {born} and appointed {year}-{month} means appointed at {age}; check the "
                              "birth year").format(born=born.isoformat(), year=digits[8:12],
                                                   month=digits[12:14], age=age))
    if digits[14] not in "12":
        problems.append(_("digit 15 is {digit}, but it gives the sex: 1 or 2").format(digit=digits[14]))
    if digits[15:18] == "000":
        problems.append(_("digits 16-18 are 000, but the serial number starts at 001"))
    if problems:
        raise NipError(problems)
    assert born is not None and appointed is not None
    return Nip(digits, born, (year, month), int(digits[14]), int(digits[15:18]))


def nip_problems(text: str, today: date) -> list[str]:
    """The messages `parse_nip` would raise, or [] for a good NIP."""
    try:
        parse_nip(text, today)
    except NipError as err:
        return err.problems
    return []
