"""Reading staff lists and word lists as Excel writes them: CSV (comma or semicolon), TSV, XLSX."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from vocab_tui.i18n import set_language
from vocab_tui.spreadsheet import SpreadsheetError, column_letter, map_headers, read_table, where

KNOWN = {"name": ("nama",), "unit": ("opd", "unit kerja"), "nip": ()}


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


def test_semicolon_with_bom_and_crlf_as_excel_writes_in_an_indonesian_locale(tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes("\ufeffNama;OPD;NIP\r\nSiti Rahayu;Diskominfo;198503122010012005\r\nAgus;Bappeda;\r\n"
                     .encode("utf-8"))
    table = read_table(path)
    assert table.delimiter == ";"
    assert table.headers == ("Nama", "OPD", "NIP")
    assert [(r.number, r.cells) for r in table.rows] == [
        (2, ("Siti Rahayu", "Diskominfo", "198503122010012005")), (3, ("Agus", "Bappeda", ""))]
    mapping, unknown = map_headers(table, KNOWN)
    assert mapping == {"name": 0, "unit": 1, "nip": 2} and unknown == []


def test_comma_and_quoted_fields_with_delimiters_quotes_and_line_breaks(tmp_path):
    path = tmp_path / "words.csv"
    path.write_text('term,example\n"firewall","Blocks traffic, ""bad"" traffic\non port 22"\n', encoding="utf-8")
    table = read_table(path)
    assert table.delimiter == ","
    assert table.rows[0].cells == ("firewall", 'Blocks traffic, "bad" traffic\non port 22')


def test_tab_separated_and_utf16_as_excels_unicode_text(tmp_path):
    path = tmp_path / "words.txt"
    path.write_bytes("istilah\tterjemahan\nkeamanan siber\tcybersecurity\n".encode("utf-16"))
    table = read_table(path)
    assert table.delimiter == "\t" and table.rows[0].cells == ("keamanan siber", "cybersecurity")


def test_a_file_in_another_encoding_is_refused_with_the_line_and_how_to_save_as_utf8(tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes("nama;opd\nAgus;Dinas Pendidikan\nJos\xe9;Bappeda\n".encode("cp1252"))
    with pytest.raises(SpreadsheetError) as err:
        read_table(path)
    assert "line 3" in str(err.value) and "not UTF-8" in str(err.value) and "CSV UTF-8" in str(err.value)


def test_unpaired_quotes_name_the_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text('term,example\nok,fine\nbad,"never closed\n', encoding="utf-8")
    table_or_error = None
    try:
        table_or_error = read_table(path)
    except SpreadsheetError as err:
        assert "quotes" in str(err)
    else:  # the csv module reads an unclosed quote to the end of the file: it must not vanish silently
        assert table_or_error.rows[-1].cells[1].startswith("never closed")


def test_old_xls_binary_and_empty_files_are_refused_with_what_to_do(tmp_path):
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(SpreadsheetError, match=r"\.xls.*save it as \.xlsx"):
        read_table(xls)
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(SpreadsheetError, match="empty"):
        read_table(empty)
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x00\x01\x02" * 10)
    with pytest.raises(SpreadsheetError, match="NUL"):
        read_table(binary)


def test_xlsx_sheets_numbers_and_dates(tmp_path):
    book = Workbook()
    first = book.active
    first.title = "Catatan"
    first.append(["nothing here"])
    staff = book.create_sheet("Pegawai")
    staff.append(["Nama", "Unit Kerja", "NIP"])
    staff.append(["Siti", "Diskominfo", 198503122010012005])  # Excel keeps it as a number: digits lost
    staff.append(["Agus", "Bappeda", "198503122010011003"])
    path = tmp_path / "pegawai.xlsx"
    book.save(path)

    table = read_table(path, sheet="Pegawai")
    assert table.sheet == "Pegawai" and table.headers == ("Nama", "Unit Kerja", "NIP")
    assert table.rows[0].number == 2 and 2 in table.rows[0].numbers
    assert table.rows[1].cells[2] == "198503122010011003" and not table.rows[1].numbers
    assert map_headers(table, KNOWN)[0] == {"name": 0, "unit": 1, "nip": 2}
    assert read_table(path).headers == ("nothing here",)  # the first sheet by default
    with pytest.raises(SpreadsheetError, match='no sheet named "Staff"; the sheets are: Catatan, Pegawai'):
        read_table(path, sheet="Staff")


def test_two_columns_for_one_field_and_unknown_columns(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("name,Nama,jabatan\nA,B,C\n", encoding="utf-8")
    table = read_table(path)
    with pytest.raises(SpreadsheetError, match=r"columns A \(name\) and B \(Nama\) both give \"name\""):
        map_headers(table, KNOWN)
    path.write_text("nama,jabatan\nA,C\n", encoding="utf-8")
    assert map_headers(read_table(path), KNOWN) == ({"name": 0}, [(1, "jabatan")])


def test_places_are_named_as_the_spreadsheet_shows_them(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("nama,opd\nA,B\n", encoding="utf-8")
    table = read_table(path)
    assert where(table, table.rows[0], 1) == f"{path}, row 2, column B (opd)"
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_messages_are_in_indonesian_by_default(tmp_path):
    set_language("id")
    with pytest.raises(SpreadsheetError) as err:
        read_table(tmp_path / "missing.csv")
    assert "tidak ada" in str(err.value).lower() or "tidak ditemukan" in str(err.value).lower()
