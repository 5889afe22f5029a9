"""click's own texts (help headings, usage errors) in the interface language.

click looks its texts up with the stdlib's gettext, which knows nothing of our language choice;
`install` points click's lookups at our catalog. The strings below are click's, copied exactly,
so that the catalog tools extract them and tests/test_i18n.py demands their translation.
"""

from __future__ import annotations

import importlib

from . import i18n
from .i18n import N_

CLICK_TEXTS = [
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("No such command {name!r}."),
    N_("No such option {name!r}."),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing command."),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Invalid value: {message}"),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."),
    N_("Aborted!"),
    N_("Error: invalid input"),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("path"),
    N_("file"),
    N_("directory"),
]
CLICK_PLURALS = [
    i18n.ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1),
    i18n.ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1),
    i18n.ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 1),
    i18n.ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1),
]
_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils")


def install() -> None:
    """Make click translate through vocab-tui's catalog (in whatever language is current)."""
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = i18n._  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = i18n.ngettext  # type: ignore[attr-defined]
