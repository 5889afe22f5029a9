"""Deck model, YAML loading and validation.

Validation walks the YAML node tree so that every problem can name its line and column,
and it reports every problem in a file rather than stopping at the first.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .deck_files import MAX_DECK_BYTES, content_hash, deck_files, read_bytes, too_big  # noqa: F401  (callers)
from .i18n import N_, _, ngettext
from .paths import bundled_decks_dir  # noqa: F401  (where it always was, for callers)
from .text import control_characters, describe_character, visible

if TYPE_CHECKING:
    import yaml

    from .yaml_messages import yaml_error

    _Loader: type


def _need_yaml() -> None:
    """Import PyYAML (and its messages) on the first parse, as this module's `yaml` and `_Loader`.

    Start-up parses nothing when the database already holds every deck file unchanged (files are
    only hashed, see `load_decks`): the app's first screen and `decks list` then never load YAML.
    """
    global yaml, _Loader, yaml_error
    if "_Loader" in globals():
        return
    import yaml

    from .yaml_messages import yaml_error

    try:  # the C loader is several times faster; both are safe loaders
        _Loader = yaml.CSafeLoader
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
    "replaces",
)
# Fields that may hold line breaks (e.g. a `|` block); every other field is one line.
MULTILINE_KEYS = ("description", "definition", "example", "example_translation", "notes")
# The largest deck file read. The biggest bundled deck is about 90 KB (~270 cards); 1 MiB is
# room for ~9,000 cards (more than anyone learns from one deck), bounds the time to check a file
# (a full 1 MiB deck took ~4 s on a busy 2-core machine, linear in size) and keeps a wrong file
# (a video, a database dump) from being read into memory at all.
# A deck nests four levels (file -> cards -> card -> tags); anything much deeper is not a deck.
MAX_DEPTH = 10
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
    # Ids this card had before (renamed cards): the sync moves their progress to this card.
    replaces: tuple[str, ...] = ()


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

    def changed_on_disk(self) -> bool:
        """True when the file now holds other content than this deck was parsed from (sha256).

        A deck parsed just before a trainer saved a new version must not be written over the
        newer one that another process has already stored. A file that cannot be read now
        says nothing either way (False).
        """
        raw, _problem = read_deck_file(self.path)
        return raw is not None and content_hash(raw) != self.content_hash


ERROR = "error"  # the app skips the file
WARNING = "warning"  # the deck loads, but something in it is probably not what the trainer meant


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong in a deck file, at a 1-based line and column (in characters).

    `severity` is ERROR (the app skips the file) or WARNING; `code` is a stable name for the kind
    of problem (`duplicate-deck-id`, `comment-cut`...), the same in every language, for tools.
    """

    path: str
    line: int
    column: int
    message: str
    severity: str = ERROR
    code: str = "invalid"

    def __post_init__(self) -> None:
        # Messages quote deck text; whoever shows one must never send a control code to a terminal.
        object.__setattr__(self, "message", visible(self.message))

    def __str__(self) -> str:
        return f"{visible(self.path)}:{self.line}:{self.column}: {self.message}"

    def formatted(self) -> str:
        """`path:line:column: severity: message`, as compilers write it (editors and CI read it)."""
        return f"{visible(self.path)}:{self.line}:{self.column}: {self.severity}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "column": self.column, "severity": self.severity,
                "code": self.code, "message": self.message}


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


def is_valid_id(text: str) -> bool:
    """True for a deck or card id: lowercase letters and digits, joined by single '-', '_' or '.'."""
    return bool(_ID_RE.match(text))


def slugify(text: str) -> str:
    """A stable card id from a term: 'Two-factor Authentication' -> 'two-factor-authentication'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or hashlib.sha1(text.encode()).hexdigest()[:10]


def read_deck_file(path: Path) -> tuple[bytes | None, Problem | None]:
    """The bytes of a deck file, or the problem that stops it being read (see `deck_files.read_bytes`)."""
    raw, problem = read_bytes(path)
    return (raw, None) if problem is None else (None, Problem(str(path), 1, 1, problem[0], code=problem[1]))


def _closest(word: str, choices: tuple[str, ...]) -> list[str]:
    """The one choice most like a misspelt `word` (difflib, loaded only when a word is misspelt), or []."""
    import difflib

    return difflib.get_close_matches(word, choices, n=1, cutoff=0.6)


class _Checker:
    """Collects problems for one file while turning its node tree into a Deck."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.source = ""  # the decoded file, to point at the exact character of a problem
        self.deck_id_node: yaml.Node | None = None
        self.header_nodes: dict[str, yaml.Node] = {}
        self.card_nodes: dict[int, dict[str, yaml.Node]] = {}  # card position -> key -> value node

    def add(self, node_or_mark: yaml.Node | yaml.Mark | None, message: str, code: str) -> None:
        mark = getattr(node_or_mark, "start_mark", node_or_mark)
        line = mark.line + 1 if mark is not None else 1
        column = mark.column + 1 if mark is not None else 1
        self.problems.append(Problem(str(self.path), line, column, message, code=code))

    def mapping(self, node: yaml.Node, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        if not isinstance(node, yaml.MappingNode):
            self.add(node, _("{what} must be a mapping of keys to values").format(what=what), "not-a-mapping")
            return None
        result: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.add(key_node, _("a key must be a plain word, like 'term', not a list or a mapping"), "bad-key")
                continue
            key = str(key_node.value)
            if self.control_character(key_node, key, _("a key")):
                continue
            if key in result:
                self.add(key_node, _("duplicate key '{key}' (each key may appear once)").format(key=key), "duplicate-key")
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
                close = _closest(key, known)
                hint = (
                    _("did you mean '{key}'?").format(key=close[0])
                    if close
                    else _("known keys: {keys}").format(keys=", ".join(known))
                )
                self.add(key_node, _("unknown key '{key}' in {what}; {hint}").format(key=key, what=what, hint=hint),
                         "unknown-key")
        for key in required:
            if key not in items:
                self.add(where, _("{what} is missing the required key '{key}'").format(what=what, key=key), "missing-key")

    def foreign_tag(self, node: yaml.Node, key: str) -> bool:
        """Report YAML tags such as !!python/object: decks are plain data."""
        if node.tag.startswith("tag:yaml.org,2002:") and "python" not in node.tag:
            return False
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        self.add(node, _("'{key}' uses the YAML tag {tag}, which decks may not use; remove it").format(key=key, tag=tag), "yaml-tag")
        return True

    def text(self, node: yaml.Node, key: str, *, allow_number: bool = False) -> str | None:
        if self.foreign_tag(node, key):
            return None
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _STR or (allow_number and node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")):
                value = node.value.strip()
                if not value:
                    self.add(node, _("'{key}' is empty; write a value or remove the key").format(key=key),
                             "empty-value")
                    return None
                if self.control_character(node, key, f"'{key}'", allow="\n" if key in MULTILINE_KEYS else ""):
                    return None
                return value
            kind = _TYPE_NAMES.get(node.tag, node.tag)
            if node.tag == "tag:yaml.org,2002:null":
                self.add(node, _("'{key}' is empty; write a value or remove the key").format(key=key),
                         "empty-value")
            else:
                self.add(
                    node,
                    _("'{key}' must be text, not {kind}; put it in quotes: \"{value}\"").format(
                        key=key, kind=_(kind), value=node.value
                    ),
                    "wrong-type",
                )
            return None
        kind = _("a list") if isinstance(node, yaml.SequenceNode) else _("a mapping")
        self.add(node, _("'{key}' must be text, not {kind}").format(key=key, kind=kind), "wrong-type")
        return None

    def control_character(self, node: yaml.ScalarNode, key: str, what: str, allow: str = "") -> bool:
        """Report the first control character in the kept (stripped) text of `node`, if any.

        Checked after YAML escapes are processed: "\\e]0;x\\a" in double quotes is an ESC and a BEL.
        Leading and trailing spaces and line breaks are dropped from every value, so only what is
        kept is checked.
        """
        raw = node.value
        kept = raw.strip()
        found = control_characters(kept, allow)
        if not found:
            return False
        lead = len(raw) - len(raw.lstrip())
        char = kept[found[0]]
        code = {"\n": "line-break", "\t": "tab-character"}.get(char, "control-character")
        if char == "\n":
            message = _("{what} must be one line; remove the line break (only {fields} may have several lines)").format(
                what=what, fields=", ".join(MULTILINE_KEYS)
            )
        elif char == "\t":
            message = _("{what} contains a tab ({code}); use a space instead").format(
                what=what, code=describe_character(char)
            )
        else:
            message = _(
                "{what} contains the control character {code}, which a terminal would obey; delete it "
                "(in double quotes, look for an escape such as \\e, \\a or \\x1b)"
            ).format(what=what, code=describe_character(char))
        line, column = self.position(node, lead + found[0])
        self.problems.append(Problem(str(self.path), line, column, message, code=code))
        return True

    def position(self, node: yaml.ScalarNode, index: int) -> tuple[int, int]:
        return scalar_position(self.source, node, index)

    def tags(self, node: yaml.Node, key: str) -> tuple[str, ...]:
        if self.foreign_tag(node, key):
            return ()
        if not isinstance(node, yaml.SequenceNode):
            self.add(node, _("'{key}' must be a list, like [spbe, security]").format(key=key), "wrong-type")
            return ()
        values = [self.text(item, key) for item in node.value]
        return tuple(v for v in values if v)


def scalar_position(source: str, node: yaml.ScalarNode, index: int) -> tuple[int, int]:
    """The 1-based line and column of character `index` of a scalar's value in the file `source`.

    Exact for one-line plain and quoted scalars and for `|` blocks; otherwise the scalar's start.
    """
    start, end = node.start_mark, node.end_mark
    fallback = (start.line + 1, start.column + 1)
    if node.style in (None, "", "'", '"') and start.line == end.line:
        offset = _source_offset(source[start.index : end.index], node.style, index)
        return fallback if offset is None else (start.line + 1, start.column + 1 + offset)
    if node.style == "|":
        value = node.value
        line_in_value = value.count("\n", 0, index)
        line_start = value.rfind("\n", 0, index) + 1
        line_end = value.find("\n", index)
        value_line = value[line_start : line_end if line_end >= 0 else len(value)]
        source_lines = source.split("\n", start.line + line_in_value + 2)
        number = start.line + 1 + line_in_value  # the block's text starts below its '|'
        if number < len(source_lines) and source_lines[number].rstrip("\r").endswith(value_line):
            indent = len(source_lines[number].rstrip("\r")) - len(value_line)
            return number + 1, indent + (index - line_start) + 1
    return fallback


def _source_offset(body: str, style: str | None, index: int) -> int | None:
    """Where character `index` of a one-line scalar's value sits in its source text `body`."""
    if not style:  # plain (libyaml says "", PyYAML None): the value is the source
        return index if index < len(body) else None
    i, n = 1, 0  # past the opening quote
    while i < len(body) - 1:
        if n == index:
            return i
        if style == "'":
            i += 2 if body.startswith("''", i) else 1
        elif body[i] == "\\":
            i += {"x": 4, "u": 6, "U": 10}.get(body[i + 1 : i + 2], 2)
        else:
            i += 1
        n += 1
    return None


def _scan(text: str, checker: _Checker) -> bool:
    """Refuse aliases and deep nesting before building the node tree.

    An alias (`*name`) repeats a whole value: a few lines of them make a "billion laughs" file
    that would take minutes and gigabytes to walk. Decks are plain data and need neither.
    YAML syntax errors are raised as usual.
    """
    loader = _Loader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                checker.add(
                    event.start_mark,
                    _("'*{name}' is a YAML alias; decks may not use aliases: write the value out in full").format(
                        name=event.anchor
                    ),
                    "yaml-alias",
                )
                return False
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    checker.add(
                        event.start_mark,
                        _("the file nests lists and mappings more than {limit} levels deep; a deck needs "
                          "four (file, cards, card, tags)").format(limit=MAX_DEPTH),
                        "too-deep",
                    )
                    return False
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    finally:
        loader.dispose()
    return True


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
                code="not-utf8",
            )
        )
        return None


@dataclass
class DeckCheck:
    """One deck file read and validated, with what a linter needs to point into it.

    `deck` is None when `problems` holds an error (the app skips the file). `cards` are the cards
    that could be built even so, `card_nodes` maps a card's position to its keys' value nodes,
    `deck_id` / `deck_id_node` the header's id and its node, `header_nodes` the header's value nodes,
    `text` the decoded file ("" when it could not be read or decoded), `root` its node tree (None when
    it could not be parsed).
    """

    path: Path
    deck: Deck | None
    problems: list[Problem]
    text: str = ""
    deck_id: str | None = None
    deck_id_node: yaml.Node | None = None
    cards: list[Card] = field(default_factory=list)
    card_nodes: dict[int, dict[str, yaml.Node]] = field(default_factory=dict)
    header_nodes: dict[str, yaml.Node] = field(default_factory=dict)
    root: yaml.Node | None = None


def check_deck(path: Path, raw: bytes | None = None) -> tuple[Deck | None, list[Problem]]:
    """Load and validate one deck file; return the deck (None if any problem) and all problems."""
    result = inspect_deck(path, raw)
    return result.deck, result.problems


def inspect_deck(path: Path, raw: bytes | None = None) -> DeckCheck:
    """Read (unless `raw` is given), parse and validate one deck file; never raises for its content."""
    _need_yaml()
    path = Path(path)
    checker = _Checker(path)

    def failed() -> DeckCheck:
        return DeckCheck(path, None, sorted(checker.problems), checker.source)

    if raw is None:
        raw, problem = read_deck_file(path)
        if raw is None:
            return DeckCheck(path, None, [problem] if problem else [])
    if len(raw) > MAX_DECK_BYTES:
        checker.add(None, too_big(len(raw)), "file-too-big")
        return failed()
    text = _decode(path, raw, checker)
    if text is None:
        return failed()
    # a byte order mark is not part of the text: the parser's marks do not count it, nor does an editor
    text = text.removeprefix("\ufeff")
    checker.source = text
    try:
        if not _scan(text, checker):
            return failed()
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        line, column, message, code = yaml_error(text, err)
        checker.problems.append(Problem(str(path), line, column, message, code=code))
        return failed()
    except yaml.reader.ReaderError as err:
        before = text[: err.position]
        line = before.count("\n") + 1
        column = err.position - (before.rfind("\n") + 1) + 1
        checker.problems.append(
            Problem(str(path), line, column,
                    _("character {code} is not allowed in YAML; delete it (it is often pasted in from a word processor)")
                    .format(code=f"U+{err.character:04X}" if isinstance(err.character, int) else repr(err.character)),
                    code="bad-character")
        )
        return failed()
    except yaml.YAMLError as err:
        checker.add(None, _("not valid YAML: {reason}").format(reason=" ".join(str(err).split())), "yaml-syntax")
        return failed()
    if root is None:
        checker.add(None, _("the file is empty; a deck needs a 'deck:' header and a 'cards:' list"), "empty-file")
        return failed()
    top = checker.mapping(root, _("the file"))
    if top is None:
        found = failed()
        found.root = root
        return found
    checker.check_keys(top, ("deck", "cards"), ("deck", "cards"), root, _("the file"))

    header: dict[str, object] = {}
    if "deck" in top:
        header = _check_header(checker, top["deck"][1])
    deck_id = header.get("id") if isinstance(header.get("id"), str) else None
    cards: list[Card] = []
    if "cards" in top:
        cards = _check_cards(checker, top["cards"][1], str(deck_id or "deck"))
    found = DeckCheck(path, None, sorted(checker.problems), text, deck_id, checker.deck_id_node, cards,
                      checker.card_nodes, checker.header_nodes, root)
    if checker.problems:
        return found
    found.deck = Deck(
        id=str(header["id"]),
        title=str(header["title"]),
        description=str(header.get("description") or ""),
        language=str(header.get("language") or "en"),
        translation_language=str(header.get("translation_language") or "id"),
        version=str(header.get("version") or "1"),
        tags=tuple(header.get("tags") or ()),  # type: ignore[arg-type]
        cards=tuple(cards),
        path=path,
        content_hash=content_hash(raw),
    )
    return found


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
    checker.header_nodes = {key: value for key, (_k, value) in items.items()}
    if "id" in items:
        checker.deck_id_node = items["id"][1]
    if isinstance(deck_id, str) and not _ID_RE.match(deck_id):
        checker.add(
            items["id"][1],
            _("deck id '{id}' may use only lowercase letters, digits and dashes, like 'office-english'").format(
                id=deck_id
            ),
            "bad-deck-id",
        )
    for key, expected in (("language", "en"), ("translation_language", "id")):
        value = header.get(key)
        if isinstance(value, str) and value != expected:
            checker.add(
                items[key][1],
                _("'{key}' must be '{expected}' in this version of the deck format").format(
                    key=key, expected=expected
                ),
                "bad-language",
            )
    return header


def _check_cards(checker: _Checker, node: yaml.Node, deck_id: str) -> list[Card]:
    if not isinstance(node, yaml.SequenceNode):
        checker.add(node, _("'cards' must be a list of cards, each starting with '- term:'"), "wrong-type")
        return []
    if not node.value:
        checker.add(node, _("'cards' is empty; a deck needs at least one card"), "no-cards")
    cards: list[Card] = []
    replaces_at: dict[str, yaml.Node | None] = {}
    seen_ids: dict[str, int] = {}
    seen_terms: dict[str, int] = {}
    for position, card_node in enumerate(node.value):
        what = _("card {number}").format(number=position + 1)
        items = checker.mapping(card_node, what)
        if items is None:
            continue
        checker.check_keys(items, CARD_KEYS, CARD_KEYS_REQUIRED, card_node, what)
        checker.card_nodes[position] = {key: value for key, (_k, value) in items.items()}
        values: dict[str, object] = {}
        for key, (_k, value) in items.items():
            if key not in CARD_KEYS:
                continue
            if key == "level" and isinstance(value, yaml.ScalarNode) and value.tag in _NOT_A_LEVEL:
                _bad_level(checker, value, value.value)  # `level: 2` is a number to YAML, and no level
                continue
            values[key] = checker.tags(value, key) if key in ("tags", "replaces") else checker.text(value, key)
        level = values.get("level")
        if isinstance(level, str) and level.upper() not in LEVELS:
            _bad_level(checker, items["level"][1], level)
        pos = values.get("part_of_speech")
        if isinstance(pos, str) and pos not in PARTS_OF_SPEECH:
            close = _closest(pos, PARTS_OF_SPEECH)
            hint = _("did you mean '{value}'?").format(value=close[0]) if close else ", ".join(PARTS_OF_SPEECH)
            checker.add(
                items["part_of_speech"][1],
                _("unknown part of speech '{value}'; {hint}").format(value=pos, hint=hint),
                "bad-part-of-speech",
            )
        term = values.get("term")
        card_id = values.get("id") or (slugify(term) if isinstance(term, str) else None)
        if isinstance(values.get("id"), str) and not _ID_RE.match(str(values["id"])):
            checker.add(
                items["id"][1],
                _("card id '{id}' may use only lowercase letters, digits and dashes").format(id=values["id"]),
                "bad-card-id",
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
                    "duplicate-card-id",
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
                    "duplicate-term",
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
                    replaces=tuple(values.get("replaces") or ()),  # type: ignore[arg-type]
                )
            )
            replaces_at[card_id] = items["replaces"][1] if "replaces" in items else None
    _check_replaces(checker, cards, replaces_at)
    return cards


_NOT_A_LEVEL = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool")


def _bad_level(checker: _Checker, node: yaml.Node, level: str) -> None:
    """A level the loader does not take (it takes A1 to C2, in either case), with the nearest ones."""
    level = level.strip()
    if level[-1:] in ("1", "2"):
        near = [f"{letter}{level[-1]}" for letter in "ABC"]
    elif level[:1].upper() in ("A", "B", "C"):
        near = [f"{level[0].upper()}1", f"{level[0].upper()}2"]
    else:
        near = []
    hint = " " + _("(did you mean one of {levels}?)").format(levels=", ".join(near)) if near else ""
    checker.add(
        node,
        _("level '{level}' is not a CEFR level; use one of {levels}").format(level=level, levels=", ".join(LEVELS))
        + hint,
        "bad-level",
    )


def _check_replaces(checker: _Checker, cards: list[Card], where: dict[str, yaml.Node | None]) -> None:
    """`replaces` names old ids: well-formed, not the card's own, not an active card's, claimed once."""
    active = {card.id for card in cards}
    claimed: dict[str, str] = {}
    for card in cards:
        node = where.get(card.id)
        items = node.value if isinstance(node, yaml.SequenceNode) else []
        for index, old in enumerate(card.replaces):
            at = items[index] if index < len(items) else node
            if not _ID_RE.match(old):
                checker.add(at, _("'replaces' names card ids; '{id}' is not one (lowercase letters, digits and "
                                  "dashes)").format(id=old), "bad-replaces")
            elif old == card.id:
                checker.add(at, _("card '{id}' cannot replace itself; remove '{id}' from its 'replaces'").format(
                    id=old), "bad-replaces")
            elif old in active:
                checker.add(at, _("'{old}' is still a card of this deck, so card '{id}' cannot replace it; "
                                  "remove the old card or the 'replaces' entry").format(old=old, id=card.id), "bad-replaces")
            elif old in claimed:
                checker.add(at, _("'{old}' is already replaced by card '{other}'; progress can move to one card "
                                  "only").format(old=old, other=claimed[old]), "bad-replaces")
            else:
                claimed[old] = card.id


def problems_by_card(path: Path) -> tuple[dict[int, list[Problem]], list[Problem]]:
    """The problems of a deck file (`check_deck`), grouped by the card they are in.

    Returns {card position (0-based, as `Card.position`): its problems} and the problems outside
    any card (the header, the file as a whole, or a file that is not valid YAML).
    """
    _deck, problems = check_deck(path)  # loads YAML
    starts: list[int] = []
    raw, _problem = read_deck_file(path)
    try:
        text = raw.decode("utf-8") if raw is not None else ""
        root = yaml.compose(text, Loader=_Loader) if text and _scan(text, _Checker(path)) else None
    except (UnicodeDecodeError, yaml.YAMLError):
        root = None
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if getattr(key, "value", None) == "cards" and isinstance(value, yaml.SequenceNode):
                starts = [item.start_mark.line + 1 for item in value.value]
    by_card: dict[int, list[Problem]] = {}
    rest: list[Problem] = []
    for problem in problems:
        index = bisect.bisect_right(starts, problem.line) - 1
        if index >= 0 and problem.line > 1:
            by_card.setdefault(index, []).append(problem)
        else:
            rest.append(problem)
    return by_card, rest


def orphaned_progress(deck: Deck, progress: dict[str, int]) -> list[Problem]:
    """Warnings for cards with progress that the deck no longer has and no card `replaces`.

    `progress` maps a stored card id of this deck to how many learners have progress on it (see
    `Store.card_progress`). Such a card is retired when the deck is synced: its history is kept
    but no longer used, and it comes back only if the card is put back under the same id.
    """
    kept = {card.id for card in deck.cards} | {old for card in deck.cards for old in card.replaces}
    return [
        Problem(
            str(deck.path), 1, 1,
            ngettext(
                "card '{id}' is gone from deck '{deck}' but {n} learner has progress on it; put it back, or if it "
                "was renamed add 'replaces: [{id}]' to the new card",
                "card '{id}' is gone from deck '{deck}' but {n} learners have progress on it; put it back, or if "
                "it was renamed add 'replaces: [{id}]' to the new card",
                learners,
            ).format(id=card_id, deck=deck.id, n=learners),
            WARNING,
            "orphaned-progress",
        )
        for card_id, learners in sorted(progress.items())
        if learners and card_id not in kept
    ]


def _opt(values: dict[str, object], key: str) -> str | None:
    value = values.get(key)
    return value if isinstance(value, str) else None


def read_deck_id(path: Path) -> str | None:
    """The `id` in the `deck:` header of a file, read from the start of its event stream; None if none.

    Far cheaper than `check_deck` when only the id matters (the header comes first); nothing else
    of the file is checked.
    """
    _need_yaml()
    raw, _problem = read_deck_file(path)
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    loader = _Loader(text)
    try:
        for expected in (yaml.StreamStartEvent, yaml.DocumentStartEvent, yaml.MappingStartEvent):
            if not isinstance(loader.get_event(), expected):
                return None
        while not loader.check_event(yaml.MappingEndEvent):
            key = loader.get_event()
            if not isinstance(key, yaml.ScalarEvent):
                return None
            if key.value != "deck":
                _skip_value(loader)
                continue
            if not isinstance(loader.get_event(), yaml.MappingStartEvent):
                return None
            while not loader.check_event(yaml.MappingEndEvent):
                name = loader.get_event()
                if not isinstance(name, yaml.ScalarEvent):
                    return None
                if name.value == "id":
                    value = loader.get_event()
                    return value.value if isinstance(value, yaml.ScalarEvent) else None
                _skip_value(loader)
            return None
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return None


def _skip_value(loader: yaml.BaseLoader) -> None:
    """Consume the events of one value (an alias is one event: nothing is expanded)."""
    depth = 0
    while True:
        event = loader.get_event()
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        if depth == 0:
            return


def load_decks(paths: list[Path], known: dict[str, tuple[str, str]] | None = None) -> LoadResult:
    """Load every deck under `paths`; a bad file is skipped with its problems, never fatal.

    `known` maps a file path to (content hash, deck id) of decks already stored: such a file,
    unchanged, is only hashed, not parsed, which keeps start-up fast.
    """
    known = known or {}
    result = LoadResult()
    owner: dict[str, Path] = {}
    for path in deck_files(paths):
        raw, problem = read_deck_file(path)
        if raw is None:
            if problem is not None:
                result.problems.append(problem)
            continue
        digest = content_hash(raw)
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
                    code="duplicate-deck-id",
                )
            )
            continue
        owner[deck_id] = path
        result.deck_ids.append(deck_id)
        if deck is not None:
            result.decks.append(deck)
    return result
