"""Crash reports: where in the code an unexpected error happened, never whose data it was.

After an unexpected error the command line and the app write one report file and print one
short line that says where it is. A report is meant to be sent to whoever maintains vocab-tui,
so it holds no personal data:

- the exception's type and the stack frames (file, line, function, the line of code), for the
  exception and every exception chained to it; never the exception's message, which may quote a
  learner's name, unit, a typed answer or deck text;
- file paths shortened: vocab-tui's own files from the package folder, libraries from
  `site-packages`, and the home folder as `~` (a home folder is often named after a person);
- the command's words and option names only: every argument and option value becomes `…`, and so
  does any word that is not a known command or option name (a name typed as `-Siti`, say);
- the time, and the versions of vocab-tui, Python, the platform and the main libraries.

Reports go to the user's log folder (`platformdirs.user_log_path("vocab-tui")`, e.g.
`~/.local/state/vocab-tui/log` on Linux), or to the folder named by `VOCAB_TUI_LOG_DIR`. The
folder is created 0700 and each report 0600.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_log_path

from .clock import Clock, to_utc
from .i18n import _
from .paths import make_private_folders
from .text import visible

LOG_DIR_ENV = "VOCAB_TUI_LOG_DIR"
CRASH_EXIT_CODE = 70  # EX_SOFTWARE from sysexits.h: an internal software error
INTERRUPTED_EXIT_CODE = 130  # 128 + SIGINT, what shells report for ctrl+c
_LIBRARIES = ("textual", "rich", "click", "fsrs", "sqlite-utils", "pyyaml", "platformdirs", "rapidfuzz")
_PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Crash:
    """What the user is told about an unexpected error: its kind and where the report went."""

    kind: str  # the exception's class name, e.g. 'KeyError'
    report: Path | None  # None when the report could not be written
    reason: str = ""  # why it could not be written

    def message(self) -> str:
        """One short line for the terminal, in the interface language."""
        if self.report is not None:
            text = _("vocab-tui stopped after an unexpected error ({kind}); your answers are saved. "
                     "Report: {path}").format(kind=self.kind, path=self.report)
        else:
            text = _("vocab-tui stopped after an unexpected error ({kind}); your answers are saved. "
                     "The report could not be written: {reason}").format(kind=self.kind, reason=self.reason)
        return visible(text)


def report_dir() -> Path:
    """The folder crash reports are written to (VOCAB_TUI_LOG_DIR, else the user log folder)."""
    env = os.environ.get(LOG_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return user_log_path("vocab-tui", appauthor=False)


def command_outline(argv: Iterable[str], words: Iterable[str]) -> str:
    """The command line with every value hidden: `learners add … --unit …`.

    `words` are the command, group and option names to keep (an option without its value). Anything
    else is a value, even when it begins with '-' (`learners add -- -Siti`, `--unit -Bappeda`).
    """
    known = set(words)
    shown = ["vocab-tui"]
    values_only = False
    for arg in argv:
        if values_only:
            shown.append("…")
        elif arg == "--":  # what follows is values only
            shown.append(arg)
            values_only = True
        elif arg.startswith("-") and "=" in arg and arg.partition("=")[0] in known:
            shown.append(arg.partition("=")[0] + "=…")
        elif arg in known:
            shown.append(arg)
        else:
            shown.append("…")
    return " ".join(shown)


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error and every exception linked to it (cause, context, a worker's wrapped error)."""
    seen: set[int] = set()
    todo: list[BaseException] = [error]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for linked in (getattr(current, "error", None), current.__cause__, current.__context__):
            if isinstance(linked, BaseException):
                todo.append(linked)


def _short_path(filename: str) -> str:
    path = Path(filename)
    try:
        return "vocab_tui/" + path.resolve().relative_to(_PACKAGE_DIR).as_posix()
    except (ValueError, OSError):
        pass
    parts = path.parts
    if "site-packages" in parts:
        return "/".join(parts[len(parts) - parts[::-1].index("site-packages"):])
    for prefix in {sys.base_prefix, sys.prefix}:
        if filename.startswith(prefix + os.sep):
            return "<python>/" + filename[len(prefix) + 1:]
    home = str(Path.home())
    if home not in ("", "/") and filename.startswith(home + os.sep):
        return "~" + filename[len(home):]
    return filename


def _type_name(error: BaseException) -> str:
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def _versions() -> list[str]:
    import platform  # deferred: only a crash needs them, and every command imports this module
    import sqlite3
    from importlib import metadata

    lines = []
    for name in ("vocab-tui", *_LIBRARIES):
        try:
            lines.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            lines.append(f"{name} (not installed)")
    lines.append(f"python {platform.python_version()} ({platform.python_implementation()})")
    lines.append(f"sqlite {sqlite3.sqlite_version}")
    lines.append(f"platform {platform.system()} {platform.release()} {platform.machine()}")
    return lines


def report_text(error: BaseException, command: str, clock: Clock) -> str:
    """The whole report: time, command outline, versions, and the stack of every linked exception."""
    lines = [
        "vocab-tui crash report",
        f"time: {to_utc(clock.now()).isoformat(timespec='seconds')}",
        f"command: {command}",
        "",
        *_versions(),
        "",
        "Exception messages are left out on purpose: they can quote names, units and answers.",
    ]
    import traceback  # here: only a crash needs it

    for number, current in enumerate(_chain(error)):
        lines.append("")
        lines.append(("exception: " if number == 0 else "linked exception: ") + _type_name(current))
        for frame in traceback.extract_tb(current.__traceback__):
            lines.append(f'  File "{_short_path(frame.filename)}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"    {frame.line.strip()}")
    return visible("\n".join(lines) + "\n", allow="\n")


def _open_report(folder: Path, stamp: str) -> tuple[int, Path]:
    make_private_folders(folder)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for attempt in range(100):
        path = folder / (f"crash-{stamp}-{os.getpid()}" + (f"-{attempt}" if attempt else "") + ".txt")
        try:
            return os.open(path, flags, 0o600), path
        except FileExistsError:
            continue
    raise FileExistsError(str(folder))


def write_report(error: BaseException, command: str, clock: Clock) -> Crash:
    """Write a report of `error`; never raises (a failure to write is said in the Crash)."""
    kind = type(error).__name__
    try:
        text = report_text(error, command, clock)
        stamp = to_utc(clock.now()).strftime("%Y%m%dT%H%M%SZ")
        fd, path = _open_report(report_dir(), stamp)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, text.encode("utf-8"))
        finally:
            os.close(fd)
    except Exception as err:  # the report is a courtesy: failing to write it must not hide the crash
        reason = err.strerror if isinstance(err, OSError) and err.strerror else type(err).__name__
        return Crash(kind, None, reason)
    return Crash(kind, path)
