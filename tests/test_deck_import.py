"""`decks import`: word lists as Excel writes them become decks the app loads; merges lose nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

from vocab_tui.deck_import import (
    DeckImportError,
    card_fields,
    dump_deck,
    has_comments,
    import_table,
    new_header,
    verify,
    write_deck,
)
from vocab_tui.decks import check_deck
from vocab_tui.spreadsheet import SpreadsheetError

from .helpers import COMMAND_ENV, invoke

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "docs" / "examples" / "kosakata-layanan.csv"
HEADER = ["term", "translation", "definition", "example"]
FIREWALL = ["firewall", "tembok api", "A system that blocks unwanted network traffic.", "The firewall blocked port 22."]
PHISHING = ["phishing", "pengelabuan", "Tricking people into giving passwords.", "Report every phishing email."]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in COMMAND_ENV:
        monkeypatch.delenv(var, raising=False)


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",", bom: bool = False,
              newline: str = "\n") -> Path:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))
    return path


def loaded(path: Path):
    deck, problems = check_deck(path)
    assert deck is not None, problems
    return deck


@pytest.mark.parametrize("delimiter,bom,newline,name", [
    (",", False, "\n", "words.csv"),
    (";", True, "\r\n", "words.csv"),  # Excel, Indonesian locale: "CSV UTF-8"
    ("\t", False, "\r\n", "words.tsv"),
])
def test_comma_semicolon_and_tab_files_import_to_the_same_deck(tmp_path, delimiter, bom, newline, name):
    source = write_csv(tmp_path / name, [HEADER, FIREWALL, PHISHING], delimiter, bom, newline)
    result = import_table(source, tmp_path / "out.yaml", deck_id="security", title="Security")
    write_deck(result)
    deck = loaded(tmp_path / "out.yaml")
    assert (deck.id, deck.title) == ("security", "Security")
    assert [(c.id, c.term, c.translation, c.example) for c in deck.cards] == [
        ("firewall", "firewall", "tembok api", "The firewall blocked port 22."),
        ("phishing", "phishing", "pengelabuan", "Report every phishing email.")]


def test_the_example_from_the_trainer_guide_imports_with_indonesian_headers(tmp_path):
    assert EXAMPLE.read_bytes().startswith(b"\xef\xbb\xbfIstilah;") and b"\r\n" in EXAMPLE.read_bytes()
    result = import_table(EXAMPLE, tmp_path / "kosakata-layanan.yaml", title="Kosakata layanan TI")
    write_deck(result)
    deck = loaded(tmp_path / "kosakata-layanan.yaml")
    by_id = {c.id: c for c in deck.cards}
    assert deck.id == "kosakata-layanan" and len(deck.cards) == 5
    assert by_id["helpdesk"].part_of_speech == "noun"  # "nomina"
    assert by_id["helpdesk"].tags == ("layanan", "ti")  # "layanan; ti"
    assert by_id["yes"].term == "yes" and by_id["yes"].part_of_speech == "interjection"
    assert by_id["data-backup"].notes == "Jadwal: setiap malam.\nSimpan juga satu salinan di luar kantor."
    assert any("no --deck-id given" in w for w in result.warnings)


def test_quoted_line_breaks_and_quotes_become_literal_blocks_and_crlf_is_gone(tmp_path):
    source = write_csv(tmp_path / "w.csv", [
        HEADER + ["notes"],
        FIREWALL[:3] + ['Line one, "quoted".\r\nLine two;  \r\nLine three', 'Kata "tembok api"\r\njarang dipakai.']],
        ";", bom=True, newline="\r\n")
    result = import_table(source, tmp_path / "d.yaml", deck_id="d", title="D")
    assert "example: |-\n      Line one, \"quoted\".\n      Line two;\n      Line three\n" in result.text
    assert "\r" not in result.text
    assert result.deck.cards[0].notes == 'Kata "tembok api"\njarang dipakai.'


def test_xlsx_with_a_named_sheet_and_every_field_in_indonesian(tmp_path):
    book = Workbook()
    book.active.title = "Catatan"
    book.active.append(["bukan tabel kartu"])
    sheet = book.create_sheet("Kosakata")
    sheet.append(["ID", "Istilah", "Terjemahan", "Definisi", "Contoh", "Terjemahan Contoh", "Kelas Kata", "Tingkat",
                  "Label", "IPA", "Catatan", "Kepanjangan"])
    sheet.append(["api", "API", "antarmuka pemrograman aplikasi", "Rules that let programs exchange data.",
                  "Our app reads the population data through an API.", "Aplikasi kami membaca data lewat API.",
                  "Nomina", "b2", "spbe, integrasi", "/ˌeɪ piː ˈaɪ/", "Dibaca per huruf.",
                  "application programming interface"])
    source = tmp_path / "kosakata.xlsx"
    book.save(source)
    result = import_table(source, tmp_path / "d.yaml", sheet="Kosakata", deck_id="spbe-extra", title="SPBE+")
    card = result.deck.cards[0]
    assert (card.id, card.term, card.level, card.part_of_speech, card.tags, card.ipa, card.acronym_of) == (
        "api", "API", "B2", "noun", ("spbe", "integrasi"), "/ˌeɪ piː ˈaɪ/", "application programming interface")
    assert card.example_translation == "Aplikasi kami membaca data lewat API." and card.notes == "Dibaca per huruf."
    assert "ˌeɪ" in result.text and "\\u" not in result.text  # Unicode kept, no escapes
    with pytest.raises(SpreadsheetError, match='no sheet named "Words"; the sheets are: Catatan, Kosakata'):
        import_table(source, tmp_path / "d.yaml", sheet="Words")


def test_bad_rows_are_all_named_by_row_and_column_and_nothing_is_written(tmp_path):
    source = write_csv(tmp_path / "bad.csv", [
        HEADER + ["level", "part of speech", "id"],
        FIREWALL + ["B3", "noun", ""],  # row 2: level
        PHISHING[:2] + ["", PHISHING[3], "B1", "", ""],  # row 3: no definition
        ["back\x1bdoor", "pintu belakang", "A hidden way in.", "A backdoor.", "", "", ""],  # row 4: ESC
        ["FireWall", "x", "y", "z", "", "", ""],  # row 5: term again
        ["router", "router", "A device.", "The router.", "", "nuon", ""],  # row 6: part of speech
        ["modem", "modem", "A device.", "The modem.", "", "", "Bad Id"],  # row 7: id
        ["two\nlines", "x", "y", "z", "", "", ""],  # row 8: a one-line field with a line break
    ])
    target = tmp_path / "out.yaml"
    with pytest.raises(DeckImportError) as err:
        import_table(source, target, deck_id="x", title="X")
    problems = err.value.problems
    text = "\n".join(problems)
    assert f"{source}, row 2, column E (level): level 'B3' is not a CEFR level; use one of A1, A2, B1, B2, C1, C2" \
        in problems
    assert f"{source}, row 3, column C (definition): 'definition' is empty" in text
    assert f"{source}, row 4, column A (term): 'term' contains the control character U+001B" in text
    assert f"{source}, row 5, column A (term): the term 'FireWall' is also in row 2" in text
    assert f"{source}, row 6, column F (part of speech): unknown part of speech 'nuon'; did you mean 'noun'?" in text
    assert f"{source}, row 7, column G (id): card id 'Bad Id' may use only lowercase letters" in text
    assert f"{source}, row 8, column A (term): 'term' must be one line" in text
    assert len(problems) == 7 and not target.exists()

    result = invoke(["decks", "import", str(source), "-o", str(target), "--deck-id", "x", "--title", "X"])
    assert result.exit_code == 1 and "7 problems; nothing was written" in result.output
    assert "row 2, column E (level)" in result.output and "Traceback" not in result.output


def test_missing_columns_and_duplicate_ids_in_the_file(tmp_path):
    source = write_csv(tmp_path / "w.csv", [["term", "translation"], ["a", "b"]])
    with pytest.raises(DeckImportError, match="no column for definition, example"):
        import_table(source, tmp_path / "o.yaml", deck_id="x", title="X")
    source = write_csv(tmp_path / "w.csv", [["id", *HEADER], ["fw", *FIREWALL], ["fw", *PHISHING]])
    with pytest.raises(DeckImportError) as err:
        import_table(source, tmp_path / "o.yaml", deck_id="x", title="X")
    assert err.value.problems == [f"{source}, row 3, column A (id): card id 'fw' is also in row 2; "
                                  "each card may appear once"]


def test_a_non_utf8_file_is_a_clear_error_that_says_how_to_save_from_excel(tmp_path):
    source = tmp_path / "w.csv"
    source.write_bytes("term;translation;definition;example\ncafé;kafe;A place.;The café.\n".encode("cp1252"))
    result = invoke(["decks", "import", str(source), "-o", str(tmp_path / "o.yaml")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "line 2: the file is not UTF-8 text (byte 0xe9)" in result.output
    assert "CSV UTF-8 (Comma delimited)" in result.output


def test_ids_come_from_the_term_and_a_taken_slug_gets_a_suffix(tmp_path):
    source = write_csv(tmp_path / "w.csv", [
        ["id", *HEADER],
        ["", "e-mail", "surel", "A message sent over the internet.", "Send the e-mail."],
        ["", "e mail", "surel", "The same, spelt apart.", "An e mail came."],
        ["e-mail-2", "email", "surel", "The same, in one word.", "Check your email."],
        ["", "Two-factor Authentication", "autentikasi dua faktor", "Two proofs.", "Turn on two-factor authentication."],
    ])
    result = import_table(source, tmp_path / "o.yaml", deck_id="x", title="X")
    assert [c.id for c in result.deck.cards] == ["e-mail", "e-mail-3", "e-mail-2", "two-factor-authentication"]


def test_values_yaml_would_misread_are_quoted_and_every_field_round_trips(tmp_path):
    tricky = ["yes", "no", "22:00", "#", "- dash", "on", "null", "~", "1.0", "0x1F", "2026-11-29", "a: b",
              "Port 22 # and 80", "'quoted'", '"double"', "[list]", "{map}", "*star", "&amp", "!bang", "%pct", "@at",
              "`tick`", "|pipe", ">fold", "Kata dalam bahasa Indonesia — ‘kutip’ … ✓"]
    cards = [{"id": f"c{i}", "term": f"term {i}", "translation": value, "definition": value,
              "example": f"{value}\n  indented\nlast", "notes": value, "tags": (value.strip("#'\"") or "t", "x y")}
             for i, value in enumerate(tricky)]
    header = new_header("tricky", "yes")
    text = dump_deck(header, cards)
    deck = verify(tmp_path / "t.yaml", text, header, cards)  # the app's loader, every field compared
    assert [card_fields(c) for c in deck.cards] == cards
    assert deck.title == "yes"
    assert "\\u" not in text and "…" in text
    raw = yaml.safe_load(text)
    assert [c["translation"] for c in raw["cards"]] == tricky


def test_the_written_deck_looks_like_the_bundled_ones(tmp_path):
    source = write_csv(tmp_path / "w.csv", [HEADER + ["tags", "level"], FIREWALL + ["security, network", "b1"]])
    text = import_table(source, tmp_path / "o.yaml", deck_id="sec", title="Security").text
    assert text == (
        "deck:\n  id: sec\n  title: Security\n  language: en\n  translation_language: id\n  version: 1\n"
        "cards:\n  - id: firewall\n    term: firewall\n    translation: tembok api\n"
        "    definition: A system that blocks unwanted network traffic.\n"
        "    example: The firewall blocked port 22.\n    level: B1\n    tags: [security, network]\n")


# -- merging into an existing deck -------------------------------------------------------------------------

EXISTING = """\
deck:
  id: security
  title: Security words   # shown on the home screen
  description: Words for the security course.
  version: 3
cards:
  - term: firewall
    translation: firewall
    definition: A system that blocks unwanted network traffic.
    example: The firewall blocked port 22.
    level: B1
  - term: malware
    translation: perangkat lunak jahat
    definition: Software made to harm a computer.
    example: The scan found malware on the laptop.
"""


def test_merge_updates_by_card_id_appends_new_cards_and_keeps_the_rest(tmp_path):
    target = tmp_path / "security.yaml"
    target.write_text(EXISTING, encoding="utf-8")
    source = write_csv(tmp_path / "update.csv", [
        ["istilah", "terjemahan", "definisi", "contoh", "tingkat"],
        ["firewall", "tembok api", "", "", "B1"],  # translation changed; empty cells keep the old text
        PHISHING + ["A2"],  # new
    ], ";", bom=True, newline="\r\n")
    result = invoke(["decks", "import", str(source), "-o", str(target), "--deck-id", "security"])
    assert result.exit_code == 0, result.output
    assert "+ phishing (phishing)" in result.output
    assert "~ firewall: translation" in result.output
    assert "1 card not in the table, kept as it was" in result.output
    assert "the comments of" in result.output and (tmp_path / "security.yaml.bak").read_text() == EXISTING
    deck = loaded(target)
    assert (deck.id, deck.title, deck.description, deck.version) == (
        "security", "Security words", "Words for the security course.", "3")
    assert [(c.id, c.translation, c.definition, c.level) for c in deck.cards] == [
        ("firewall", "tembok api", "A system that blocks unwanted network traffic.", "B1"),
        ("malware", "perangkat lunak jahat", "Software made to harm a computer.", None),
        ("phishing", "pengelabuan", "Tricking people into giving passwords.", "A2")]
    # importing the same table again changes nothing
    again = import_table(source, target)
    assert (again.added, again.changed, again.unchanged) == ([], {}, 2)
    assert again.text == target.read_text(encoding="utf-8") and not again.comments_dropped


def test_merge_refuses_a_broken_deck_another_deck_id_and_a_term_of_another_card(tmp_path):
    target = tmp_path / "security.yaml"
    target.write_text(EXISTING.replace("level: B1", "level: B9"), encoding="utf-8")
    source = write_csv(tmp_path / "w.csv", [HEADER, PHISHING])
    with pytest.raises(DeckImportError, match="exists but does not load"):
        import_table(source, target)
    assert "B9" in target.read_text()
    target.write_text(EXISTING, encoding="utf-8")
    with pytest.raises(DeckImportError, match="is the deck 'security'; --deck-id other"):
        import_table(source, target, deck_id="other")
    clash = write_csv(tmp_path / "c.csv", [["id", *HEADER], ["fw2", "Firewall", "x", "y", "z"]])
    with pytest.raises(DeckImportError, match="the term 'Firewall' is already card 'firewall'"):
        import_table(clash, target)
    assert target.read_text() == EXISTING


def test_a_card_id_in_the_sheet_renames_a_term_without_a_new_card(tmp_path):
    target = tmp_path / "security.yaml"
    target.write_text(EXISTING, encoding="utf-8")
    source = write_csv(tmp_path / "w.csv", [["id", "term"], ["malware", "malicious software"]])
    result = import_table(source, target)
    assert result.changed == {"malware": ["term"]} and result.added == []
    assert [c.term for c in result.deck.cards] == ["firewall", "malicious software"]


def test_writing_replaces_the_file_in_one_step_and_keeps_its_mode(tmp_path):
    target = tmp_path / "security.yaml"
    target.write_text(EXISTING.replace("   # shown on the home screen", ""), encoding="utf-8")
    os.chmod(target, 0o640)
    source = write_csv(tmp_path / "w.csv", [HEADER, PHISHING])
    result = import_table(source, target)
    assert not result.comments_dropped
    assert write_deck(result) is None
    assert os.stat(target).st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["security.yaml", "w.csv"]  # no temp file, no backup


def test_comments_are_found_outside_values_only():
    assert has_comments("a: b # c\n") and has_comments("# top\na: b\n")
    assert not has_comments("a: 'b # c'\nd: \"#\"\ne: x#y\nf: |\n  line # not a comment\n")


def test_the_imported_deck_shows_up_in_decks_list_and_passes_decks_check(tmp_path):
    folder = tmp_path / "decks"
    folder.mkdir()
    result = invoke(["decks", "import", str(EXAMPLE), "-o", str(folder / "kosakata-layanan.yaml"),
                     "--deck-id", "kosakata-layanan", "--title", "Kosakata layanan TI"])
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output and "5 cards" in result.output
    check = invoke(["decks", "check", str(folder)])
    assert check.exit_code == 0, check.output
    listed = invoke(["decks", "list", "--decks", str(folder)])
    row = next(line for line in listed.output.splitlines() if line.startswith("kosakata-layanan "))
    assert row.split()[1:5] == ["Kosakata", "layanan", "TI", "5"] and listed.exit_code == 0
    clash = invoke(["decks", "import", str(EXAMPLE), "-o", str(tmp_path / "other.yaml"), "--deck-id", "spbe",
                    "--title", "T"])
    assert "the deck id 'spbe' is already used by" in clash.output


def test_the_trainer_guide_update_adds_one_card_and_changes_one_translation(tmp_path):
    target = tmp_path / "kosakata-layanan.yaml"
    write_deck(import_table(EXAMPLE, target, title="Kosakata layanan TI"))
    result = import_table(EXAMPLE.with_name("kosakata-layanan-tambahan.csv"), target)
    assert (result.added, result.changed, result.unchanged) == (["password-reset"], {"helpdesk": ["translation"]}, 0)
    write_deck(result)
    deck = loaded(target)
    assert len(deck.cards) == 6 and deck.cards[0].translation == "layanan bantuan TI (helpdesk)"
    assert deck.cards[0].definition.startswith("A team or counter")  # an empty cell keeps the old text
