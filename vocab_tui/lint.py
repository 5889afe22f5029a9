"""Deck linting for editors and CI: every error and warning of a set of deck files.

Errors are what the app would skip a file for (the loader's problems, and a deck id that another
file already uses); warnings are what loads but is probably not what the trainer meant (a value
cut short by ` #`, an invisible character, a term its example never uses). Each problem has a
stable `code`. The CLI only prints a `LintReport`; further checks (say, progress an edit would
orphan, read from the database) slot in as extra `LintSource`s.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from .decks import ERROR, WARNING, Card, DeckCheck, Problem, deck_files, inspect_deck, read_deck_id, scalar_position
from .i18n import _
from .modes import LOOK_ALIKES, cloze, example_uses_term, fold

# The first problems of a file that are shown; the rest are counted. A hostile or badly broken
# file (100,000 bad lines fit in the 1 MiB limit) must not flood an editor or a CI log.
MAX_PER_FILE = 50
NO_CLOZE = "no-cloze"  # the tag on a card whose term cannot stand in its example (its notes say why)
# Fields that identify a card to a learner: typed, matched or chosen. A look-alike dash there is a slip.
IDENTITY_FIELDS = ("term", "acronym_of", "tags")
DASHES = frozenset(char for char, plain in ((chr(k), v) for k, v in LOOK_ALIKES.items()) if plain == "-")
_COMMENT_AFTER = re.compile(r"[ \t]+#")
_COMMENT_IN = re.compile(r"[^ \t\n][ \t]+#")

LintSource = Callable[[Sequence[DeckCheck]], Iterable[Problem]]
"""A further check: given every checked file (parsed, with its nodes), the problems it finds."""


@dataclass
class LintReport:
    """The files checked (in order) and their problems (by file in that order, then line and column)."""

    files: list[Path]
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(p.severity == ERROR for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == WARNING for p in self.problems)

    def failed(self, strict: bool = False) -> bool:
        """True when an error was found, or with `strict` any warning."""
        return bool(self.errors or (strict and self.warnings))

    def by_file(self, limit: int = MAX_PER_FILE) -> list[tuple[str, list[Problem], int]]:
        """(path, its first `limit` problems, how many more were left out), for each file with problems."""
        grouped: dict[str, list[Problem]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.path, []).append(problem)
        return [(path, found[:limit], max(0, len(found) - limit)) for path, found in grouped.items()]


def lint_paths(paths: Sequence[Path], app_dirs: Sequence[Path] = (),
               sources: Sequence[LintSource] = ()) -> LintReport:
    """Lint the deck files in `paths` (folders are expanded), against the decks the app loads from `app_dirs`.

    `app_dirs` (the bundled decks, then the trainer's folders, as the app reads them) only serve to
    find deck ids used twice; their own problems are reported only for files also in `paths`.
    """
    return lint_files(deck_files(list(paths)), deck_files(list(app_dirs)), sources)


def lint_files(files: Sequence[Path], app_files: Sequence[Path] = (),
               sources: Sequence[LintSource] = ()) -> LintReport:
    """Lint exactly `files`; see `lint_paths`. Never raises for a file's content."""
    checks = [inspect_deck(path) for path in files]
    problems: list[Problem] = []
    for check in checks:
        problems.extend(check.problems)
        problems.extend(comment_cuts(check))
        problems.extend(character_warnings(check))
        problems.extend(cloze_warnings(check))
    problems.extend(duplicate_deck_ids(checks, app_files))
    for source in sources:
        problems.extend(source(checks))
    order = {str(check.path): number for number, check in enumerate(checks)}
    problems.sort(key=lambda p: (order.get(p.path, len(order)), p.path, p.line, p.column, p.code))
    return LintReport(list(files), problems)


def duplicate_deck_ids(checks: Sequence[DeckCheck], app_files: Sequence[Path] = ()) -> list[Problem]:
    """An error on each checked file whose deck id another file (checked, or one the app loads) also has.

    The app loads its folders in order and skips a later file with a deck id already loaded; the
    message names the other file and says which of the two the app skips.
    """
    checked = {_identity(check.path): check for check in checks}
    order: list[tuple[Path, str]] = []  # (file, deck id) in the order the app would meet them
    seen: set[Path] = set()
    for path in app_files:
        key = _identity(path)
        if key in seen:
            continue
        seen.add(key)
        check = checked.get(key)
        deck_id = check.deck_id if check is not None else read_deck_id(path)
        if deck_id is not None:
            order.append((path, deck_id))
    for check in checks:
        key = _identity(check.path)
        if key not in seen and check.deck_id is not None:
            seen.add(key)
            order.append((check.path, check.deck_id))
    owners: dict[str, list[Path]] = {}
    for path, deck_id in order:
        owners.setdefault(deck_id, []).append(path)
    problems: list[Problem] = []
    for deck_id, paths in owners.items():
        if len(paths) < 2:
            continue
        kept = paths[0]
        for path in paths:
            check = checked.get(_identity(path))
            if check is None:
                continue
            line, column = _start(check.deck_id_node)
            if path == kept:
                others = ", ".join(str(p) for p in paths[1:])
                message = _("deck id '{id}' is also used by {others}; the app loads this file and skips that one: "
                            "give one of them another id").format(id=deck_id, others=others)
            else:
                message = _("deck id '{id}' is already used by {other}; the app skips this file: give it another "
                            "id").format(id=deck_id, other=kept)
            problems.append(Problem(str(check.path), line, column, message, ERROR, "duplicate-deck-id"))
    return problems


def comment_cuts(check: DeckCheck) -> list[Problem]:
    """A warning at each ` #` that ends a plain (unquoted) value on its line: YAML drops the rest as a comment.

    `example: Port 22 # and 80` loads as "Port 22". Read from the parsed values and their marks
    (the parser's own token boundaries), so a `#` inside quotes or a block (`|`, `>`), or a comment
    on a line of its own, is never taken for one. Keys are not checked (a key cut short this way
    leaves a line without ':', which is already an error).
    """
    if check.root is None or not _COMMENT_IN.search(check.text):
        return []
    problems: list[Problem] = []
    template = _("the text after ' #' is read as a comment, so this value ends at '{kept}'; if the '#' belongs "
                 "to the text, put the whole value in double quotes; if it is a comment, put it on a line of its own")
    pending: list[yaml.Node] = [check.root]
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.MappingNode):
            pending.extend(value for _key, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, yaml.ScalarNode) and not node.style:  # plain: None (PyYAML) or "" (libyaml)
            end = node.end_mark
            after = _COMMENT_AFTER.match(check.text, end.index)
            if after is not None:
                value = str(node.value)
                kept = value if len(value) <= 40 else "…" + value[-39:]
                problems.append(Problem(str(check.path), end.line + 1, end.column + len(after.group()),
                                        template.format(kept=kept), WARNING, "comment-cut"))
    return problems


def character_warnings(check: DeckCheck) -> list[Problem]:
    """Warnings for invisible format characters (Unicode Cf: soft hyphen, zero-width space, bidi marks,
    a BOM inside text) in any value, and look-alike dashes where a plain '-' was meant.

    A learner cannot see these, yet the cloze and the search compare them as they are.
    """
    problems: list[Problem] = []
    groups = [check.header_nodes, *(check.card_nodes[p] for p in sorted(check.card_nodes))]
    for nodes in groups:
        for key, node in nodes.items():
            items = node.value if isinstance(node, yaml.SequenceNode) else [node]
            for item in items:
                if isinstance(item, yaml.ScalarNode) and isinstance(item.value, str):
                    problems.extend(_odd_characters(check, key, item, nodes is not check.header_nodes))
    return problems


def _odd_characters(check: DeckCheck, key: str, node: yaml.ScalarNode, in_card: bool) -> list[Problem]:
    raw = node.value
    lead = len(raw) - len(raw.lstrip())
    kept = raw.strip()
    problems = []
    for index, char in enumerate(kept):
        if unicodedata.category(char) == "Cf":
            message = _("'{key}' contains {char}, an invisible character: learners cannot see it, but the cloze "
                        "and the search compare it; delete it").format(key=key, char=_character(char))
            code = "invisible-character"
        elif char in DASHES and in_card and (key in IDENTITY_FIELDS or (key == "translation" and _inside_word(kept, index))):
            message = _("'{key}' contains {char}, which looks like '-' but is another character, so the cloze, the "
                        "search and typed answers treat it differently; type a plain '-'").format(
                key=key, char=_character(char))
            code = "look-alike-dash"
        else:
            continue
        line, column = scalar_position(check.text, node, lead + index)
        problems.append(Problem(str(check.path), line, column, message, WARNING, code))
    return problems


def cloze_warnings(check: DeckCheck) -> list[Problem]:
    """A warning for each card whose example does not hold its term (no cloze possible) unless it is
    tagged `no-cloze`, holds it in two forms, or is tagged `no-cloze` needlessly or without a reason.

    The match is the app's own (`modes.example_uses_term`, `modes.cloze`): any case, and the
    inflected forms the cloze blanks ('submitted' for 'submit').
    """
    problems: list[Problem] = []
    for card in check.cards:
        nodes = check.card_nodes.get(card.position, {})

        def warn(key: str, message: str, code: str) -> None:
            line, column = _start(nodes.get(key))
            problems.append(Problem(str(check.path), line, column, message, WARNING, code))

        uses = example_uses_term(card)
        if NO_CLOZE in card.tags:
            if uses:
                warn("tags", _("the card is tagged '{tag}', but its example holds the term '{term}'; remove the "
                               "tag, so that the card is also asked as a cloze").format(tag=NO_CLOZE, term=card.term),
                     "no-cloze-needless")
            elif not card.notes:
                warn("tags", _("the card is tagged '{tag}'; say in 'notes' why the example cannot hold the "
                               "term").format(tag=NO_CLOZE), "no-cloze-reason")
        elif not uses:
            if _uses_term_seen_plainly(card):
                continue
            warn("example", _("the term '{term}' does not occur in its example, so the cloze mode cannot blank it; "
                              "use the term in the example (a form such as 'submitted' for 'submit' counts), or tag "
                              "the card '{tag}' and say why in 'notes'").format(term=card.term, tag=NO_CLOZE),
                 "no-cloze")
        elif cloze(card) is None:
            warn("example", _("the example uses the term '{term}' in two different forms, so one typed answer "
                              "cannot fill both gaps; use one form").format(term=card.term), "cloze-two-forms")
    return problems


def _uses_term_seen_plainly(card: Card) -> bool:
    """True when the example holds the term once invisible characters and look-alike dashes are made
    plain: then the character warning says what is wrong, and a no-cloze warning would only mislead."""
    plain = replace(card, term=fold(card.term), example=fold(card.example))
    return plain != card and example_uses_term(plain)


def _character(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}" if name else f"U+{ord(char):04X}"


def _inside_word(text: str, index: int) -> bool:
    return 0 < index < len(text) - 1 and text[index - 1].isalnum() and text[index + 1].isalnum()


def _start(node: yaml.Node | None) -> tuple[int, int]:
    if node is None:
        return 1, 1
    return node.start_mark.line + 1, node.start_mark.column + 1


def _identity(path: Path) -> Path:
    try:
        return Path(path).resolve()
    except OSError:
        return Path(path).absolute()

