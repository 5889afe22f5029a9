"""Reading a table that people keep in Excel: CSV, TSV or XLSX, with the first row naming the columns.

Used by `learners import` (a staff list) and `decks import` (a word list). Row numbers are the ones the
spreadsheet shows: the header is row 1, so the first data row is row 2. Every cell comes back as text,
stripped; what a number or a date in an XLSX cell became is recorded, so a caller can refuse, for
example, an 18-digit NIP that Excel kept as a number and so rounded.

CSV and TSV files must be UTF-8 (with or without a byte-order mark; UTF-16 with a mark, which Excel's
"Unicode Text" writes, is read too). The delimiter is found from the header row: comma, semicolon
(what Excel writes in an Indonesian locale, where the comma is the decimal separator) or tab.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from .i18n import N_, _

MAX_BYTES = 20 * 1024 * 1024  # a staff list or a word list is far smaller; a bigger file is a mistake
MAX_ROWS = 100_000
DELIMITERS = (",", ";", "\t")
_EXCEL_UTF8 = N_(
    "In Excel choose File > Save As and the type \"CSV UTF-8 (Comma delimited) (*.csv)\", "
    "or save the sheet as .xlsx"
)


class SpreadsheetError(Exception):
    """A table that cannot be read; the message says which file, where, and what to do."""


@dataclass(frozen=True)
class Row:
    """One data row: its number as the spreadsheet shows it (header = 1) and its cells as text."""

    number: int
    cells: tuple[str, ...]
    # Indexes of cells that held a number in an XLSX file (digits beyond 15 may have been rounded).
    numbers: frozenset[int] = field(default_factory=frozenset)

    def get(self, index: int | None) -> str:
        """The cell at `index`, or "" when the column is absent or the row is short."""
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index]


@dataclass(frozen=True)
class Table:
    path: Path
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    delimiter: str | None = None  # None for XLSX
    sheet: str | None = None  # the XLSX sheet read


def column_letter(index: int) -> str:
    """Excel's name of a column from its 0-based index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def normalise_header(text: str) -> str:
    """A header as compared with known names: lower case, spaces, '_' and '-' as one space."""
    return re.sub(r"[\s_\-]+", " ", text.strip().lower())


def map_headers(
    table: Table, known: Mapping[str, tuple[str, ...]]
) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Match the table's headers to fields: `known` gives each field its accepted names (any language).

    Returns (field -> column index, the (index, header) of columns that match no field). Matching
    ignores case, surrounding spaces, and treats '_', '-' and spaces alike. Raises SpreadsheetError
    when two columns name one field.
    """
    names = {normalise_header(name): key for key, aliases in known.items() for name in (key, *aliases)}
    found: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    for index, header in enumerate(table.headers):
        key = names.get(normalise_header(header))
        if key is None:
            if header.strip():
                unknown.append((index, header))
            continue
        if key in found:
            raise SpreadsheetError(_(
                "{path}: columns {first} and {second} both give \"{field}\"; keep one of them"
            ).format(path=table.path, first=_column_name(table, found[key]), second=_column_name(table, index),
                     field=key))
        found[key] = index
    return found, unknown


def _column_name(table: Table, index: int) -> str:
    header = table.headers[index] if index < len(table.headers) else ""
    return f"{column_letter(index)} ({header})" if header else column_letter(index)


def where(table: Table, row: Row | int, column: int | None = None) -> str:
    """`path, row N, column C (header)` for messages about one place of the table."""
    number = row.number if isinstance(row, Row) else row
    text = _("{path}, row {row}").format(path=table.path, row=number)
    if column is not None:
        text += ", " + _("column {column}").format(column=_column_name(table, column))
    return text


def read_table(path: Path, sheet: str | None = None) -> Table:
    """Read a CSV, TSV or XLSX file (by its content, then its name); raises SpreadsheetError."""
    path = Path(path)
    try:
        if not path.is_file():
            raise SpreadsheetError(_("{path}: no such file").format(path=path))
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SpreadsheetError(_("{path}: the file is {size} MB; a table for import may be at most {limit} MB")
                                   .format(path=path, size=size // (1024 * 1024), limit=MAX_BYTES // (1024 * 1024)))
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as err:
        raise SpreadsheetError(_("{path}: cannot be read ({reason})").format(path=path, reason=err.strerror)) from None
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, sheet)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(_("{path}: this is an old Excel workbook (.xls); save it as .xlsx or as CSV UTF-8")
                               .format(path=path))
    if sheet is not None:
        raise SpreadsheetError(_("{path}: --sheet is for XLSX workbooks; this file is text (CSV or TSV)")
                               .format(path=path))
    return _read_text(path)


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass  # told below like any other encoding
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise SpreadsheetError(
            _("{path}, line {line}: the file is not UTF-8 text (byte 0x{byte:02x}); it was probably saved in "
              "another encoding, such as Windows-1252. {how}").format(
                path=path, line=line, byte=data[err.start], how=_(_EXCEL_UTF8))
        ) from None


def _delimiter(path: Path, text: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
    if path.suffix.lower() == ".tsv":
        return "\t"
    counts = {d: _count_outside_quotes(header, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","  # one column: any delimiter reads it


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def _read_text(path: Path) -> Table:
    text = _decode(path, path.read_bytes())
    if "\x00" in text:
        raise SpreadsheetError(_("{path}: this is not a text table (it holds NUL bytes). {how}")
                               .format(path=path, how=_(_EXCEL_UTF8)))
    delimiter = _delimiter(path, text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            records.append((number, record))
            if number > MAX_ROWS + 1:
                raise SpreadsheetError(_("{path}: more than {limit} rows; split the file")
                                       .format(path=path, limit=MAX_ROWS))
    except csv.Error as err:
        raise SpreadsheetError(_("{path}, line {line}: the quotes do not pair up ({reason}); a field that holds "
                                 "the delimiter, a quote or a line break must be in double quotes, with quotes "
                                 "inside it doubled").format(path=path, line=reader.line_num, reason=err)) from None
    return _table(path, [(n, [cell.strip() for cell in r], frozenset()) for n, r in records], delimiter, None)


def _table(path: Path, records: list[tuple[int, list[str], frozenset[int]]], delimiter: str | None,
           sheet: str | None) -> Table:
    records = [r for r in records if any(cell for cell in r[1])]
    if not records:
        raise SpreadsheetError(_("{path}: the table is empty; the first row must name the columns").format(path=path))
    (_number, headers, _numbers), *data = records
    rows = tuple(Row(number, tuple(cells), numbers) for number, cells, numbers in data)
    return Table(path, tuple(headers), rows, delimiter, sheet)


def _cell_text(value: object) -> tuple[str, bool]:
    """An XLSX cell's value as text, and whether it was a number."""
    if value is None:
        return "", False
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, (int, float)):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value), True
    if isinstance(value, datetime):
        return (value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")), False
    if isinstance(value, (date, time)):
        return value.isoformat(), False
    return str(value).strip(), False


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    import zipfile

    from openpyxl import load_workbook  # deferred: only imports need it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise SpreadsheetError(_("{path}: not a readable XLSX workbook ({reason}); open it in Excel and save it "
                                 "again as .xlsx").format(path=path, reason=err)) from None
    try:
        if sheet is None:
            worksheet = book.worksheets[0]
        elif sheet in book.sheetnames:
            worksheet = book[sheet]
        else:
            raise SpreadsheetError(_("{path}: no sheet named \"{sheet}\"; the sheets are: {names}").format(
                path=path, sheet=sheet, names=", ".join(book.sheetnames)))
        records = []
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 1:
                raise SpreadsheetError(_("{path}: more than {limit} rows; split the file")
                                       .format(path=path, limit=MAX_ROWS))
            cells, numbers = [], set()
            for index, value in enumerate(values):
                text, numeric = _cell_text(value)
                cells.append(text)
                if numeric:
                    numbers.add(index)
            while cells and not cells[-1]:
                cells.pop()
            records.append((number, cells, frozenset(numbers)))
        title = worksheet.title
    finally:
        book.close()
    return _table(path, records, None, title)
