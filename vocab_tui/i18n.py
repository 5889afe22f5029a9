"""The one translation function for every user-visible string.

Source strings are English; catalogs live in ``vocab_tui/locale/<lang>/LC_MESSAGES``.
"""

from __future__ import annotations

import bisect
import gettext as _gettext
import os
import struct
from pathlib import Path

DOMAIN = "vocab_tui"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("id", "en")
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}  # each in its own language
DEFAULT_LANGUAGE = "id"

_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"


def detect_language(environ: dict[str, str] | None = None, configured: str | None = None) -> str:
    """Pick the interface language: VOCAB_TUI_LANG, the config file, the locale (id_* -> id), else English."""
    env = os.environ if environ is None else environ
    chosen = env.get("VOCAB_TUI_LANG", "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    if configured in LANGUAGES:
        return str(configured)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var, "")
        if value and not _neutral(value):
            return "id" if value.lower().startswith(("id", "in_")) else "en"
    # A terminal that names no language (unset, C, POSIX) gets the staff's own language.
    return DEFAULT_LANGUAGE


def _neutral(locale_name: str) -> bool:
    return locale_name.split(".")[0].upper() in ("C", "POSIX")


class _Catalog(_gettext.NullTranslations):
    """A compiled catalog (.mo) read on demand: a message is found by bisecting the file's table of source
    strings, which the catalog compiler (pybabel) writes sorted, and only the translations shown are decoded.

    Loading the stdlib's GNUTranslations decodes all ~800 messages (about 5 ms, on every start, for
    `--help` as for the first screen); a start shows a few dozen to a few hundred. Lookups give what
    GNUTranslations gives (tests/test_i18n.py compares every message); a message not in the file comes
    back as it is.
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._data = data = path.read_bytes()
        order = "<" if data[:4] == struct.pack("<I", _gettext.GNUTranslations.LE_MAGIC) else ">"
        if struct.unpack_from(order + "I", data)[0] != _gettext.GNUTranslations.LE_MAGIC:
            raise OSError(f"{path} is not a compiled message catalog")
        count, originals, self._translations = struct.unpack_from(order + "3I", data, 8)
        self._entry = struct.Struct(order + "2I")
        self._keys = [data[offset:offset + length]
                      for length, offset in self._entry.iter_unpack(data[originals:originals + 8 * count])]
        header = self._lookup(b"") or b""
        info = dict(line.split(b":", 1) for line in header.splitlines() if b":" in line)
        content = info.get(b"Content-Type", b"").decode("ascii", "replace")
        self._charset = content.split("charset=")[1].strip() if "charset=" in content else "utf-8"
        plural = info.get(b"Plural-Forms", b"").decode("ascii").split("plural=")
        self._plural = _gettext.c2py(plural[1].strip().rstrip(";")) if len(plural) > 1 else (lambda n: int(n != 1))

    def _lookup(self, key: bytes) -> bytes | None:
        """The translation of the source string `key` (bytes as in the file), None when it is not there."""
        index = bisect.bisect_left(self._keys, key)
        if index == len(self._keys) or self._keys[index] != key:
            return None
        length, offset = self._entry.unpack_from(self._data, self._translations + 8 * index)
        return self._data[offset:offset + length]

    def gettext(self, message: str) -> str:
        found = self._lookup(message.encode(self._charset))
        return message if found is None else found.decode(self._charset)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        found = self._lookup(msgid1.encode(self._charset) + b"\0" + msgid2.encode(self._charset))
        if found is None:
            return msgid1 if n == 1 else msgid2
        forms = found.split(b"\0")
        return forms[min(self._plural(n), len(forms) - 1)].decode(self._charset)


def set_language(lang: str) -> str:
    """Switch every later call of `_` to `lang`; returns the language now in force."""
    global _translation, _language
    lang = lang if lang in LANGUAGES else "en"
    compiled = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    _translation = _Catalog(compiled) if compiled.is_file() else _gettext.NullTranslations()
    _language = lang
    return lang


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """Translate `message` into the current language."""
    return _translation.gettext(message)


def N_(message: str) -> str:
    """Mark a string for translation where it is defined; `_` translates it where it is shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message that depends on a count (the count is not substituted)."""
    return _translation.ngettext(singular, plural, n)
