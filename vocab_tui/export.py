"""Exports of a `reports.Report` as CSV, XLSX and JSON, for managers and the city's other systems.

The formats and their columns are documented in docs/manager-guide.*.md. Every writer streams: the
learner rows come from database cursors one at a time (XLSX through XlsxWriter's constant_memory mode),
so memory does not grow with the number of learners or reviews. Files are written to a temporary file in
the target folder, created 0600, and renamed into place when complete (`private_output`).

Names of people are data: in CSV a text cell that a spreadsheet would read as a formula (it begins with
=, +, -, @, tab or carriage return) gets a leading apostrophe; XLSX cells are written as strings, never as
formulas. `--pseudonymise` replaces names and NIPs by keyed codes (`Pseudonyms`).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import json
import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import IO, Any

from .clock import iso
from .i18n import _
from .models import role_name
from .reports import DailyRow, LearnerDeckRow, LearnerRow, Metrics, Person, Report

FORMATS = ("csv", "xlsx", "json")
JSON_SCHEMA_VERSION = 1
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# CSV columns, one row per learner x deck (documented in the manager guide).
CSV_COLUMNS = (
    "learner_id", "name", "nip", "unit", "role", "deck_id", "deck_title", "first_day", "last_day",
    "cards_introduced", "cards_mature", "cards_due_now", "reviews", "study_minutes", "retention_reviews",
    "retention_passed", "true_retention", "active_days", "current_streak", "longest_streak", "last_studied",
)

Progress = Callable[[int], None]  # told how many more learner rows were written


class ExportError(Exception):
    """An export that cannot be written: the message says what and where."""


def neutralise(cell: Any) -> Any:
    """A CSV cell a spreadsheet takes as text: strings beginning like a formula get a leading "'".

    Numbers (int, float) are returned as they are; None becomes "".
    """
    if cell is None:
        return ""
    if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return cell


# -- pseudonyms ---------------------------------------------------------------------------------


class Pseudonyms:
    """Stable codes for people: HMAC-SHA256 with a secret kept beside the database (`<db>.pseudonym-key`, 0600).

    The same learner gets the same code in every export from that database, and nobody can go from a
    code back to the person without the secret. Deleting the key file starts a new series of codes.
    """

    def __init__(self, secret: bytes):
        self._secret = secret

    @classmethod
    def for_database(cls, db_path: Path) -> Pseudonyms:
        """Read the database's key, making it (32 random bytes, 0600) the first time; raises ExportError."""
        key_path = Path(str(db_path) + ".pseudonym-key")
        try:
            return cls(_read_or_create_key(key_path))
        except OSError as err:
            raise ExportError(_("Cannot read or create the pseudonym key {path}: {error}").format(
                path=key_path, error=err.strerror or err)) from None

    def _code(self, kind: str, value: str) -> str:
        digest = hmac.new(self._secret, f"{kind}:{value}".encode(), hashlib.sha256).digest()
        return base64.b32encode(digest[:10]).decode("ascii")[:12]

    def person(self, person: Person) -> Person:
        return Person(0, "P-" + self._code("learner", str(person.id)), person.unit,
                      None if person.nip is None else "N-" + self._code("nip", person.nip), person.role)


def _read_or_create_key(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    if len(data) >= 32:
        return data
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, secrets.token_bytes(32))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(temp, path)  # only one process's key wins; the others read it
    except FileExistsError:
        pass
    finally:
        os.unlink(temp)
    return path.read_bytes()


# -- files ----------------------------------------------------------------------------------------


@contextmanager
def private_output(path: Path) -> Iterator[IO[bytes]]:
    """A binary file that becomes `path` only when the block ends without error: written to a temporary
    file in the same folder, created 0600, then renamed over `path`. Raises ExportError when it cannot be."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ExportError(_("{path} is a folder; give a file name, e.g. {example}").format(
            path=path, example=path / "progress.xlsx"))
    temp = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as err:
        raise ExportError(_("Cannot write in the folder {folder}: {error}").format(
            folder=folder.resolve(), error=err.strerror or err)) from None
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


# -- rows ------------------------------------------------------------------------------------------


@dataclass
class ExportOptions:
    pseudonyms: Pseudonyms | None = None
    tz: tzinfo | None = None  # the office's zone, for local times in XLSX (CSV and JSON give UTC)
    progress: Progress | None = None


def _person(person: Person, options: ExportOptions) -> Person:
    return options.pseudonyms.person(person) if options.pseudonyms else person


def _retention(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _metric_values(m: Metrics) -> list[Any]:
    return [m.introduced, m.mature, m.due_now, m.reviews, m.study_minutes, m.retention_reviews, m.retention_passed,
            _retention(m.retention), m.active_days, m.current_streak, m.longest_streak,
            iso(m.last_studied) if m.last_studied else None]


def _learner_id(person: Person, options: ExportOptions) -> int | None:
    return None if options.pseudonyms else person.id


def _days(report: Report) -> list[str | None]:
    return [d.isoformat() if d else None for d in (report.first_day, report.last_day)]


# -- CSV -------------------------------------------------------------------------------------------


def write_csv(report: Report, out: IO[bytes], options: ExportOptions) -> int:
    """One row per learner x deck (CSV_COLUMNS), UTF-8 with a BOM, "," and CRLF; returns the number of rows."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(CSV_COLUMNS)
    rows = 0
    days = _days(report)
    for row in report.learner_decks():
        person = _person(row.learner, options)
        writer.writerow([neutralise(v) for v in [
            _learner_id(row.learner, options), person.name, person.nip, person.unit, person.role, row.deck_id,
            row.deck_title, *days, *_metric_values(row.metrics)]])
        rows += 1
        if options.progress:
            options.progress(1)
    text.flush()
    text.detach()
    return rows


# -- JSON ------------------------------------------------------------------------------------------


def _metrics_json(m: Metrics) -> dict[str, Any]:
    return {
        "cards_introduced": m.introduced, "cards_mature": m.mature, "cards_due_now": m.due_now,
        "reviews": m.reviews, "study_ms": m.study_ms, "study_minutes": m.study_minutes,
        "retention_reviews": m.retention_reviews, "retention_passed": m.retention_passed,
        "true_retention": _retention(m.retention), "active_days": m.active_days,
        "current_streak": m.current_streak, "longest_streak": m.longest_streak,
        "last_studied": iso(m.last_studied) if m.last_studied else None,
    }


def _daily_json(row: DailyRow) -> dict[str, Any]:
    return {"day": row.day.isoformat(), "unit": row.unit, "reviews": row.reviews, "cards_introduced": row.introduced,
            "study_ms": row.study_ms, "study_minutes": row.study_minutes, "active_learners": row.active_learners,
            "retention_reviews": row.retention_reviews, "retention_passed": row.retention_passed,
            "true_retention": _retention(row.retention)}


def _person_json(person: Person, original: Person, options: ExportOptions) -> dict[str, Any]:
    return {"learner_id": _learner_id(original, options), "name": person.name, "nip": person.nip,
            "unit": person.unit, "role": person.role}


def _learners_with_decks(report: Report) -> Iterator[tuple[LearnerRow, list[LearnerDeckRow]]]:
    """Each learner with their deck rows: two cursors in the same order, read side by side."""
    pairs = report.learner_decks()
    pending: LearnerDeckRow | None = next(pairs, None)
    for learner in report.learners():
        decks = []
        while pending is not None and pending.learner.id == learner.learner.id:
            decks.append(pending)
            pending = next(pairs, None)
        yield learner, decks


def write_json(report: Report, out: IO[bytes], options: ExportOptions, *, generator: str = "vocab-tui") -> int:
    """The report as one JSON object (schema in the manager guide, `schema_version` 1), written piece by
    piece: learners are streamed. Returns the number of learners."""
    def put(text: str) -> None:
        out.write(text.encode("utf-8"))

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    city = report.city()
    scope = report.scope
    head = {
        "schema_version": JSON_SCHEMA_VERSION,
        "generator": generator,
        "generated_at": iso(report.generated_at),
        "range": {"since": scope.since.isoformat() if scope.since else None,
                  "until": scope.until.isoformat() if scope.until else None,
                  "first_day": _days(report)[0], "last_day": _days(report)[1],
                  "timezone": report.timezone, "day_starts_at": report.day_starts_at},
        "filters": {"units": list(scope.units) if scope.units is not None else None,
                    "decks": list(scope.deck_ids) if scope.deck_ids is not None else None,
                    "learners": list(scope.learner_ids) if scope.learner_ids is not None else None},
        "pseudonymised": options.pseudonyms is not None,
        "city": {"learners": city.learners, "active_learners": city.active_learners, **_metrics_json(city.metrics)},
    }
    put(dump(head)[:-1])
    put(', "units": [' + ", ".join(dump({"unit": u.unit, "learners": u.learners, "active_learners": u.active_learners,
                                           **_metrics_json(u.metrics)}) for u in report.units()) + "]")
    put(', "decks": [' + ", ".join(dump({"deck_id": d.deck_id, "title": d.title, "active_learners": d.active_learners,
                                           **_metrics_json(d.metrics)}) for d in report.decks()) + "]")
    put(', "daily": [' + ", ".join(dump(_daily_json(d)) for d in report.daily()) + "]")
    put(', "learners": [')
    count = 0
    for learner, decks in _learners_with_decks(report):
        person = _person(learner.learner, options)
        item = {**_person_json(person, learner.learner, options), **_metrics_json(learner.metrics),
                "decks": [{"deck_id": d.deck_id, "deck_title": d.deck_title, **_metrics_json(d.metrics)} for d in decks]}
        put(("\n" if count == 0 else ",\n") + dump(item))
        count += 1
        if options.progress:
            options.progress(len(decks))
    put("\n]}\n")
    return count


# -- XLSX ------------------------------------------------------------------------------------------


def _local(moment: datetime | None, tz: tzinfo | None) -> datetime | None:
    if moment is None:
        return None
    return (moment.astimezone(tz) if tz else moment).replace(tzinfo=None)


class _Sheet:
    """One worksheet written row after row (constant_memory), with typed cells."""

    def __init__(self, book: Any, name: str, columns: list[tuple[str, str, int]], formats: dict[str, Any]):
        self.ws = book.add_worksheet(name)
        self.columns = columns
        self.formats = formats
        for index, (_title, kind, width) in enumerate(columns):
            self.ws.set_column(index, index, width, formats.get(kind))
        self.ws.freeze_panes(1, 0)
        for index, (title, _kind, _width) in enumerate(columns):
            self.ws.write_string(0, index, title, formats["header"])
        self.row = 1

    def add(self, values: Iterable[Any]) -> None:
        for col, ((_title, kind, _width), value) in enumerate(zip(self.columns, values, strict=True)):
            fmt = self.formats.get(kind)
            if value is None:
                self.ws.write_blank(self.row, col, None, fmt)
            elif kind == "text":
                self.ws.write_string(self.row, col, str(value), fmt)
            elif kind in ("date", "datetime"):
                self.ws.write_datetime(self.row, col, value, fmt)
            else:
                self.ws.write_number(self.row, col, value, fmt)
        self.row += 1

    def close(self) -> None:
        self.ws.autofilter(0, 0, max(self.row - 1, 1), len(self.columns) - 1)


def _metric_columns() -> list[tuple[str, str, int]]:
    return [(_("Cards introduced"), "int", 10), (_("Cards mature"), "int", 10), (_("Cards due now"), "int", 10),
            (_("Reviews"), "int", 10), (_("Study minutes"), "minutes", 10), (_("Retention reviews"), "int", 11),
            (_("True retention"), "percent", 10), (_("Active days"), "int", 9), (_("Current streak"), "int", 9),
            (_("Longest streak"), "int", 9), (_("Last studied"), "datetime", 17)]


def _metric_cells(m: Metrics, tz: tzinfo | None) -> list[Any]:
    return [m.introduced, m.mature, m.due_now, m.reviews, m.study_minutes, m.retention_reviews, m.retention,
            m.active_days, m.current_streak, m.longest_streak, _local(m.last_studied, tz)]


def write_xlsx(report: Report, out: IO[bytes], options: ExportOptions) -> int:
    """A workbook with sheets Summary, Units, Learners, Learner decks, Decks and Daily activity, and a line
    chart of daily reviews per unit on the Summary. Returns the number of learner x deck rows."""
    import xlsxwriter  # deferred: only exports need it

    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    formats = {
        "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 1, "text_wrap": True,
                                   "valign": "top"}),
        "int": book.add_format({"num_format": "0"}),
        "minutes": book.add_format({"num_format": "0.0"}),
        "percent": book.add_format({"num_format": "0.0%"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "label": book.add_format({"bold": True}),
    }
    tz = options.tz
    summary = book.add_worksheet(_("Summary"))
    units_sheet = _Sheet(book, _("Units"), [(_("Unit"), "text", 24), (_("Learners"), "int", 9),
                                            (_("Learners who studied"), "int", 10), *_metric_columns()], formats)
    learners_sheet = _Sheet(book, _("Learners"), [
        (_("Learner ID"), "int", 8), (_("Name"), "text", 28), (_("NIP"), "text", 20), (_("Unit"), "text", 24),
        (_("Role"), "text", 10), *_metric_columns()], formats)
    pairs_sheet = _Sheet(book, _("Learner decks"), [
        (_("Learner ID"), "int", 8), (_("Name"), "text", 28), (_("NIP"), "text", 20), (_("Unit"), "text", 24),
        (_("Deck ID"), "text", 20), (_("Deck"), "text", 28), *_metric_columns()], formats)
    decks_sheet = _Sheet(book, _("Decks"), [(_("Deck ID"), "text", 20), (_("Deck"), "text", 28),
                                            (_("Learners who studied"), "int", 10), *_metric_columns()], formats)

    # Summary: the scope, the city's numbers, and the chart (drawn from the Daily activity sheet).
    city = report.city()
    summary.set_column(0, 0, 30)
    summary.set_column(1, 1, 22)
    summary.write_string(0, 0, _("Study progress"), formats["title"])
    facts: list[tuple[str, Any, str | None]] = [
        (_("From (study day)"), report.first_day, "date"), (_("To (study day)"), report.last_day, "date"),
        (_("Time zone"), _("{zone}; a study day starts at {hour}:00").format(
            zone=report.timezone, hour=f"{report.day_starts_at:02d}"), None),
        (_("Units"), ", ".join(report.scope.units) if report.scope.units else _("all"), None),
        (_("Decks"), ", ".join(report.scope.deck_ids) if report.scope.deck_ids else _("all"), None),
        (_("Names"), _("pseudonymised") if options.pseudonyms else _("shown"), None),
        (_("Made at"), _local(report.generated_at, tz), "datetime"),
        (_("Learners"), city.learners, "int"), (_("Learners who studied"), city.active_learners, "int"),
    ]
    facts += list(zip([c[0] for c in _metric_columns()], _metric_cells(city.metrics, tz),
                      [c[1] for c in _metric_columns()], strict=True))
    for row, (label, value, kind) in enumerate(facts, start=2):
        summary.write_string(row, 0, label, formats["label"])
        if value is None:
            continue
        if kind is None:
            summary.write_string(row, 1, str(value))
        elif kind in ("date", "datetime"):
            summary.write_datetime(row, 1, value, formats[kind])
        else:
            summary.write_number(row, 1, value, formats[kind])

    for unit in report.units():
        units_sheet.add([unit.unit, unit.learners, unit.active_learners, *_metric_cells(unit.metrics, tz)])
    for deck in report.decks():
        decks_sheet.add([deck.deck_id, deck.title, deck.active_learners, *_metric_cells(deck.metrics, tz)])
    for learner in report.learners():
        person = _person(learner.learner, options)
        learners_sheet.add([_learner_id(learner.learner, options), person.name, person.nip, person.unit,
                            role_name(person.role),
                            *_metric_cells(learner.metrics, tz)])
    rows = 0
    for pair in report.learner_decks():
        person = _person(pair.learner, options)
        pairs_sheet.add([_learner_id(pair.learner, options), person.name, person.nip, person.unit, pair.deck_id,
                         pair.deck_title, *_metric_cells(pair.metrics, tz)])
        rows += 1
        if options.progress:
            options.progress(1)

    # Daily activity: a day a row, the city's totals, then each unit's reviews in its own column.
    daily = report.daily()
    units = sorted({d.unit for d in daily}, key=str.casefold)
    per_day: dict[date, dict[str, DailyRow]] = {}
    for d in daily:
        per_day.setdefault(d.day, {})[d.unit] = d
    day_sheet = _Sheet(book, _("Daily activity"), [
        (_("Study day"), "date", 12), (_("Reviews"), "int", 10), (_("Cards introduced"), "int", 10),
        (_("Study minutes"), "minutes", 10), (_("Learners who studied"), "int", 10), (_("True retention"), "percent", 10),
        *[(_("Reviews: {unit}").format(unit=unit or "-"), "int", 12) for unit in units]], formats)
    for day in sorted(per_day):
        rows_of_day = per_day[day].values()
        total = sum(r.retention_reviews for r in rows_of_day)
        passed = sum(r.retention_passed for r in rows_of_day)
        day_sheet.add([datetime.combine(day, datetime.min.time()), sum(r.reviews for r in rows_of_day),
                       sum(r.introduced for r in rows_of_day), round(sum(r.study_ms for r in rows_of_day) / 60000, 1),
                       sum(r.active_learners for r in rows_of_day), passed / total if total else None,
                       *[per_day[day][u].reviews if u in per_day[day] else 0 for u in units]])
    for sheet in (units_sheet, learners_sheet, pairs_sheet, decks_sheet, day_sheet):
        sheet.close()

    if per_day:
        chart = book.add_chart({"type": "line"})
        last = len(per_day)
        name = day_sheet.ws.name
        for index, unit in enumerate(units):
            col = 6 + index
            chart.add_series({"name": [name, 0, col], "categories": [name, 1, 0, last, 0],
                              "values": [name, 1, col, last, col], "marker": {"type": "none"}})
        chart.set_title({"name": _("Daily reviews per unit")})
        chart.set_x_axis({"date_axis": True, "num_format": "dd/mm"})
        chart.set_y_axis({"name": _("Reviews")})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 900, "height": 420})
        summary.insert_chart(1, 3, chart)
    book.close()
    return rows


WRITERS: dict[str, Callable[[Report, IO[bytes], ExportOptions], int]] = {
    "csv": write_csv, "xlsx": write_xlsx, "json": write_json,
}


def default_file_name(fmt: str, report: Report) -> str:
    """e.g. vocab-progress-2026-10-01-2026-10-31.xlsx"""
    days = "-".join(d for d in _days(report) if d) or report.generated_at.date().isoformat()
    return f"vocab-progress-{days}.{fmt}"


def export_report(report: Report, fmt: str, out: IO[bytes], options: ExportOptions) -> int:
    """Write `report` in `fmt` (one of FORMATS) to `out`; returns the number of learner rows written."""
    if fmt not in WRITERS:
        raise ExportError(_("Unknown format '{format}'; use csv, xlsx or json").format(format=fmt))
    return WRITERS[fmt](report, out, options)
