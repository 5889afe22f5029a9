"""`vocab-tui serve`: the app in a browser tab, through textual-serve.

textual-serve starts one app process per browser tab (the command below, through the shell), all
on the same database file, exactly as several terminals would. It listens on loopback unless a
host is given; an office that opens it to its network puts it behind a reverse proxy with TLS
(see the README), and its learners protect their profiles with PINs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..cli import command_settings, common_options, db_path, echo, open_store
from ..config import Config
from ..i18n import _, current_language

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() in ("localhost", "localhost."):
        return True
    import ipaddress  # here, as the command's other imports: `--help` stays fast

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def app_command(obj: dict[str, Any]) -> str:
    """The shell command each browser tab runs: this Python, this database, these decks, this language.

    Every value is quoted for the shell (textual-serve runs the command through it).
    """
    words = [sys.executable, "-m", "vocab_tui", "--db", str(db_path(obj).absolute())]
    for folder in obj.get("deck_dirs", ()):
        words += ["--decks", str(Path(folder).absolute())]
    words += ["--lang", obj.get("lang") or current_language()]
    import shlex

    return shlex.join(words)


def register(main: click.Group, config: Config) -> None:
    @main.command("serve", help=_("Serve the app to web browsers (one app process per browser tab)."))
    @click.option("--host", default=DEFAULT_HOST, show_default=True,
                  help=_("The address to listen on; only this computer can connect unless you give another."))
    @click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(1, 65535),
                  help=_("The port to listen on."))
    @click.option("--public-url", default=None,
                  help=_("The address browsers use, when a reverse proxy stands in front "
                         "(e.g. https://belajar.kota.go.id)."))
    @common_options
    @click.pass_context
    def serve(ctx: click.Context, host: str, port: int, public_url: str | None, db: Path | None,
              deck_dirs: tuple[Path, ...], lang: str | None) -> None:
        obj = command_settings(ctx, db, deck_dirs, lang)
        open_store(obj).close()  # a database that cannot be used is said now, not in every tab
        if not is_loopback(host):
            echo(_("Warning: listening on {host}: other computers can reach vocab-tui, without encryption. "
                   "Put it behind a reverse proxy with TLS, and let learners protect their profiles with a "
                   "PIN (see the README).").format(host=host), err=True)
        server = _QuietServer(app_command(obj), host=host, port=port, title="vocab-tui", public_url=public_url)
        echo(_("Serving vocab-tui on {url} (ctrl+c stops it)").format(url=server.public_url), err=True)
        server.serve()


def _quiet_server_class() -> type:
    from textual_serve.server import Server  # deferred: heavy (aiohttp), and only this command needs it

    class QuietServer(Server):  # type: ignore[misc]
        """textual-serve's server, whose error log leaves out the local variables of each frame:
        they hold what a learner typed (a name, a PIN) on its way to the app."""

        def initialize_logging(self) -> None:
            import logging

            logging.basicConfig(level="INFO", format="%(levelname)s %(message)s", force=True)
            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

        async def on_startup(self, app: Any) -> None:
            pass  # the command says where it serves, in the interface language

    return QuietServer


def _QuietServer(*args: Any, **kwargs: Any) -> Any:  # noqa: N802 - reads as the class it makes
    return _quiet_server_class()(*args, **kwargs)
