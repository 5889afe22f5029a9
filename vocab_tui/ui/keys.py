"""Key bindings in the interface language.

Textual reads binding descriptions from class attributes made at import time, before the
language is known, so each screen translates its own copy when it is created (and again when
the learner switches language). Remapped keys (the config file's [keys]) are applied by
Textual's keymap on top of these.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import BindingsMap
from textual.dom import DOMNode

from ..i18n import _


def localize_bindings(node: DOMNode) -> None:
    """Give `node` a copy of its class's bindings with descriptions in the current language."""
    source = type(node)._merged_bindings or BindingsMap()
    bindings = source.copy()
    for key, items in bindings.key_to_bindings.items():
        bindings.key_to_bindings[key] = [
            replace(b, description=_(b.description) if b.description else b.description,
                    tooltip=_(b.tooltip) if b.tooltip else b.tooltip)
            for b in items
        ]
    node._bindings = bindings
