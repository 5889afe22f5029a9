"""The NIP's structure, rule by rule (vocab_tui.nip)."""

from __future__ import annotations

from datetime import date

import pytest

from vocab_tui.i18n import set_language
from vocab_tui.nip import NipError, mask, nip_problems, normalise, parse_nip

TODAY = date(2026, 11, 29)
GOOD = "198504122010012003"  # born 1985-04-12, appointed 2010-01, female, serial 003


@pytest.fixture(autouse=True)
def _english() -> None:
    set_language("en")


def test_a_good_nip_gives_what_its_digits_say() -> None:
    nip = parse_nip(GOOD, TODAY)
    assert nip.digits == GOOD
    assert nip.birth_date == date(1985, 4, 12)
    assert nip.appointed == (2010, 1)
    assert (nip.sex, nip.serial) == (2, 3)
    assert nip.masked() == "**************2003"


def test_spaces_typed_between_the_parts_are_allowed_and_dropped() -> None:
    assert parse_nip("19850412 201001 2 003", TODAY).digits == GOOD
    assert parse_nip(" 19850412\u00a0201001 2 003 ", TODAY).digits == GOOD  # a no-break space from a document
    assert normalise("1985 0412") == "19850412"


@pytest.mark.parametrize(("text", "message"), [
    ("", "the NIP is empty"),
    ("19850412-201001-2-003", "may hold only digits and spaces, but has “-” (character 9"),
    ("19850412201001200", "has 17 digits; a NIP has 18"),
    ("1985041220100120031", "has 19 digits"),
    ("198502302010012003", "digits 1-8 give birth date 1985-02-30, which is not a date"),
    ("202705012010012003", "digits 1-8 give birth date 2027-05-01, which is in the future"),
    ("198504122010132003", "digits 9-14 give appointment month 2010-13, which is not a month"),
    ("198504122010002003", "digits 9-14 give appointment month 2010-00, which is not a month"),
    ("198504122027012003", "digits 9-14 give appointment month 2027-01, which is in the future"),
    ("198504122003042003", ("born 1985-04-12 and appointed 2003-04 means appointed at 17; a civil servant is "
                            "appointed at 18 or older")),
    ("190504122010012003", "born 1905-04-12 and appointed 2010-01 means appointed at 104; check the birth year"),
    ("198504122010013003", "digit 15 is 3, but it gives the sex: 1 or 2"),
    ("198504122010010003", "digit 15 is 0"),
    ("198504122010012000", "digits 16-18 are 000, but the serial number starts at 001"),
])
def test_each_rule_has_its_own_message(text: str, message: str) -> None:
    with pytest.raises(NipError) as err:
        parse_nip(text, TODAY)
    assert any(message in problem for problem in err.value.problems), err.value.problems


def test_a_pppk_number_is_told_why_it_is_refused() -> None:
    problems = nip_problems("199001012022212001", TODAY)
    assert problems == [("digits 9-14 give appointment month 2022-21, which is not a month (a PPPK number "
                         "has no month there: leave the NIP empty)")]


def test_the_18th_birthday_month_is_the_first_possible_appointment() -> None:
    assert parse_nip("198501012003012003", TODAY).appointed == (2003, 1)  # 18 on the 1st of the month
    assert nip_problems("198501022003012003", TODAY)  # 18 only the next day


def test_the_current_month_is_not_the_future() -> None:
    assert parse_nip("199001012026112001", TODAY).appointed == (2026, 11)
    assert nip_problems("199001012026122001", TODAY)
    assert not nip_problems("199001012026122001", date(2026, 12, 1))  # the clock decides


def test_every_broken_rule_is_reported_at_once() -> None:
    problems = nip_problems("198504122010133000", TODAY)
    assert len(problems) == 3 and "2010-13" in problems[0] and "digit 15" in problems[1] and "000" in problems[2]


def test_messages_are_indonesian_by_default() -> None:
    set_language("id")
    assert "bukan bulan" in nip_problems("198504122010132003", TODAY)[0]


def test_mask_keeps_only_the_last_four_digits() -> None:
    assert mask(GOOD) == "*" * 14 + "2003"
