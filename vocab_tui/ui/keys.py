"""Key bindings in the interface language.

Textual reads binding descriptions from class attributes made at import time, before the
language is known, so each screen translates its own copy when it is created.
"""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from ..i18n import _


def localize_bindings(node: DOMNode) -> None:
    """Replace the descriptions of `node`'s bindings with their translations."""
    bindings = node._bindings.key_to_bindings
    for key, items in bindings.items():
        bindings[key] = [
            replace(b, description=_(b.description) if b.description else b.description,
                    tooltip=_(b.tooltip) if b.tooltip else b.tooltip)
            for b in items
        ]
