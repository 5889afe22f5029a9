"""What every screen shares: translated key bindings and typed access to the app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from ...i18n import N_
from ..keys import localize_bindings

# Textual's own screen keys, given descriptions that can be translated.
SCREEN_KEYS = [
    Binding("tab", "app.focus_next", N_("Next field"), show=False),
    Binding("shift+tab", "app.focus_previous", N_("Previous field"), show=False),
    Binding("ctrl+c,super+c", "screen.copy_text", N_("Copy selected text"), show=False),
]

if TYPE_CHECKING:
    from ..app import VocabApp


class _Localized:
    """Bindings in the interface language, and the app with its type."""

    def __init__(self) -> None:
        super().__init__()
        localize_bindings(self)  # type: ignore[arg-type]

    @property
    def vocab(self) -> VocabApp:
        return self.app  # type: ignore[attr-defined,no-any-return]


class VocabScreen(_Localized, Screen[Any]):
    BINDINGS = SCREEN_KEYS


class VocabModal(_Localized, ModalScreen[Any]):
    BINDINGS = SCREEN_KEYS
