"""Fill untranslated entries of a catalog from a JSON file of {msgid: msgstr}; used while translating.

    python tools/fill-translations.py id new.json && tools/update-translations
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

lang, source = sys.argv[1], Path(sys.argv[2])
po = Path(__file__).parent.parent / "vocab_tui" / "locale" / lang / "LC_MESSAGES" / "vocab_tui.po"
translations = json.loads(source.read_text(encoding="utf-8"))
with po.open("rb") as handle:
    catalog = read_po(handle, locale=lang)
filled = 0
for message in catalog:
    key = message.id if isinstance(message.id, str) else message.id[0]
    if key in translations and not (message.string if isinstance(message.string, str) else all(message.string)):
        value = translations[key]
        if isinstance(message.id, str):
            message.string = value
        else:  # a plural entry: a list of forms, or one form for every count
            message.string = tuple(value) if isinstance(value, list) else (value,)
        message.flags.discard("fuzzy")
        filled += 1
with po.open("wb") as handle:
    write_po(handle, catalog, width=76, include_previous=False)
print(f"filled {filled}")
