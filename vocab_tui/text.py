"""Text that came from people and files: find control characters, and print any text safely.

A terminal obeys control characters (ESC starts a command that can set the window title, move
the cursor or rewrite the screen), so text from a deck, a learner or a file name must never reach
it raw. This module is pure: the loader uses `control_characters` to refuse such text where it
enters, and everything that prints uses `visible` as the last line of defence.
"""

from __future__ import annotations

import re

# C0 controls, DEL and the C1 controls. Tab and newline are judged by the caller (`allow`).
# Lone surrogates too: a name typed in a non-UTF-8 terminal arrives holding them, and neither a
# terminal nor a UTF-8 file can take them.
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


# Characters that reorder or hide what a line shows: bidi embeddings, overrides and isolates (a name holding
# U+202E is drawn backwards from there on), and zero-width spaces and joiners that are not emoji glue.
_HIDING_RE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]")


def hiding_characters(text: str) -> list[int]:
    """Indexes (0-based) of the characters in `text` that reorder or hide what is shown (see _HIDING_RE).
    Names refuse them; `visible` writes them as escapes."""
    return [m.start() for m in _HIDING_RE.finditer(text)]


def control_characters(text: str, allow: str = "") -> list[int]:
    """Indexes (0-based, in characters) of the control characters in `text`, except those in `allow`.

    `allow="\\n"` accepts line breaks, e.g. in a multi-line note.
    """
    return [m.start() for m in _CONTROL_RE.finditer(text) if m.group() not in allow]


def describe_character(char: str) -> str:
    """A control character as a person can read it: 'U+001B'."""
    return f"U+{ord(char):04X}"


def visible(text: str, allow: str = "") -> str:
    """`text` with each control character (except those in `allow`) written as a visible escape.

    ESC becomes '\\x1b', so nothing the terminal would obey survives; so do the characters that reorder or
    hide what a line shows (U+202E becomes '\\u202e'); every other character, brackets and backslashes
    included, is kept as it was.
    """

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char in allow:
            return char
        return f"\\x{ord(char):02x}" if ord(char) <= 0xFF else f"\\u{ord(char):04x}"

    return _HIDING_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", _CONTROL_RE.sub(escape, text))


def has_control_characters(text: str, allow: str = "") -> bool:
    """True when `text` holds a control character that is not in `allow`."""
    return bool(control_characters(text, allow))
