"""The one translation function for every user-visible string.

Source strings are English; catalogs live in ``vocab_tui/locale/<lang>/LC_MESSAGES``.
"""

from __future__ import annotations

import gettext as _gettext
import os
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


def set_language(lang: str) -> str:
    """Switch every later call of `_` to `lang`; returns the language now in force."""
    global _translation, _language
    lang = lang if lang in LANGUAGES else "en"
    _translation = _gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True
    )
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


class Later(str):
    """A message (marked with N_) that is translated when it is shown, not when it is made: the settings
    file is read, and its warnings made, before the language it names is chosen. As a str it holds the
    English text (what tests and logs compare); `str()` and formatting into another message translate it.
    """

    def __new__(cls, message: str, **values: object) -> Later:
        made = super().__new__(cls, message.format(**values))
        made.message, made.values = message, values
        return made

    def __str__(self) -> str:
        return _(self.message).format(**self.values)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message that depends on a count (the count is not substituted)."""
    return _translation.ngettext(singular, plural, n)
