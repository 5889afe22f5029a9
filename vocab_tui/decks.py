"""Deck model, YAML loading and validation.

Validation walks the YAML node tree so that every problem can name its line and column,
and it reports every problem in a file rather than stopping at the first.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from .i18n import N_, _

try:  # the C loader is several times faster; both are safe loaders
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
PARTS_OF_SPEECH = (
    "noun",
    "verb",
    "adjective",
    "adverb",
    "preposition",
    "conjunction",
    "pronoun",
    "determiner",
    "interjection",
    "phrasal verb",
    "phrase",
    "idiom",
)
DECK_KEYS_REQUIRED = ("id", "title")
DECK_KEYS = ("id", "title", "description", "language", "translation_language", "version", "tags")
CARD_KEYS_REQUIRED = ("term", "translation", "definition", "example")
CARD_KEYS = (
    "id",
    "term",
    "translation",
    "definition",
    "example",
    "example_translation",
    "part_of_speech",
    "level",
    "tags",
    "ipa",
    "notes",
    "acronym_of",
)
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_ID_RE = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")
_TYPE_NAMES = {
    "tag:yaml.org,2002:bool": N_("a yes/no value"),
    "tag:yaml.org,2002:int": N_("a number"),
    "tag:yaml.org,2002:float": N_("a number"),
    "tag:yaml.org,2002:null": N_("an empty value"),
    "tag:yaml.org,2002:timestamp": N_("a date"),
    _STR: N_("text"),
}


@dataclass(frozen=True)
class Card:
    """One card of a deck: an English term and what a learner sees on the back."""

    deck_id: str
    id: str
    term: str
    translation: str
    definition: str
    example: str
    position: int
    example_translation: str | None = None
    part_of_speech: str | None = None
    level: str | None = None
    tags: tuple[str, ...] = ()
    ipa: str | None = None
    notes: str | None = None
    acronym_of: str | None = None


@dataclass(frozen=True)
class Deck:
    id: str
    title: str
    cards: tuple[Card, ...]
    path: Path
    description: str = ""
    language: str = "en"
    translation_language: str = "id"
    version: str = "1"
    tags: tuple[str, ...] = ()
    content_hash: str = ""


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong in a deck file, at a 1-based line and column."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


@dataclass
class LoadResult:
    """The decks that loaded, and every problem with the files that did not.

    `deck_ids` lists every deck that loaded, in file order; `decks` holds the parsed ones (a
    file already known with the same content is not parsed again, see `load_decks`).
    """

    decks: list[Deck] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    deck_ids: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> list[str]:
        return sorted({p.path for p in self.problems})


def slugify(text: str) -> str:
    """A stable card id from a term: 'Two-factor Authentication' -> 'two-factor-authentication'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or hashlib.sha1(text.encode()).hexdigest()[:10]


def bundled_decks_dir() -> Path:
    """The decks that ship with the app (inside the wheel, or `decks/` in a checkout)."""
    packaged = Path(str(resources.files("vocab_tui"))) / "_decks"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "decks"


def deck_files(paths: list[Path]) -> list[Path]:
    """Expand folders into their *.yaml / *.yml files, in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        else:
            files.append(path)
    return files


class _Checker:
    """Collects problems for one file while turning its node tree into a Deck."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(self, node_or_mark: yaml.Node | yaml.Mark | None, message: str) -> None:
        mark = getattr(node_or_mark, "start_mark", node_or_mark)
        line = mark.line + 1 if mark is not None else 1
        column = mark.column + 1 if mark is not None else 1
        self.problems.append(Problem(str(self.path), line, column, message))

    def mapping(self, node: yaml.Node, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        if not isinstance(node, yaml.MappingNode):
            self.add(node, _("{what} must be a mapping of keys to values").format(what=what))
            return None
        result: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in result:
                self.add(key_node, _("duplicate key '{key}' (each key may appear once)").format(key=key))
                continue
            result[key] = (key_node, value_node)
        return result

    def check_keys(
        self,
        items: dict[str, tuple[yaml.Node, yaml.Node]],
        known: tuple[str, ...],
        required: tuple[str, ...],
        where: yaml.Node,
        what: str,
    ) -> None:
        for key, (key_node, _value) in items.items():
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                hint = (
                    _("did you mean '{key}'?").format(key=close[0])
                    if close
                    else _("known keys: {keys}").format(keys=", ".join(known))
                )
                self.add(key_node, _("unknown key '{key}' in {what}; {hint}").format(key=key, what=what, hint=hint))
        for key in required:
            if key not in items:
                self.add(where, _("{what} is missing the required key '{key}'").format(what=what, key=key))

    def foreign_tag(self, node: yaml.Node, key: str) -> bool:
        """Report YAML tags such as !!python/object: decks are plain data."""
        if node.tag.startswith("tag:yaml.org,2002:") and "python" not in node.tag:
            return False
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        self.add(node, _("'{key}' uses the YAML tag {tag}, which decks may not use; remove it").format(key=key, tag=tag))
        return True

    def text(self, node: yaml.Node, key: str, *, allow_number: bool = False) -> str | None:
        if self.foreign_tag(node, key):
            return None
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _STR or (allow_number and node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")):
                value = node.value.strip()
                if not value:
                    self.add(node, _("'{key}' is empty; write a value or remove the key").format(key=key))
                    return None
                return value
            kind = _TYPE_NAMES.get(node.tag, node.tag)
            if node.tag == "tag:yaml.org,2002:null":
                self.add(node, _("'{key}' is empty; write a value or remove the key").format(key=key))
            else:
                self.add(
                    node,
                    _("'{key}' must be text, not {kind}; put it in quotes: \"{value}\"").format(
                        key=key, kind=_(kind), value=node.value
                    ),
                )
            return None
        kind = _("a list") if isinstance(node, yaml.SequenceNode) else _("a mapping")
        self.add(node, _("'{key}' must be text, not {kind}").format(key=key, kind=kind))
        return None

    def tags(self, node: yaml.Node, key: str) -> tuple[str, ...]:
        if self.foreign_tag(node, key):
            return ()
        if not isinstance(node, yaml.SequenceNode):
            self.add(node, _("'{key}' must be a list, like [spbe, security]").format(key=key))
            return ()
        values = [self.text(item, key) for item in node.value]
        return tuple(v for v in values if v)


def _decode(path: Path, raw: bytes, checker: _Checker) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n") + 1
        line_start = before[before.rfind(b"\n") + 1 :]
        column = len(line_start.decode("utf-8", errors="replace")) + 1
        checker.problems.append(
            Problem(
                str(path),
                line,
                column,
                _("the file is not UTF-8 text (byte 0x{byte:02x}); save it as UTF-8").format(
                    byte=raw[err.start]
                ),
            )
        )
        return None


def check_deck(path: Path, raw: bytes | None = None) -> tuple[Deck | None, list[Problem]]:
    """Load and validate one deck file; return the deck (None if any problem) and all problems."""
    path = Path(path)
    checker = _Checker(path)
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as err:
            checker.add(None, _("cannot read the file: {reason}").format(reason=err.strerror or err))
            return None, checker.problems
    text = _decode(path, raw, checker)
    if text is None:
        return None, checker.problems
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        reason = err.problem or err.context or "invalid YAML"
        if err.context and err.context_mark and err.problem_mark:
            reason += " " + _("({context} at line {line}, column {column})").format(
                context=err.context, line=err.context_mark.line + 1, column=err.context_mark.column + 1
            )
        checker.add(mark, _("not valid YAML: {reason}").format(reason=reason))
        return None, checker.problems
    except yaml.reader.ReaderError as err:
        before = text[: err.position]
        line = before.count("\n") + 1
        column = err.position - (before.rfind("\n") + 1) + 1
        checker.problems.append(
            Problem(str(path), line, column,
                    _("character {code} is not allowed in YAML; delete it (it is often pasted in from a word processor)")
                    .format(code=f"U+{err.character:04X}" if isinstance(err.character, int) else repr(err.character)))
        )
        return None, checker.problems
    except yaml.YAMLError as err:
        checker.add(None, _("not valid YAML: {reason}").format(reason=" ".join(str(err).split())))
        return None, checker.problems
    if root is None:
        checker.add(None, _("the file is empty; a deck needs a 'deck:' header and a 'cards:' list"))
        return None, checker.problems
    top = checker.mapping(root, _("the file"))
    if top is None:
        return None, checker.problems
    checker.check_keys(top, ("deck", "cards"), ("deck", "cards"), root, _("the file"))

    header: dict[str, object] = {}
    if "deck" in top:
        header = _check_header(checker, top["deck"][1])
    deck_id = header.get("id") if isinstance(header.get("id"), str) else "deck"
    cards: list[Card] = []
    if "cards" in top:
        cards = _check_cards(checker, top["cards"][1], str(deck_id))
    if checker.problems:
        return None, sorted(checker.problems)
    deck = Deck(
        id=str(header["id"]),
        title=str(header["title"]),
        description=str(header.get("description") or ""),
        language=str(header.get("language") or "en"),
        translation_language=str(header.get("translation_language") or "id"),
        version=str(header.get("version") or "1"),
        tags=tuple(header.get("tags") or ()),  # type: ignore[arg-type]
        cards=tuple(cards),
        path=path,
        content_hash=hashlib.sha256(raw).hexdigest(),
    )
    return deck, []


def _check_header(checker: _Checker, node: yaml.Node) -> dict[str, object]:
    items = checker.mapping(node, _("the 'deck' header"))
    if items is None:
        return {}
    checker.check_keys(items, DECK_KEYS, DECK_KEYS_REQUIRED, node, _("the 'deck' header"))
    header: dict[str, object] = {}
    for key, (_k, value) in items.items():
        if key not in DECK_KEYS:
            continue
        if key == "tags":
            header[key] = checker.tags(value, key)
        else:
            header[key] = checker.text(value, key, allow_number=key == "version")
    deck_id = header.get("id")
    if isinstance(deck_id, str) and not _ID_RE.match(deck_id):
        checker.add(
            items["id"][1],
            _("deck id '{id}' may use only lowercase letters, digits and dashes, like 'office-english'").format(
                id=deck_id
            ),
        )
    for key, expected in (("language", "en"), ("translation_language", "id")):
        value = header.get(key)
        if isinstance(value, str) and value != expected:
            checker.add(
                items[key][1],
                _("'{key}' must be '{expected}' in this version of the deck format").format(
                    key=key, expected=expected
                ),
            )
    return header


def _check_cards(checker: _Checker, node: yaml.Node, deck_id: str) -> list[Card]:
    if not isinstance(node, yaml.SequenceNode):
        checker.add(node, _("'cards' must be a list of cards, each starting with '- term:'"))
        return []
    if not node.value:
        checker.add(node, _("'cards' is empty; a deck needs at least one card"))
    cards: list[Card] = []
    seen_ids: dict[str, int] = {}
    seen_terms: dict[str, int] = {}
    for position, card_node in enumerate(node.value):
        what = _("card {number}").format(number=position + 1)
        items = checker.mapping(card_node, what)
        if items is None:
            continue
        checker.check_keys(items, CARD_KEYS, CARD_KEYS_REQUIRED, card_node, what)
        values: dict[str, object] = {}
        for key, (_k, value) in items.items():
            if key not in CARD_KEYS:
                continue
            values[key] = checker.tags(value, key) if key == "tags" else checker.text(value, key)
        level = values.get("level")
        if isinstance(level, str) and level.upper() not in LEVELS:
            checker.add(
                items["level"][1],
                _("level '{level}' is not a CEFR level; use one of {levels}").format(
                    level=level, levels=", ".join(LEVELS)
                ),
            )
        pos = values.get("part_of_speech")
        if isinstance(pos, str) and pos not in PARTS_OF_SPEECH:
            close = difflib.get_close_matches(pos, PARTS_OF_SPEECH, n=1)
            hint = _("did you mean '{value}'?").format(value=close[0]) if close else ", ".join(PARTS_OF_SPEECH)
            checker.add(
                items["part_of_speech"][1],
                _("unknown part of speech '{value}'; {hint}").format(value=pos, hint=hint),
            )
        term = values.get("term")
        card_id = values.get("id") or (slugify(term) if isinstance(term, str) else None)
        if isinstance(values.get("id"), str) and not _ID_RE.match(str(values["id"])):
            checker.add(
                items["id"][1],
                _("card id '{id}' may use only lowercase letters, digits and dashes").format(id=values["id"]),
            )
        term_repeats = isinstance(term, str) and term.casefold() in seen_terms
        if isinstance(card_id, str):
            where = items["id"][1] if "id" in items else items["term"][1]
            if card_id in seen_ids and ("id" in items or not term_repeats):
                checker.add(
                    where,
                    _("duplicate card id '{id}' (card {first} has it too); give one of them an 'id:'").format(
                        id=card_id, first=seen_ids[card_id]
                    ),
                )
            elif card_id not in seen_ids:
                seen_ids[card_id] = position + 1
        if isinstance(term, str):
            folded = term.casefold()
            if folded in seen_terms:
                checker.add(
                    items["term"][1],
                    _("duplicate term '{term}' (card {first} has it too)").format(
                        term=term, first=seen_terms[folded]
                    ),
                )
            else:
                seen_terms[folded] = position + 1
        if all(isinstance(values.get(k), str) for k in CARD_KEYS_REQUIRED) and isinstance(card_id, str):
            cards.append(
                Card(
                    deck_id=deck_id,
                    id=card_id,
                    term=str(values["term"]),
                    translation=str(values["translation"]),
                    definition=str(values["definition"]),
                    example=str(values["example"]),
                    position=position,
                    example_translation=_opt(values, "example_translation"),
                    part_of_speech=_opt(values, "part_of_speech"),
                    level=(_opt(values, "level") or "").upper() or None,
                    tags=tuple(values.get("tags") or ()),  # type: ignore[arg-type]
                    ipa=_opt(values, "ipa"),
                    notes=_opt(values, "notes"),
                    acronym_of=_opt(values, "acronym_of"),
                )
            )
    return cards


def _opt(values: dict[str, object], key: str) -> str | None:
    value = values.get(key)
    return value if isinstance(value, str) else None


def load_decks(paths: list[Path], known: dict[str, tuple[str, str]] | None = None) -> LoadResult:
    """Load every deck under `paths`; a bad file is skipped with its problems, never fatal.

    `known` maps a file path to (content hash, deck id) of decks already stored: such a file,
    unchanged, is only hashed, not parsed, which keeps start-up fast.
    """
    known = known or {}
    result = LoadResult()
    owner: dict[str, Path] = {}
    for path in deck_files(paths):
        try:
            raw = path.read_bytes()
        except OSError as err:
            reason = err.strerror or str(err)
            result.problems.append(Problem(str(path), 1, 1, _("cannot read the file: {reason}").format(reason=reason)))
            continue
        digest = hashlib.sha256(raw).hexdigest()
        stored = known.get(str(path))
        if stored is not None and stored[0] == digest:
            deck_id, deck = stored[1], None
        else:
            deck, problems = check_deck(path, raw)
            if deck is None:
                result.problems.extend(problems)
                continue
            deck_id = deck.id
        if deck_id in owner:
            result.problems.append(
                Problem(
                    str(path),
                    1,
                    1,
                    _("deck id '{id}' is already used by {other}; this file was skipped").format(
                        id=deck_id, other=owner[deck_id]
                    ),
                )
            )
            continue
        owner[deck_id] = path
        result.deck_ids.append(deck_id)
        if deck is not None:
            result.decks.append(deck)
    return result
