"""The three looks: default, high contrast, and ANSI-only for terminals without true colour."""

from __future__ import annotations

from textual.theme import Theme

from ..i18n import N_

HIGH_CONTRAST = Theme(
    name="vocab-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFFFF",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    success="#00FF00",
    warning="#FFFF00",
    error="#FF5555",
    dark=True,
    variables={
        "text-muted": "#FFFFFF",
        "footer-key-foreground": "#FFFF00",
        "footer-background": "#000000",
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "input-selection-background": "#FFFF00 40%",
    },
)

# config name -> (Textual theme name, label for the learner)
THEMES = {
    "default": ("textual-dark", N_("Default")),
    "high-contrast": (HIGH_CONTRAST.name, N_("High contrast")),
    "ansi": ("ansi-dark", N_("Terminal colours only (ANSI)")),
}
