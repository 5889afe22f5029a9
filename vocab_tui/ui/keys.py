"""Key bindings in the interface language, with the learner's own keys from the config file.

Textual reads binding descriptions from class attributes made at import time, before the
language is known, so each screen translates its own copy when it is created (and again when
the learner switches language). Remapped keys are applied here too, binding by binding: moving
"drill.again" to "j" leaves key 1 working for whatever else it does (Textual's own keymap would
take key 1 away from every binding on it).
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.keys import _normalize_key_list

from ..i18n import _

_keymap: dict[str, list[str]] = {}


def set_keymap(keymap: dict[str, str]) -> None:
    """The learner's remapped keys: binding id -> comma-separated keys."""
    global _keymap
    _keymap = {bid: [k.strip() for k in _normalize_key_list(keys).split(",") if k.strip()]
               for bid, keys in keymap.items()}


def keymap_ids() -> set[str]:
    return set(_keymap)


def localize_bindings(node: DOMNode) -> None:
    """Give `node` a copy of its class's bindings, translated and with remapped keys applied."""
    source = type(node)._merged_bindings or BindingsMap()
    bindings = BindingsMap()
    seen: set[int] = set()
    for items in source.key_to_bindings.values():
        for binding in items:
            translated = replace(
                binding,
                description=_(binding.description) if binding.description else binding.description,
                tooltip=_(binding.tooltip) if binding.tooltip else binding.tooltip,
            )
            if binding.id in _keymap:
                if id(binding) in seen:  # a binding on several keys is remapped once
                    continue
                seen.add(id(binding))
                for key in _keymap[binding.id]:
                    _add(bindings, replace(translated, key=key), first=True)
            else:
                _add(bindings, translated)
    node._bindings = bindings


def _add(bindings: BindingsMap, binding: Binding, first: bool = False) -> None:
    items = bindings.key_to_bindings.setdefault(binding.key, [])
    items.insert(0, binding) if first else items.append(binding)


def binding_ids(classes: list[type[DOMNode]]) -> set[str]:
    """Every binding id the given screens and app define (for checking the config's [keys])."""
    return {
        b.id
        for cls in classes
        for items in (cls._merged_bindings or BindingsMap()).key_to_bindings.values()
        for b in items
        if b.id
    }
