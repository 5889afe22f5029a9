"""The YAML parser's complaints, told in the interface language and in a trainer's words.

PyYAML (and libyaml under it) explain a syntax error in the parser's own English: "found
character that cannot start any token", "did not find expected key". The common ones are matched
here (the texts of both parsers) and said again through `_()`, with what to do; a rare one keeps
the parser's own text, so that nothing is ever hidden.
"""

from __future__ import annotations

import re

import yaml

from .i18n import N_, _
from .text import describe_character

# (pattern of the parser's problem text, code, our message). Both libyaml's and PyYAML's wording.
_PROBLEMS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern), code, message)
    for pattern, code, message in (
        (r"mapping values are not allowed", "yaml-colon",
         N_("a ': ' (colon and space) inside a value that is not in quotes, or a key indented deeper than "
            "the keys above it; put the value in double quotes, or line the key up with the others")),
        (r"could not find expected ':'", "yaml-syntax",
         N_("a line without ':' where a 'key: value' line was expected; add the ':', or indent the line if it "
            "continues the value above")),
        (r"did not find expected key|expected <block end>, but found", "yaml-indentation",
         N_("this line does not line up with the lines above it, or text follows a closing quote; check the "
            "indentation, and put the whole value in quotes")),
        (r"did not find expected '-' indicator", "yaml-indentation",
         N_("this line does not line up with the lines above it; indent it like the keys of the same card")),
        (r"did not find expected ',' or '\]'|expected ',' or '\]'", "yaml-bracket",
         N_("a list in square brackets is not closed; add ']' at its end, and separate the items with ', '")),
        (r"did not find expected ',' or '\}'|expected ',' or '\}'", "yaml-bracket",
         N_("a mapping in braces is not closed; add '}}' at its end, and separate the items with ', '")),
        (r"found unexpected end of stream", "yaml-unclosed",
         N_("the file ends before a quote or a bracket is closed; close it")),
        (r"that cannot start any token", "yaml-character",
         N_("a value cannot start with {char} in YAML; put the value in double quotes")),
        (r"found unknown escape character", "yaml-escape",
         N_("an unknown escape after a backslash in double quotes; write \\\\ for a backslash, or use single "
            "quotes")),
        (r"but found another document", "yaml-documents",
         N_("a second YAML document starts here (a '---' line); a deck file holds one document, so remove "
            "the line or split the file")),
        (r"found undefined tag handle", "yaml-tag",
         N_("a value starting with '!' is read as a YAML tag; put the value in double quotes")),
        (r"did not find expected node content|expected the node content", "yaml-syntax",
         N_("a value is missing here")),
        (r"block sequence entries are not allowed", "yaml-indentation",
         N_("a list item ('- ') stands where a value was expected; start the list on the next line, indented")),
        (r"found unexpected document indicator|expected '<document start>'|found unknown directive name",
         "yaml-syntax",
         N_("a line starting with '---', '...' or '%' has a meaning of its own in YAML; put the value in "
            "double quotes")),
        (r"found unexpected ':'", "yaml-colon",
         N_("a ':' that YAML cannot place; put the value in double quotes")),
    )
)

# The parser's "while parsing ..." context, said as where the enclosing value starts.
_CONTEXTS: tuple[tuple[re.Pattern[str], str | None], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (r"quoted scalar", N_("in the quoted value that starts at line {line}, column {column}")),
        (r"plain scalar", N_("in the value that starts at line {line}, column {column}")),
        (r"block scalar", N_("in the block value ('|' or '>') that starts at line {line}, column {column}")),
        (r"simple key", N_("in the key at line {line}, column {column}")),
        (r"block mapping", N_("in the keys that start at line {line}, column {column}")),
        (r"block collection|block sequence", N_("in the list that starts at line {line}, column {column}")),
        (r"flow sequence", N_("in the list in brackets that starts at line {line}, column {column}")),
        (r"flow mapping", N_("in the mapping in braces that starts at line {line}, column {column}")),
        # these add nothing a trainer can use
        (r"next token|single document|parsing a node|directive", None),
    )
)


def yaml_error(text: str, err: yaml.MarkedYAMLError) -> tuple[int, int, str, str]:
    """(line, column, message, code) for a parser error in the deck `text` (1-based; message translated).

    A tab in a line's indentation is named as such (code `tab-indentation`), wherever the
    parser noticed it; the common problems get their own words; a rare one keeps the parser's.
    """
    mark = err.problem_mark or err.context_mark
    line = mark.line if mark is not None else 0
    column = mark.column if mark is not None else 0
    lines = text.split("\n", line + 1)
    tab = _indentation_tab(lines, line, err)
    if tab is not None:
        tab_line, tab_column = tab
        return tab_line + 1, tab_column + 1, _(
            "line {line} is indented with a tab; YAML indents with spaces only: replace the tab with spaces"
        ).format(line=tab_line + 1), "tab-indentation"
    problem = err.problem or err.context or "invalid YAML"
    code = "yaml-syntax"
    reason = problem
    for pattern, problem_code, message in _PROBLEMS:
        if pattern.search(problem):
            code = problem_code
            current = lines[line] if line < len(lines) else ""
            char = current[column] if column < len(current) else ""
            shown = f"'{char}'" if char.isprintable() and char else describe_character(char or "\0")
            reason = _(message).format(char=shown)
            break
    if err.context and err.context_mark is not None and err.problem_mark is not None:
        where = {"line": err.context_mark.line + 1, "column": err.context_mark.column + 1}
        for pattern, context_message in _CONTEXTS:
            if pattern.search(err.context):
                if context_message is not None:
                    reason += " " + "(" + _(context_message).format(**where) + ")"
                break
        else:
            reason += " " + _("({context} at line {line}, column {column})").format(context=err.context, **where)
    return line + 1, column + 1, _("not valid YAML: {reason}").format(reason=reason), code


def _indentation_tab(lines: list[str], line: int, err: yaml.MarkedYAMLError) -> tuple[int, int] | None:
    """The first tab in the indentation of the line the parser stopped at (or the one before it)."""
    problem = err.problem or ""
    candidates = [line, line - 1] if "tab" in problem or "\t" in problem else [line]
    for number in candidates:
        if 0 <= number < len(lines):
            indent = re.match(r"[ \t]*", lines[number]).group()  # type: ignore[union-attr]
            if "\t" in indent and lines[number].strip():
                return number, indent.index("\t")
    return None
