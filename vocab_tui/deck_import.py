"""A word list kept in a spreadsheet (CSV, TSV or XLSX) turned into a deck file, or merged into one.

The first row names the columns, in English or Indonesian (`term`/`istilah`, ...; see `FIELDS`). Every
problem names the row and column as the spreadsheet shows them, and nothing is written while any row has
one. The YAML written is checked by the app's own loader (`decks.check_deck`) and compared field by field
with what was meant before it replaces anything, so an import can never leave a deck the app would skip.

Card ids: a row's `id` cell, else the id of the deck's card with the same term (when merging), else a slug
of the term (`decks.slugify`, as the deck format does for a card without an id); when that slug is taken
by another card, `-2`, `-3`, ... is added. Every card of a written file carries its id explicitly, so a
later correction of a term keeps learners' progress.
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .decks import (
    CARD_KEYS,
    CARD_KEYS_REQUIRED,
    LEVELS,
    MAX_DECK_BYTES,
    MULTILINE_KEYS,
    PARTS_OF_SPEECH,
    Card,
    Deck,
    check_deck,
    read_deck_file,
    slugify,
)
from .i18n import _
from .spreadsheet import Row, SpreadsheetError, Table, map_headers, read_table, where
from .text import control_characters, describe_character

# Each card field and the other names a column may carry for it (case, spaces, '_' and '-' ignored).
FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id kartu", "kode"),
    "term": ("istilah", "kata"),
    "translation": ("terjemahan", "arti"),
    "definition": ("definisi", "pengertian"),
    "example": ("contoh", "contoh kalimat"),
    "example_translation": ("terjemahan contoh", "terjemahan contoh kalimat"),
    "part_of_speech": ("kelas kata", "jenis kata"),
    "level": ("tingkat", "cefr"),
    "tags": ("label", "tag"),
    "ipa": ("lafal", "pelafalan"),
    "notes": ("catatan", "keterangan"),
    "acronym_of": ("kepanjangan", "singkatan dari"),
    "replaces": ("menggantikan", "id lama"),
}
# Fields that hold a list: a cell splits on ',' or ';'.
LIST_KEYS = ("tags", "replaces")
# The order of keys in a written card: the order of the bundled decks, with the id first.
CARD_ORDER = ("id", "term", "translation", "definition", "example", "example_translation", "part_of_speech",
              "level", "tags", "ipa", "acronym_of", "notes", "replaces")
assert sorted(CARD_ORDER) == sorted(CARD_KEYS) == sorted(FIELDS)
HEADER_ORDER = ("id", "title", "description", "language", "translation_language", "version", "tags")
# Parts of speech as Indonesian dictionaries (KBBI) name them.
PARTS_OF_SPEECH_ID = {
    "nomina": "noun", "kata benda": "noun", "n": "noun",
    "verba": "verb", "kata kerja": "verb", "v": "verb",
    "adjektiva": "adjective", "kata sifat": "adjective", "adj": "adjective",
    "adverbia": "adverb", "kata keterangan": "adverb", "adv": "adverb",
    "preposisi": "preposition", "kata depan": "preposition",
    "konjungsi": "conjunction", "kata sambung": "conjunction",
    "pronomina": "pronoun", "kata ganti": "pronoun",
    "interjeksi": "interjection", "kata seru": "interjection",
    "frasa": "phrase", "ungkapan": "idiom", "idiom": "idiom",
}
MAX_PROBLEMS = 50  # shown; the rest are counted
_ID_RE = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")  # as decks.py requires of card and deck ids
_TAG_SPLIT = re.compile(r"[,;]")

CardFields = dict[str, "str | tuple[str, ...]"]


class DeckImportError(Exception):
    """The import was refused; `problems` lists every reason (row and column named), nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportResult:
    """What an import would write (`text`) and did: cards added and changed (card id -> field names)."""

    target: Path
    text: str
    deck: Deck
    added: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    unchanged: int = 0
    merged: bool = False
    comments_dropped: bool = False
    warnings: list[str] = field(default_factory=list)
    table: Table | None = None


@dataclass
class _SheetCard:
    row: Row
    values: CardFields  # only the non-empty cells
    columns: dict[str, int]
    id: str = ""
    broken: bool = False  # a cell was refused (told): still checked for repeated ids and terms


def card_fields(card: Card) -> CardFields:
    """A loaded card as the fields a deck file holds (empty optional fields left out), in `CARD_ORDER`."""
    values: CardFields = {}
    for key in CARD_ORDER:
        value = getattr(card, key)
        if value:
            values[key] = tuple(value) if key in LIST_KEYS else str(value)
    return values


def header_fields(deck: Deck) -> dict[str, object]:
    """A loaded deck's header as written in its file."""
    header: dict[str, object] = {"id": deck.id, "title": deck.title}
    if deck.description:
        header["description"] = deck.description
    header["language"] = deck.language
    header["translation_language"] = deck.translation_language
    header["version"] = deck.version
    if deck.tags:
        header["tags"] = tuple(deck.tags)
    return header


def new_header(deck_id: str, title: str) -> dict[str, object]:
    return {"id": deck_id, "title": title, "language": "en", "translation_language": "id", "version": "1"}


def default_header(source: Path) -> tuple[str, str]:
    """A deck id and title from a file name: 'Kosakata_Pelayanan.csv' -> ('kosakata-pelayanan', 'Kosakata Pelayanan')."""
    stem = source.stem
    title = re.sub(r"[\s_]+", " ", stem).strip() or stem
    return slugify(stem), title


def valid_id(text: str) -> bool:
    """True for a deck or card id the deck format accepts: lowercase letters, digits, '-', '_' or '.' between."""
    return bool(_ID_RE.match(text))


# -- reading the sheet ----------------------------------------------------------------------------


def _clean(text: str, key: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if key in MULTILINE_KEYS:  # a space before a line break is invisible, and forces quoted YAML
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text.strip()


def _cell(table: Table, row: Row, key: str, column: int, problems: list[str]) -> str | tuple[str, ...] | None:
    """The value of one cell for field `key`, or None (with a problem) when the deck format refuses it."""
    text = _clean(row.get(column), key)
    if not text:
        return None
    place = where(table, row, column)
    found = control_characters(text, allow="\n" if key in MULTILINE_KEYS else "")
    if found:
        char = text[found[0]]
        if char == "\n":
            message = _("'{key}' must be one line; remove the line break (only {fields} may have several lines)"
                        ).format(key=key, fields=", ".join(MULTILINE_KEYS))
        elif char == "\t":
            message = _("'{key}' contains a tab ({code}); use a space instead").format(
                key=key, code=describe_character(char))
        else:
            message = _("'{key}' contains the control character {code}, which a terminal would obey; delete it"
                        ).format(key=key, code=describe_character(char))
        problems.append(f"{place}: {message}")
        return None
    if key in LIST_KEYS:
        return tuple(dict.fromkeys(tag.strip() for tag in _TAG_SPLIT.split(text) if tag.strip()))
    if key == "level":
        if text.upper() not in LEVELS:
            problems.append(f"{place}: " + _("level '{level}' is not a CEFR level; use one of {levels}").format(
                level=text, levels=", ".join(LEVELS)))
            return None
        return text.upper()
    if key == "part_of_speech":
        lowered = " ".join(text.lower().split())
        value = lowered if lowered in PARTS_OF_SPEECH else PARTS_OF_SPEECH_ID.get(lowered)
        if value is None:
            close = difflib.get_close_matches(lowered, [*PARTS_OF_SPEECH, *PARTS_OF_SPEECH_ID], n=1)
            hint = (_("did you mean '{value}'?").format(value=close[0]) if close
                    else _("use one of {values}").format(values=", ".join(PARTS_OF_SPEECH)))
            problems.append(f"{place}: " + _("unknown part of speech '{value}'; {hint}").format(value=text, hint=hint))
            return None
        return value
    if key == "id" and not valid_id(text):
        problems.append(f"{place}: " + _("card id '{id}' may use only lowercase letters, digits and dashes, "
                                         "like '{example}'").format(id=text, example=slugify(text)))
        return None
    return text


def read_sheet(table: Table, merging: bool) -> tuple[list[_SheetCard], list[str], list[str]]:
    """The cards of a table: (cards, problems, warnings). Rows with no cell at all are skipped.

    `merging`: rows may leave out required fields of cards that exist already (checked in `merge`).
    """
    try:
        columns, unknown = map_headers(table, FIELDS)
    except SpreadsheetError as err:
        return [], [str(err)], []
    problems: list[str] = []
    warnings = [
        _("{place}: the column \"{header}\" is not a card field and was ignored; the fields are: {fields}").format(
            place=where(table, 1, index), header=header, fields=", ".join(CARD_ORDER))
        for index, header in unknown
    ]
    if "term" not in columns and "id" not in columns:
        problems.append(_("{path}: no column for the term; the first row must name the columns, e.g. "
                          "term;translation;definition;example (or istilah;terjemahan;definisi;contoh)").format(
            path=table.path))
        return [], problems, warnings
    if not merging:
        missing = [key for key in CARD_KEYS_REQUIRED if key not in columns]
        if missing:
            problems.append(_("{path}: the table has no column for {fields}; every card needs them (Indonesian "
                              "headers: istilah, terjemahan, definisi, contoh)").format(
                path=table.path, fields=", ".join(missing)))
            return [], problems, warnings
    cards: list[_SheetCard] = []
    for row in table.rows:
        values: CardFields = {}
        before = len(problems)
        for key, column in columns.items():
            value = _cell(table, row, key, column, problems)
            if value:
                values[key] = value
        broken = len(problems) > before
        if "term" not in values and "id" not in values:
            if broken:
                continue
            problems.append(_("{place}: the row has no term; fill in the term or delete the row").format(
                place=where(table, row, columns.get("term"))))
            continue
        cards.append(_SheetCard(row, values, columns, broken=broken))
    return cards, problems, warnings


# -- merging ---------------------------------------------------------------------------------------


def merge(table: Table, sheet: list[_SheetCard], existing: list[CardFields]
          ) -> tuple[list[CardFields], list[str], dict[str, list[str]], list[str]]:
    """Merge sheet cards into `existing` cards by id: (cards, added ids, changed id -> fields, problems).

    An existing card takes every non-empty cell of its row; a new card is appended; an existing card
    that no row names is kept as it is.
    """
    problems: list[str] = []
    cards = [dict(card) for card in existing]
    by_id = {str(card["id"]): card for card in cards}
    by_term = {str(card["term"]).casefold(): str(card["id"]) for card in cards if "term" in card}
    explicit: dict[str, _SheetCard] = {}
    for item in sheet:
        if "id" in item.values:
            card_id = str(item.values["id"])
            if card_id in explicit:
                problems.append(_("{place}: card id '{id}' is also in row {other}; each card may appear once").format(
                    place=where(table, item.row, item.columns["id"]), id=card_id, other=explicit[card_id].row.number))
                continue
            explicit[card_id] = item
            item.id = card_id
    taken = set(by_id) | set(explicit)
    seen_terms: dict[str, _SheetCard] = {}
    for item in sheet:
        term = item.values.get("term")
        if isinstance(term, str):
            folded = term.casefold()
            if folded in seen_terms:
                problems.append(_("{place}: the term '{term}' is also in row {other}; each term may appear once in "
                                  "a deck").format(place=where(table, item.row, item.columns["term"]), term=term,
                                                   other=seen_terms[folded].row.number))
                item.id = ""
                continue
            seen_terms[folded] = item
        if item.id or "id" in item.values:  # given (or repeated, told above)
            continue
        assert isinstance(term, str)
        if term.casefold() in by_term:
            item.id = by_term[term.casefold()]
        else:
            item.id = _free_id(slugify(term), taken)
        taken.add(item.id)
    added: list[str] = []
    changed: dict[str, list[str]] = {}
    for item in sheet:
        if not item.id:  # a repeated id or term, told above
            continue
        card = by_id.get(item.id)
        if card is None:
            card = {"id": item.id}
            missing = [] if item.broken else [key for key in CARD_KEYS_REQUIRED if key not in item.values]
            for key in missing:
                column = item.columns.get(key)
                problems.append(_("{place}: '{key}' is empty; a new card needs a term, translation, definition and "
                                  "example").format(place=where(table, item.row, column), key=key))
            if missing:
                continue
            card.update(item.values)
            by_id[item.id] = card
            cards.append(card)
            added.append(item.id)
        else:
            fields = [key for key, value in item.values.items() if card.get(key) != value]
            if fields:
                card.update(item.values)
                changed[item.id] = fields
    problems += _term_clashes(table, sheet, cards)
    ordered = [{key: card[key] for key in CARD_ORDER if key in card} for card in cards]
    return ordered, added, changed, problems


def _term_clashes(table: Table, sheet: list[_SheetCard], cards: list[CardFields]) -> list[str]:
    """A term may be in a deck once (ignoring case): name the rows that would give one to a second card."""
    owners: dict[str, list[str]] = {}
    for card in cards:
        owners.setdefault(str(card.get("term", "")).casefold(), []).append(str(card["id"]))
    problems = []
    for item in sheet:
        term = item.values.get("term")
        if not isinstance(term, str) or not item.id:
            continue
        others = [card_id for card_id in owners.get(term.casefold(), []) if card_id != item.id]
        if others:
            problems.append(_("{place}: the term '{term}' is already card '{id}' of the deck; write '{id}' in the id "
                              "column to update that card").format(
                place=where(table, item.row, item.columns.get("term")), term=term, id=others[0]))
    return problems


def _free_id(slug: str, taken: set[str]) -> str:
    if slug not in taken:
        return slug
    number = 2
    while f"{slug}-{number}" in taken:
        number += 1
    return f"{slug}-{number}"


# -- writing ---------------------------------------------------------------------------------------


class _Flow(tuple):
    """A list written on one line, `[a, b]`, as the bundled decks write tags."""


class _DeckDumper(yaml.SafeDumper):
    """PyYAML's safe dumper with the look of the bundled decks: indented lists, `|` blocks, flow tags."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # The safe dumper quotes whatever would be read back as something else (yes, no, 22:00, 1.0, a
    # leading '-', ' #'); a multi-line text becomes a literal block, as a person would write it.
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


def _represent_flow(dumper: yaml.SafeDumper, value: _Flow) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(value), flow_style=True)


_DeckDumper.add_representer(str, _represent_str)
_DeckDumper.add_representer(_Flow, _represent_flow)


def dump_deck(header: dict[str, object], cards: Iterable[CardFields]) -> str:
    """The YAML text of a deck: keys in the bundled decks' order, block style, Unicode as it is."""
    head: dict[str, object] = {}
    for key in HEADER_ORDER:
        if key in header:
            value = header[key]
            if key == "version" and isinstance(value, str) and value.isdigit() and not value.startswith("0"):
                value = int(value)  # `version: 3`, as people write it (the loader takes a number)
            head[key] = _Flow(value) if key == "tags" else value
    body = [{key: (_Flow(card[key]) if key in LIST_KEYS else card[key]) for key in CARD_ORDER if key in card}
            for card in cards]
    return yaml.dump({"deck": head, "cards": body}, Dumper=_DeckDumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=1_000_000, indent=2)


def has_comments(text: str) -> bool:
    """True when a YAML text holds a comment: a '#' outside every token of the file."""
    spans: list[tuple[int, int]] = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            spans.append((token.start_mark.index, token.end_mark.index))
    except yaml.YAMLError:
        return "#" in text
    inside = 0
    for position in (m.start() for m in re.finditer("#", text)):
        while inside < len(spans) and spans[inside][1] <= position:
            inside += 1
        if inside >= len(spans) or not spans[inside][0] <= position:
            return True
    return False


def verify(target: Path, text: str, header: dict[str, object], cards: list[CardFields]) -> Deck:
    """Load `text` with the app's own loader and compare every field with what was meant.

    Raises DeckImportError when the loader refuses it or reads anything back differently.
    """
    raw = text.encode("utf-8")
    if len(raw) > MAX_DECK_BYTES:
        raise DeckImportError([_("the deck would be {size} bytes, and a deck file may be at most {limit} bytes; "
                                 "split the table into several decks").format(size=len(raw), limit=MAX_DECK_BYTES)])
    deck, problems = check_deck(target, raw)
    if deck is None:
        raise DeckImportError([_("the deck written from the table does not load: {problem}").format(problem=p)
                               for p in problems])
    read_back = [card_fields(card) for card in deck.cards]
    if read_back != cards or header_fields(deck) != header:
        differing = next((str(c.get("id")) for c, r in zip(cards, read_back) if c != r), "")
        raise DeckImportError([_("the deck written from the table reads back differently (card '{id}'); "
                                 "please report this").format(id=differing)])
    return deck


def import_table(source: Path, target: Path, sheet: str | None = None, deck_id: str | None = None,
                 title: str | None = None) -> ImportResult:
    """Read `source` and build the deck `target` will hold (merged with it when it exists); writes nothing.

    Raises DeckImportError (every problem found, rows and columns named) or SpreadsheetError.
    """
    table = read_table(source, sheet)
    warnings: list[str] = []
    existing_raw: bytes | None = None
    existing: Deck | None = None
    if target.exists():
        existing_raw, problem = read_deck_file(target)
        if existing_raw is None:
            raise DeckImportError([str(problem)])
        existing, problems = check_deck(target, existing_raw)
        if existing is None:
            raise DeckImportError(
                [_("{path} exists but does not load, so the table cannot be merged into it; fix it first "
                   "(vocab-tui decks check {path}) or choose another -o file").format(path=target)]
                + [str(p) for p in problems[:MAX_PROBLEMS]])
    sheet_cards, problems, sheet_warnings = read_sheet(table, merging=existing is not None)
    warnings += sheet_warnings
    if existing is not None:
        header = header_fields(existing)
        if deck_id is not None and deck_id != existing.id:
            problems.insert(0, _("{path} is the deck '{id}'; --deck-id {new} would change which deck learners' "
                                 "progress belongs to. Leave out --deck-id to merge, or choose another -o file")
                            .format(path=target, id=existing.id, new=deck_id))
        if title is not None:
            header["title"] = title
        old_cards = [card_fields(card) for card in existing.cards]
    else:
        default_id, default_title = default_header(source)
        if deck_id is None:
            deck_id = default_id
            warnings.append(_("no --deck-id given; the deck id is '{id}', from the file name").format(id=deck_id))
        if title is None:
            title = default_title
            warnings.append(_("no --title given; the title is '{title}', from the file name").format(title=title))
        header = new_header(deck_id, title)
        old_cards = []
    if not valid_id(str(header["id"])):
        problems.insert(0, _("deck id '{id}' may use only lowercase letters, digits and dashes, like '{example}'")
                        .format(id=header["id"], example=slugify(str(header["id"]))))
    cards, added, changed, merge_problems = merge(table, sheet_cards, old_cards)
    problems += merge_problems
    if not cards and not problems:
        problems.append(_("{path}: the table has no cards, only its header row").format(path=table.path))
    if problems:
        raise DeckImportError(problems)
    text = dump_deck(header, cards)
    deck = verify(target, text, header, cards)
    if existing is not None and title is not None and title != existing.title:
        warnings.append(_("the deck's title changes from '{old}' to '{new}'").format(old=existing.title, new=title))
    return ImportResult(
        target=target, text=text, deck=deck, added=added, changed=changed,
        unchanged=len(sheet_cards) - len(added) - len(changed), merged=existing is not None,
        comments_dropped=existing_raw is not None and has_comments(existing_raw.decode("utf-8")),
        warnings=warnings, table=table)


def write_deck(result: ImportResult) -> Path | None:
    """Write the deck: a temp file in the same folder, then a rename, so a reader never sees half a file.

    A replaced file that held comments is kept beside it as `NAME.yaml.bak` first (YAML rewriting drops
    comments); returns that path, or None. Raises OSError.
    """
    target = result.target
    backup: Path | None = None
    mode = 0o644
    if target.exists():
        mode = target.stat().st_mode & 0o777
        if result.comments_dropped:
            backup = target.with_name(target.name + ".bak")
            _write_atomically(backup, target.read_bytes(), mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    _write_atomically(target, result.text.encode("utf-8"), mode)
    return backup


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
