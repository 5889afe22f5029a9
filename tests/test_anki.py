"""`decks export-anki`: an .apkg that Anki opens, with stable ids so a second export updates notes."""

from __future__ import annotations

import json
import sqlite3
import time
import zipfile
from pathlib import Path

import pytest

from vocab_tui.anki import FIELD_NAMES, anki_deck_id, model_id, note_guid
from vocab_tui.decks import check_deck

from .helpers import COMMAND_ENV, invoke

DECK = """\
deck:
  id: html-test
  title: Words & <tags>
cards:
  - term: "<b>bold</b>"
    translation: tebal & miring
    definition: A tag that <i>looks</i> like markup.
    example: "Type <b>bold</b> to see it."
    example_translation: Ketik <b>bold</b>.
    part_of_speech: noun
    level: B1
    tags: [html, two words]
    ipa: /bəʊld/
    notes: |
      Line one.
      Line <two>.
  - id: api
    term: API
    translation: antarmuka pemrograman aplikasi
    definition: Rules that let programs exchange data.
    example: Our app reads the data through an API.
    acronym_of: application programming interface
"""


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in COMMAND_ENV:
        monkeypatch.delenv(var, raising=False)


def read_apkg(path: Path, tmp_path: Path) -> tuple[list[tuple[str, int, list[str], str]], dict, dict]:
    """(guid, model id, fields, tags) of each note, the note types and the decks of an .apkg."""
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        name = "collection.anki21" if "collection.anki21" in names else "collection.anki2"
        package.extract(name, tmp_path / "x")
    db = sqlite3.connect(tmp_path / "x" / name)
    try:
        notes = [(guid, mid, flds.split("\x1f"), tags.strip())
                 for guid, mid, flds, tags in db.execute("SELECT guid, mid, flds, tags FROM notes ORDER BY id")]
        models_json, decks_json = db.execute("SELECT models, decks FROM col").fetchone()
    finally:
        db.close()
    return notes, json.loads(models_json), json.loads(decks_json)


@pytest.fixture
def deck_file(tmp_path: Path) -> Path:
    path = tmp_path / "html-test.yaml"
    path.write_text(DECK, encoding="utf-8")
    return path


def test_the_apkg_holds_a_note_per_card_with_escaped_fields(tmp_path, deck_file):
    target = tmp_path / "out.apkg"
    result = invoke(["decks", "export-anki", str(deck_file), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output and "2 notes" in result.output
    notes, models, decks = read_apkg(target, tmp_path)
    assert len(notes) == 2
    (guid1, mid1, fields1, tags1), (guid2, _mid2, fields2, _tags2) = notes
    assert mid1 == model_id("html-test")
    model = models[str(mid1)]
    assert [f["name"] for f in model["flds"]] == list(FIELD_NAMES)
    assert [t["name"] for t in model["tmpls"]] == ["Term > meaning", "Meaning > term"]
    assert "{{Term}}" in model["tmpls"][0]["qfmt"] and "{{Translation}}" in model["tmpls"][0]["afmt"]
    assert dict(zip(FIELD_NAMES, fields1)) == {
        "Term": "&lt;b&gt;bold&lt;/b&gt;",
        "Translation": "tebal &amp; miring",
        "Definition": "A tag that &lt;i&gt;looks&lt;/i&gt; like markup.",
        "Example": "Type &lt;b&gt;bold&lt;/b&gt; to see it.",
        "Example translation": "Ketik &lt;b&gt;bold&lt;/b&gt;.",
        "Part of speech": "noun",
        "IPA": "/bəʊld/",
        "Acronym of": "",
        "Notes": "Line one.<br>Line &lt;two&gt;.",
        "Reverse": "",
    }
    assert set(tags1.split()) == {"html", "two_words", "CEFR::B1"}
    assert fields2[0] == "API" and fields2[FIELD_NAMES.index("Acronym of")] == "application programming interface"
    assert (guid1, guid2) == (note_guid("html-test", "b-bold-b"), note_guid("html-test", "api"))
    assert decks[str(anki_deck_id("html-test"))]["name"] == "Words & <tags>"


def test_a_second_export_keeps_note_guids_and_ids_even_after_edits(tmp_path, deck_file):
    first, second = tmp_path / "1.apkg", tmp_path / "2.apkg"
    assert invoke(["decks", "export-anki", str(deck_file), "-o", str(first)]).exit_code == 0
    deck_file.write_text(DECK.replace("tebal & miring", "tebal").replace("  - id: api", "  - id: api\n    level: B2"),
                         encoding="utf-8")
    assert invoke(["decks", "export-anki", str(deck_file), "-o", str(second), "--reverse"]).exit_code == 0
    notes1, models1, decks1 = read_apkg(first, tmp_path / "a")
    notes2, models2, decks2 = read_apkg(second, tmp_path / "b")
    assert [n[0] for n in notes1] == [n[0] for n in notes2]
    assert [n[1] for n in notes1] == [n[1] for n in notes2] and list(models1) == list(models2)
    assert set(decks1) == set(decks2)
    assert notes2[0][2][1] == "tebal" and notes2[0][2][-1] == "y"  # edited, and the reverse card asked for


def test_ids_depend_on_the_deck_and_card_ids_only():
    assert model_id("spbe") == model_id("spbe") != model_id("cybersecurity")
    assert anki_deck_id("spbe") != model_id("spbe")
    assert 1 << 30 <= model_id("spbe") < 1 << 31
    assert note_guid("spbe", "api") == note_guid("spbe", "api") != note_guid("cybersecurity", "api")


def test_anki_itself_imports_it_and_a_second_import_adds_no_copies(tmp_path, deck_file):
    collection = pytest.importorskip("anki.collection")
    target = tmp_path / "out.apkg"
    assert invoke(["decks", "export-anki", str(deck_file), "-o", str(target)]).exit_code == 0
    (tmp_path / "anki").mkdir()
    col = collection.Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        request = collection.ImportAnkiPackageRequest(
            package_path=str(target), options=collection.ImportAnkiPackageOptions(with_scheduling=False))
        first = col.import_anki_package(request)
        assert len(first.log.new) == 2 and col.note_count() == 2
        deck_file.write_text(DECK.replace("tebal & miring", "tebal"), encoding="utf-8")
        time.sleep(1.1)  # Anki takes a note from a package only when it is newer, to the second
        assert invoke(["decks", "export-anki", str(deck_file), "-o", str(target)]).exit_code == 0
        second = col.import_anki_package(request)
        # Anki counts every note of a newer export as updated; none is new, none is a copy
        assert (len(second.log.new), len(second.log.updated), col.note_count()) == (0, 2, 2)
        note = col.get_note(col.find_notes("tebal")[0])
        assert note["Translation"] == "tebal"
        card = col.get_card(col.find_cards("bold")[0])
        assert "&lt;b&gt;bold&lt;/b&gt;" in card.question()
    finally:
        col.close()


def test_a_bundled_deck_by_id_and_the_errors(tmp_path, deck_file):
    target = tmp_path / "spbe.apkg"
    result = invoke(["decks", "export-anki", "spbe", "-o", str(target)])
    assert result.exit_code == 0, result.output
    deck = next(d for d in [check_deck(Path(__file__).parent.parent / "decks" / "spbe.yaml")[0]] if d)
    notes, _models, _decks = read_apkg(target, tmp_path)
    assert len(notes) == len(deck.cards)
    result = invoke(["decks", "export-anki", "no-such-deck", "-o", str(target)])
    assert result.exit_code == 1 and "no deck with the id 'no-such-deck'; the decks are: " in result.output
    broken = tmp_path / "broken.yaml"
    broken.write_text(DECK.replace("level: B1", "level: B7"), encoding="utf-8")
    result = invoke(["decks", "export-anki", str(broken), "-o", str(tmp_path / "b.apkg")])
    assert result.exit_code == 1 and "level 'B7' is not a CEFR level" in result.output
    assert "does not load" in result.output and not (tmp_path / "b.apkg").exists()


def test_the_command_line_starts_without_genanki_or_openpyxl():
    import subprocess
    import sys

    code = ("import sys\nfrom vocab_tui.cli import build_cli\nbuild_cli()\n"
            "print(sorted(m for m in ('genanki', 'openpyxl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
