"""Deck files on disk: which files are decks, reading one safely, and its content hash.

Light on purpose (no YAML, no dataclasses): `decks list` and the app's start read and hash every deck
file, and only a file the database does not hold with the same content is parsed (`vocab_tui.decks`).
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from .i18n import _

MAX_DECK_BYTES = 1024 * 1024  # a deck file may be at most 1 MiB (the biggest bundled deck is ~60 KB)


def deck_files(paths: list[Path]) -> list[Path]:
    """Expand folders into their *.yaml / *.yml entries, in name order.

    Entries are listed, not opened: `read_bytes` decides whether each one can be read
    (a named pipe called `x.yaml` is reported and skipped there, never waited on).
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        else:
            files.append(path)
    return files


def content_hash(raw: bytes) -> str:
    """The hash a deck's content is known by (sha256, hex): unchanged files are not parsed again."""
    return hashlib.sha256(raw).hexdigest()


def file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return _("a folder")
    if stat.S_ISFIFO(mode):
        return _("a named pipe")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    return _("a special file")


def too_big(size: int | None) -> str:
    if size is None:
        return _("the file is too big: more than {limit} bytes, and a deck file may be at most {limit} bytes "
                 "(1 MiB); split it into smaller decks").format(limit=MAX_DECK_BYTES)
    return _("the file is too big: {size} bytes, and a deck file may be at most {limit} bytes (1 MiB); "
             "split it into smaller decks").format(size=size, limit=MAX_DECK_BYTES)


def read_bytes(path: Path) -> tuple[bytes | None, tuple[str, str] | None]:
    """The bytes of a deck file, or (message, problem code) saying why it cannot be read.

    Only regular files are read (a named pipe, socket or device, or a link to one, would block
    or never end), and at most MAX_DECK_BYTES of them, so a wrong file costs bounded time and memory.
    """

    def unreadable(err: OSError) -> tuple[None, tuple[str, str]]:
        return None, (_("cannot read the file: {reason}").format(reason=err.strerror or err), "unreadable")

    def special(mode: int) -> tuple[None, tuple[str, str]]:
        return None, (_("not a regular file ({kind}); skipped").format(kind=file_kind(mode)), "special-file")

    try:
        info = os.stat(path)  # follows links; never opens, so a named pipe cannot block here
    except OSError as err:
        return unreadable(err)
    if not stat.S_ISREG(info.st_mode):
        return special(info.st_mode)
    if info.st_size > MAX_DECK_BYTES:
        return None, (too_big(info.st_size), "file-too-big")
    try:
        # O_NONBLOCK: if the file was swapped for a named pipe since the stat, opening it
        # returns at once instead of waiting for a writer; fstat below then refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        return unreadable(err)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return special(info.st_mode)
        chunks: list[bytes] = []
        remaining = MAX_DECK_BYTES + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as err:
        return unreadable(err)
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > MAX_DECK_BYTES:
        return None, (too_big(None), "file-too-big")
    return raw, None


def all_known(paths: list[Path], known: dict[str, tuple[str, str]]) -> list[tuple[str, str]] | None:
    """When every deck file under `paths` is held by the database unchanged (`known`: file -> (content hash,
    deck id), see `Store.deck_sources`) and no two name one deck: [(deck id, file)] in file order.
    Otherwise None: the files must be loaded (`decks.load_decks`), which parses and reports what differs."""
    found: list[tuple[str, str]] = []
    for path in deck_files(paths):
        raw, problem = read_bytes(path)
        stored = known.get(str(path))
        if raw is None or stored is None or stored[0] != content_hash(raw):
            return None
        found.append((stored[1], str(path)))
    return found if len({deck_id for deck_id, _path in found}) == len(found) else None
