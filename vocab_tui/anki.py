"""A deck as an Anki package (.apkg), so staff can also study it on their phones with AnkiDroid.

Every id is derived from the deck id and card ids, never random: the note type's and the Anki deck's ids
from the deck id, each note's GUID from (deck id, card id). Importing a newer export into Anki therefore
updates the notes it already has (and keeps their review history) instead of adding copies.

Deck text is data, not HTML: every field is HTML-escaped, so a term written `<b>` shows as `<b>`.
genanki is imported inside the functions (start-up time of the other commands).
"""

from __future__ import annotations

import hashlib
import html
import os
import tempfile
from pathlib import Path
from typing import Any

from .decks import Card, Deck

# Field names are part of the note type that Anki stores: fixed English names, whatever the interface
# language, so that a second export (in another language) still matches the first.
FIELD_NAMES = ("Term", "Translation", "Definition", "Example", "Example translation", "Part of speech", "IPA",
               "Acronym of", "Notes", "Reverse")
_FRONT = """<div class="term">{{Term}}</div>
{{#Part of speech}}<div class="pos">{{Part of speech}}</div>{{/Part of speech}}
{{#IPA}}<div class="ipa">{{IPA}}</div>{{/IPA}}"""
_MEANING = """<div class="translation">{{Translation}}</div>
{{#Acronym of}}<div class="acronym">{{Acronym of}}</div>{{/Acronym of}}
<div class="definition">{{Definition}}</div>
<div class="example">{{Example}}</div>
{{#Example translation}}<div class="example-translation">{{Example translation}}</div>{{/Example translation}}
{{#Notes}}<div class="notes">{{Notes}}</div>{{/Notes}}"""
TEMPLATES = (
    {"name": "Term > meaning", "qfmt": _FRONT, "afmt": "{{FrontSide}}\n<hr id=answer>\n" + _MEANING},
    # Made only for notes whose Reverse field is filled (Anki's "optional reversed card"): export --reverse.
    {"name": "Meaning > term",
     "qfmt": '{{#Reverse}}<div class="translation">{{Translation}}</div>\n'
             '<div class="definition">{{Definition}}</div>{{/Reverse}}',
     "afmt": "{{FrontSide}}\n<hr id=answer>\n" + _FRONT + '\n<div class="example">{{Example}}</div>'},
)
# The app's colours: a dark panel, the term in bold cyan, the translation in green, the example in italics.
CSS = """.card { font-family: sans-serif; font-size: 20px; text-align: center; color: #e0e0e0; background: #1e1e2e; }
.term { font-size: 30px; font-weight: bold; color: #5fd7ff; }
.pos, .ipa, .acronym { font-size: 16px; color: #a0a0a0; }
.translation { font-size: 24px; font-weight: bold; color: #87d787; }
.definition { margin-top: 12px; }
.example { margin-top: 12px; font-style: italic; }
.example-translation, .notes { margin-top: 8px; font-size: 16px; color: #a0a0a0; }
"""


def stable_id(*parts: str) -> int:
    """An Anki object id from names: the same names give the same id, in [2**30, 2**31) as genanki advises."""
    digest = hashlib.sha256("\x1f".join(("vocab-tui", *parts)).encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def model_id(deck_id: str) -> int:
    return stable_id("model", deck_id)


def anki_deck_id(deck_id: str) -> int:
    return stable_id("deck", deck_id)


def note_guid(deck_id: str, card_id: str) -> str:
    """The GUID of a card's note: Anki recognises the note by it in every later export."""
    from genanki import guid_for

    return str(guid_for("vocab-tui", deck_id, card_id))


def field_html(text: str | None) -> str:
    """Deck text as an Anki field: HTML-escaped, line breaks as <br>."""
    return html.escape(text or "", quote=False).replace("\n", "<br>")


def note_fields(card: Card, reverse: bool = False) -> list[str]:
    values = (card.term, card.translation, card.definition, card.example, card.example_translation,
              card.part_of_speech, card.ipa, card.acronym_of, card.notes)
    return [field_html(v) for v in values] + ["y" if reverse else ""]


def note_tags(card: Card) -> list[str]:
    """Anki tags hold no spaces: 'public service' becomes 'public_service'."""
    tags = [*card.tags, *([f"CEFR::{card.level}"] if card.level else [])]
    return ["_".join(tag.split()) for tag in tags]


def build_package(deck: Deck, reverse: bool = False) -> Any:
    """A genanki.Package with one Anki deck (named by the deck's title) holding a note per card."""
    import genanki

    model = genanki.Model(
        model_id(deck.id),
        f"vocab-tui: {deck.id}",
        fields=[{"name": name} for name in FIELD_NAMES],
        templates=[dict(t) for t in TEMPLATES],
        css=CSS,
    )
    anki_deck = genanki.Deck(anki_deck_id(deck.id), deck.title, description=field_html(deck.description))
    for card in deck.cards:
        anki_deck.add_note(genanki.Note(model=model, fields=note_fields(card, reverse), tags=note_tags(card),
                                        guid=note_guid(deck.id, card.id)))
    return genanki.Package(anki_deck)


def export_anki(deck: Deck, path: Path, reverse: bool = False) -> None:
    """Write `deck` as an .apkg at `path`: a temp file in the same folder, then a rename. Raises OSError."""
    package = build_package(deck, reverse)
    path = Path(path)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        package.write_to_file(temp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
