"""Exports: CSV, XLSX and JSON carry the metrics' numbers, in documented columns and real types, safely."""

from __future__ import annotations

import csv
import io
import json
import stat
import zipfile
from datetime import datetime

import openpyxl
import pytest
from click.testing import CliRunner

from vocab_tui.cli import build_cli
from vocab_tui.config import Config
from vocab_tui.export import CSV_COLUMNS, ExportOptions, Pseudonyms, export_report, neutralise, private_output
from vocab_tui.reports import Person, ReportScope, open_report

from .test_reports import office  # noqa: F401  (the hand-built history)

EVIL = '=HYPERLINK("http://x","y")'


@pytest.fixture
def evil_office(office):  # noqa: F811
    store, clock, ids = office
    evil = store.add_learner(EVIL, "+Unit").id
    return store, clock, (*ids, evil)


def export(store, clock, fmt, path, scope=ReportScope(), pseudonyms=None) -> int:
    with open_report(store, scope, clock) as report, private_output(path) as out:
        return export_report(report, fmt, out, ExportOptions(pseudonyms=pseudonyms, tz=clock.tz))


def metrics_of(store, clock, scope=ReportScope()):
    with open_report(store, scope, clock) as report:
        return report.city(), {r.learner.id: r.metrics for r in report.learners()}


def test_neutralise_turns_formulas_into_text_and_leaves_numbers():
    for text in ("=1+1", "+62 811", "-5", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("Ani") == "Ani" and neutralise(3) == 3 and neutralise(0.5) == 0.5 and neutralise(None) == ""


def test_csv_columns_bom_mode_totals_and_formula_names(evil_office, tmp_path):
    store, clock, (a, b, c, evil) = evil_office
    path = tmp_path / "out" / "progress.csv"
    path.parent.mkdir()
    assert export(store, clock, "csv", path) == 8  # 4 learners x 2 decks
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["progress.csv"]  # no temporary file left
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    city, people = metrics_of(store, clock)
    assert sum(int(r["reviews"]) for r in rows) == city.metrics.reviews == 11
    assert sum(int(r["cards_introduced"]) for r in rows) == city.metrics.introduced
    assert sum(float(r["study_minutes"]) for r in rows) == pytest.approx(city.metrics.study_ms / 60000, abs=0.2)
    ani_alpha = next(r for r in rows if r["learner_id"] == str(a) and r["deck_id"] == "alpha")
    assert (ani_alpha["reviews"], ani_alpha["active_days"], ani_alpha["longest_streak"]) == ("9", "7", "4")
    assert ani_alpha["true_retention"] == "0.6667" and ani_alpha["last_studied"].startswith("2026-11-05T03:00")
    bad = [r for r in rows if r["learner_id"] == str(evil)]
    assert bad[0]["name"] == "'" + EVIL and bad[0]["unit"] == "'+Unit"
    assert "\n=HYPERLINK" not in raw.decode("utf-8-sig") and ",=" not in raw.decode("utf-8-sig")


def test_json_schema_totals_and_nesting(evil_office, tmp_path):
    store, clock, (a, b, c, evil) = evil_office
    path = tmp_path / "progress.json"
    export(store, clock, "json", path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert data["schema_version"] == 1 and data["pseudonymised"] is False
    assert data["range"]["day_starts_at"] == 4 and data["range"]["first_day"] == "2026-10-25"
    city, people = metrics_of(store, clock)
    assert data["city"]["reviews"] == city.metrics.reviews == sum(u["reviews"] for u in data["units"])
    assert data["city"]["learners"] == 4
    ani = next(x for x in data["learners"] if x["learner_id"] == a)
    assert ani["reviews"] == people[a].reviews == sum(d["reviews"] for d in ani["decks"]) == 10
    assert (ani["current_streak"], ani["longest_streak"], ani["active_days"]) == (3, 4, 8)
    assert [d["deck_id"] for d in ani["decks"]] == ["alpha", "beta"]
    assert sum(d["reviews"] for d in data["daily"]) == 11
    assert next(x for x in data["learners"] if x["learner_id"] == evil)["name"] == EVIL  # JSON keeps text as text


def test_xlsx_sheets_types_and_chart(evil_office, tmp_path):
    store, clock, (a, b, c, evil) = evil_office
    path = tmp_path / "progress.xlsx"
    export(store, clock, "xlsx", path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Summary", "Units", "Learners", "Learner decks", "Decks", "Daily activity"]
    learners = book["Learners"]
    header = [cell.value for cell in learners[1]]
    assert header[:5] == ["Learner ID", "Name", "NIP", "Unit", "Role"]
    assert learners.freeze_panes == "A2" and learners.auto_filter.ref.startswith("A1:")
    assert learners["A1"].font.b
    rows = {row[0].value: row for row in learners.iter_rows(min_row=2)}
    ani = rows[a]
    col = {name: i for i, name in enumerate(header)}
    assert ani[col["Reviews"]].value == 10 and ani[col["Reviews"]].data_type == "n"
    assert ani[col["True retention"]].value == pytest.approx(2 / 3)
    assert ani[col["True retention"]].number_format == "0.0%"
    assert ani[col["Last studied"]].value == datetime(2026, 11, 5, 10, 0)  # local time (WIB)
    assert ani[col["Last studied"]].is_date
    assert rows[evil][col["Name"]].value == EVIL and rows[evil][col["Name"]].data_type == "s"
    assert ani[col["Role"]].value == "learner"  # the role as people read it (in Indonesian: "peserta")
    units = {row[0].value: row[6].value for row in book["Units"].iter_rows(min_row=2)}  # column G: reviews
    assert units == {"+Unit": 0, "Bappeda": 1, "Diskominfo": 10}
    daily = book["Daily activity"]
    assert daily["A2"].is_date and daily["A2"].value == datetime(2026, 10, 25)
    assert sum(row[1].value for row in daily.iter_rows(min_row=2)) == 11
    assert [cell.value for cell in daily[1]][6:] == ["Reviews: Bappeda", "Reviews: Diskominfo"]
    assert len(book["Summary"]._charts) == 1
    names = zipfile.ZipFile(path).namelist()
    assert "xl/charts/chart1.xml" in names
    chart = zipfile.ZipFile(path).read("xl/charts/chart1.xml").decode()
    assert "<c:lineChart>" in chart and "'Daily activity'!$G$2:$G$" in chart


def test_pseudonyms_are_stable_and_hide_names(evil_office, tmp_path):
    store, clock, (a, b, c, evil) = evil_office
    store.db.execute("UPDATE learners SET nip = '199001012015031001' WHERE id = ?", [a])
    codes = []
    for n in range(2):
        path = tmp_path / f"p{n}.json"
        export(store, clock, "json", path, pseudonyms=Pseudonyms.for_database(store.path))
        text = path.read_text(encoding="utf-8")
        assert "Ani" not in text and "199001012015031001" not in text and EVIL not in text
        data = json.loads(text)
        assert data["pseudonymised"] is True
        codes.append([(x["name"], x["nip"], x["learner_id"]) for x in data["learners"]])
    assert codes[0] == codes[1]  # the same person, the same code, export after export
    assert len({name for name, _nip, _id in codes[0]}) == 4
    assert all(name.startswith("P-") and learner_id is None for name, _nip, learner_id in codes[0])
    key = store.path.with_name(store.path.name + ".pseudonym-key")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    ani = Person(a, "Ani", "Diskominfo", None, "learner")
    assert Pseudonyms.for_database(store.path).person(ani).name in {name for name, _nip, _id in codes[0]}
    assert Pseudonyms(b"x" * 32).person(ani).name != Pseudonyms.for_database(store.path).person(ani).name


def test_cli_export(evil_office, tmp_path):
    store, clock, _ids = evil_office
    db = str(store.path)
    runner = CliRunner()
    cli = build_cli(Config(timezone="Asia/Jakarta"))  # the office's zone, as in the hand-built history
    out = tmp_path / "city.xlsx"
    result = runner.invoke(cli, ["export", "--db", db, "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output and stat.S_IMODE(out.stat().st_mode) == 0o600
    result = runner.invoke(cli, ["export", "--db", db, "--format", "csv", "--unit", "diskominfo",
                                         "--since", "2026-10-28", "--until", "2026-10-31"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    assert {r["name"] for r in rows} == {"Ani"} and sum(int(r["reviews"]) for r in rows) == 4
    for args, words in [(["--format", "xlsx"], "-o"), (["--format", "csv", "--since", "2026-02-30"], "YYYY-MM-DD"),
                        (["--format", "csv", "--unit", "Nope"], "No unit called 'Nope'"),
                        (["--format", "json", "--deck", "gamma"], "No deck with id 'gamma'"),
                        (["--format", "json", "--learner", "99"], "No learner with id 99")]:
        result = runner.invoke(cli, ["export", "--db", db, *args])
        assert result.exit_code == 2 and words in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_the_workbook_names_roles_in_the_interface_language_and_the_csv_keeps_the_codes(evil_office, tmp_path):
    from vocab_tui.i18n import set_language

    store, clock, (a, b, c, evil) = evil_office
    set_language("id")
    try:
        export(store, clock, "xlsx", tmp_path / "kemajuan.xlsx")
        export(store, clock, "csv", tmp_path / "kemajuan.csv")
    finally:
        set_language("en")
    sheet = openpyxl.load_workbook(tmp_path / "kemajuan.xlsx")["Peserta"]
    header = [cell.value for cell in sheet[1]]
    roles = {row[0].value: row[header.index("Peran")].value for row in sheet.iter_rows(min_row=2)}
    assert roles[a] == "peserta"
    with open(tmp_path / "kemajuan.csv", encoding="utf-8-sig", newline="") as handle:
        assert {row["role"] for row in csv.DictReader(handle)} == {"learner"}
