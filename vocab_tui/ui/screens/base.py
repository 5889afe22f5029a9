"""What every screen shares: translated key bindings and typed access to the app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.screen import ModalScreen, Screen

from ..keys import localize_bindings

if TYPE_CHECKING:
    from ..app import VocabApp


class VocabScreen(Screen[Any]):
    def __init__(self) -> None:
        super().__init__()
        localize_bindings(self)

    @property
    def vocab(self) -> VocabApp:
        return self.app  # type: ignore[return-value]


class VocabModal(ModalScreen[Any]):
    def __init__(self) -> None:
        super().__init__()
        localize_bindings(self)

    @property
    def vocab(self) -> VocabApp:
        return self.app  # type: ignore[return-value]
