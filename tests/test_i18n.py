"""Every user-visible string is translated, and the catalogs hold nothing stale."""

from __future__ import annotations

import functools
import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from vocab_tui import i18n

PACKAGE = Path(i18n.__file__).parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{[a-z_]*(?:![rs])?\}")


@functools.cache
def source_messages() -> frozenset[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(PACKAGE), keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return frozenset(found)


def catalog(lang: str):
    with open(PACKAGE / "locale" / lang / "LC_MESSAGES" / "vocab_tui.po", "rb") as handle:
        return read_po(handle, locale=lang)


@pytest.fixture(scope="module")
def indonesian():
    return catalog("id")


def test_every_string_in_the_code_has_an_indonesian_translation(indonesian):
    missing = []
    for msgid in sorted(source_messages()):
        entry = indonesian.get(msgid)
        strings = [] if entry is None else (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(msgid)
    assert not missing, "untranslated (run tools/update-translations, then translate):\n" + "\n".join(missing)


def test_the_catalog_has_no_stale_entries(indonesian):
    stale = sorted(m.id if isinstance(m.id, str) else m.id[0] for m in indonesian if m.id)
    stale = [s for s in stale if s not in source_messages()]
    assert not stale, "no longer in the code (run tools/update-translations):\n" + "\n".join(stale)


def test_translations_keep_their_placeholders(indonesian):
    wrong = []
    for message in indonesian:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != expected:
                wrong.append(f"{ids[0]!r} -> {text!r}")
    assert not wrong, "\n".join(wrong)


def test_the_compiled_catalog_matches_the_po_file(indonesian):
    with open(PACKAGE / "locale" / "id" / "LC_MESSAGES" / "vocab_tui.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in indonesian:
        if not message.id or isinstance(message.id, tuple):
            continue
        assert compiled.gettext(message.id) == message.string, "run tools/update-translations to compile"


def test_the_interface_speaks_indonesian_when_asked():
    i18n.set_language("id")
    try:
        assert i18n._("Show answer") != "Show answer"
        assert "{n}" in i18n.ngettext("{n} card", "{n} cards", 5)
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize(
    ("env", "configured", "expected"),
    [
        ({"LANG": "id_ID.UTF-8"}, None, "id"),
        ({"LANG": "en_US.UTF-8"}, None, "en"),
        ({"LANG": "en_US.UTF-8", "VOCAB_TUI_LANG": "id"}, None, "id"),
        ({"LANG": "id_ID.UTF-8"}, "en", "en"),
        ({"LANG": "id_ID.UTF-8", "VOCAB_TUI_LANG": "en"}, "id", "en"),
        ({"LC_ALL": "id_ID.UTF-8", "LANG": "en_US.UTF-8"}, None, "id"),
        ({}, None, "id"),  # a bare office terminal: the staff's language
        ({"LANG": "C.UTF-8"}, None, "id"),
        ({"LANG": "C.UTF-8"}, "en", "en"),
    ],
)
def test_the_language_follows_env_then_config_then_locale(env, configured, expected):
    assert i18n.detect_language(env, configured) == expected
