"""A staff list for `learners import`: which columns it may have, and each row checked into a StaffRecord.

Columns (header names in Bahasa Indonesia or English, any case; '_', '-' and spaces alike):

- name — `nama`, `nama lengkap`, `nama pegawai`, `name`, `full name` (required);
- unit — `unit`, `unit kerja`, `opd`, `perangkat daerah`, `satuan kerja`, `department`;
- nip — `nip`, `nip baru`, `nomor induk pegawai`, `employee number`;
- role — `peran`, `role`, with values in either language (ROLE_WORDS): pegawai, peserta, learner →
  learner; pelatih, fasilitator, trainer → trainer; manajer, pimpinan, manager → manager. An empty role
  cell keeps a profile's role (a new one is a learner).

Any other column is an error naming it: an unknown header is most often a misspelt one (`N I P`,
`Unit Kerja OPD`), and importing without it would drop data silently; columns the import does not
need (birth place, rank) hold personal data that has no place in the file anyway.

Text is taken literally: a name beginning with `=`, `+`, `-` or `@` is stored as written (exports
neutralise such cells for Excel; the app shows text as text). What is refused, per row and column:
an empty name, a control character, a cell holding one of Excel's error values (`#N/A`, `#REF!`), text
longer than the app's fields, a NIP breaking BKN's structure (`vocab_tui.nip`), a NIP that Excel kept
as a number (its last digits are rounded away), an unknown role word, and a second row for the same
NIP or the same name and unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .i18n import _
from .nip import NipError, parse_nip
from .spreadsheet import SpreadsheetError, Table, map_headers, where
from .store.errors import same_person_key
from .text import control_characters, describe_character

NAME_MAX = 80  # as the new-profile dialog allows
UNIT_MAX = 120

HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("nama", "nama lengkap", "nama pegawai", "full name"),
    "unit": ("unit kerja", "opd", "perangkat daerah", "satuan kerja", "department"),
    "nip": ("nip baru", "nomor induk pegawai", "employee number"),
    "role": ("peran",),
}

ROLE_WORDS: dict[str, str] = {
    "learner": "learner", "pegawai": "learner", "peserta": "learner",
    "trainer": "trainer", "pelatih": "trainer", "fasilitator": "trainer",
    "manager": "manager", "manajer": "manager", "pimpinan": "manager",
}

_EXCEL_ERRORS = ("#N/A", "#NAME?", "#REF!", "#VALUE!", "#DIV/0!", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                 "#GETTING_DATA")


@dataclass(frozen=True)
class StaffRecord:
    """One checked row of a staff list."""

    row: int  # as the spreadsheet shows it (header = 1)
    name: str
    unit: str
    nip: str | None  # 18 digits, or None
    role: str | None  # one of models.ROLES, or None to keep the profile's


def known_headers() -> str:
    """Every accepted header, for messages: 'nama, nama lengkap, ..., name, unit kerja, ...'."""
    return ", ".join(name for key, aliases in HEADERS.items() for name in (*aliases, key))


def role_from_word(word: str) -> str | None:
    """The role a word names (either language, any case), or None for a word that names none."""
    return ROLE_WORDS.get(" ".join(word.split()).casefold())


def read_staff_list(table: Table, today: date) -> tuple[list[StaffRecord], list[str]]:
    """Check every row of `table`; returns (records, problems), a problem being one line naming its place.

    `today` is the office's local date (a NIP's appointment month may not be after it). Raises
    SpreadsheetError when the columns are wrong (no name column, an unknown one, one named twice).
    """
    columns, unknown = map_headers(table, HEADERS)
    if unknown:
        names = ", ".join(f"“{header}”" for _index, header in unknown)
        raise SpreadsheetError(_("{path}: unknown column {names}; the columns may be: {known}. Rename the column, "
                                 "or delete it from the file").format(path=table.path, names=names,
                                                                      known=known_headers()))
    if "name" not in columns:
        raise SpreadsheetError(_("{path}: no column of names; the first row must name it “nama” or “name”")
                               .format(path=table.path))
    records: list[StaffRecord] = []
    problems: list[str] = []
    by_nip: dict[str, int] = {}
    by_person: dict[tuple[str, str], int] = {}
    for row in table.rows:
        found: list[str] = []
        cells = {key: row.get(index) for key, index in columns.items()}
        for key, index in columns.items():
            text = cells[key]
            if bad := control_characters(text):
                found.append(where(table, row, index) + ": " + _(
                    "a control character ({char}) at position {position}; type the cell again without it").format(
                    char=describe_character(text[bad[0]]), position=bad[0] + 1))
            elif text.upper() in _EXCEL_ERRORS:
                found.append(where(table, row, index) + ": " + _(
                    "the cell holds Excel's error value {value}; fix its formula or type the value").format(value=text))
        if found:
            problems.extend(found)
            continue
        name, unit = " ".join(cells["name"].split()), " ".join(cells.get("unit", "").split())
        if not name:
            found.append(where(table, row, columns["name"]) + ": " + _("the name is empty"))
        elif len(name) > NAME_MAX:
            found.append(where(table, row, columns["name"]) + ": " + _(
                "the name has {count} characters; at most {limit} fit").format(count=len(name), limit=NAME_MAX))
        if len(unit) > UNIT_MAX:
            found.append(where(table, row, columns["unit"]) + ": " + _(
                "the unit has {count} characters; at most {limit} fit").format(count=len(unit), limit=UNIT_MAX))
        nip = None
        if "nip" in columns and cells["nip"]:
            place = where(table, row, columns["nip"])
            if columns["nip"] in row.numbers:
                found.append(place + ": " + _(
                    "Excel kept this NIP as a number, which rounds away its last digits; format the column as "
                    "Text and type the NIPs again (or start each with an apostrophe: '1985…)"))
            else:
                try:
                    nip = parse_nip(cells["nip"], today).digits
                except NipError as err:
                    found.extend(place + ": " + problem for problem in err.problems)
        role = None
        if "role" in columns and cells["role"]:
            role = role_from_word(cells["role"])
            if role is None:
                found.append(where(table, row, columns["role"]) + ": " + _(
                    "unknown role “{word}”; write one of: {words}").format(word=cells["role"],
                                                                          words=", ".join(ROLE_WORDS)))
        if nip is not None and nip in by_nip:
            found.append(where(table, row, columns["nip"]) + ": " + _(
                "the same NIP as row {row}; each person is one row").format(row=by_nip[nip]))
        person = same_person_key(name, unit)
        if nip is None and name and person in by_person:
            found.append(where(table, row) + ": " + _(
                "the same name and unit as row {row}, and no NIP to tell them apart; keep one row, or give "
                "each its NIP").format(row=by_person[person]))
        if found:
            problems.extend(found)
            continue
        if nip is not None:
            by_nip[nip] = row.number
        else:
            by_person.setdefault(person, row.number)
        records.append(StaffRecord(row.number, name, unit, nip, role))
    return records, problems
