"""One settings object, read from the user's config file (TOML).

    # ~/.config/vocab-tui/config.toml
    language = "id"          # id or en; --lang and VOCAB_TUI_LANG override it
    theme = "high-contrast"  # default, high-contrast or ansi
    timezone = "Asia/Makassar"  # the office's time zone; default: the system's (TZ, /etc/localtime)
    idle_lock_minutes = 5    # back to the profile list after this long without a key or a click; 0: never
    [keys]                   # remap any key binding by its id
    "drill.again" = "1,j"
    "drill.reveal" = "space,r"
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_path

from .clock import zone
from .i18n import LANGUAGES, N_, Later

THEMES = ("default", "high-contrast", "ansi")
IDLE_LOCK_MINUTES = 5.0  # default: a shared terminal returns to the profile list after 5 idle minutes
MAX_IDLE_LOCK_MINUTES = 24 * 60


class ConfigError(Exception):
    """The config file cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Config:
    language: str | None = None
    theme: str = "default"
    keys: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    warnings: tuple[str, ...] = ()  # values that were ignored, said in words
    timezone: str | None = None  # an IANA zone name (Asia/Jakarta), known to zoneinfo
    idle_lock_minutes: float = IDLE_LOCK_MINUTES  # 0: the app never locks by itself


def config_path() -> Path:
    env = os.environ.get("VOCAB_TUI_CONFIG")
    if env:
        return Path(env).expanduser()
    return user_config_path("vocab-tui", appauthor=False) / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file means the defaults."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path=path)
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(Later(N_("Cannot read the config file {path}: {reason}"), path=path, reason=err)) from None
    import tomllib  # here: most starts have no config file to parse

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(Later(N_("The config file {path} is not valid TOML: {reason}"), path=path, reason=err)) from None
    warnings: list[str] = []  # Later: translated when shown, once the language is chosen
    language = data.get("language")
    if language is not None and language not in LANGUAGES:
        warnings.append(Later(N_("{path}: 'language' must be one of {choices}, not '{value}'"),
                              path=path, choices=", ".join(LANGUAGES), value=language))
        language = None
    theme = data.get("theme", "default")
    if theme not in THEMES:
        warnings.append(Later(N_("{path}: 'theme' must be one of {choices}, not '{value}'"),
                              path=path, choices=", ".join(THEMES), value=theme))
        theme = "default"
    keys = data.get("keys", {})
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        warnings.append(Later(N_("{path}: [keys] must map binding ids to keys, like \"drill.again\" = \"1,j\""), path=path))
        keys = {}
    timezone = data.get("timezone")
    if timezone is not None and (not isinstance(timezone, str) or zone(timezone) is None):
        warnings.append(Later(N_("{path}: 'timezone' must be a time zone name like Asia/Jakarta (WIB), "
                                 "Asia/Makassar (WITA) or Asia/Jayapura (WIT), not '{value}'"), path=path, value=timezone))
        timezone = None
    idle = data.get("idle_lock_minutes", IDLE_LOCK_MINUTES)
    if isinstance(idle, bool) or not isinstance(idle, int | float) or not 0 <= idle <= MAX_IDLE_LOCK_MINUTES:
        warnings.append(Later(N_("{path}: 'idle_lock_minutes' must be a number of minutes from 0 (never lock) to "
                                 "{most}, not '{value}'"), path=path, most=MAX_IDLE_LOCK_MINUTES, value=idle))
        idle = IDLE_LOCK_MINUTES
    return Config(language=language, theme=theme, keys=dict(keys), timezone=timezone, path=path,
                  warnings=tuple(warnings), idle_lock_minutes=float(idle))
