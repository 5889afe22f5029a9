"""Thin click commands: parse, call the domain, print.

Every line goes out through `echo`, which writes control characters as visible escapes: deck
text, file names, learner names and config values are data, and a terminal would obey an ESC.
"""

from __future__ import annotations

import gc
import importlib
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from . import cli_texts
from .clock import SystemClock, local_timezone
from .config import Config, ConfigError, load_config
from .i18n import LANGUAGES, _, detect_language, ngettext, set_language
from .paths import default_db_path, deck_dirs
from .store import StoreError  # the errors only: the store itself loads when a command opens it
from .text import visible

if TYPE_CHECKING:
    from .crash import Crash
    from .decks import LoadResult
    from .store import Store


# Deferred: YAML and the deck loader load only for the commands that read decks, not for `--help`.
def load_decks(paths: list[Path], **kwargs: Any) -> Any:
    from .decks import load_decks as load

    return load(paths, **kwargs)


def echo(message: str = "", err: bool = False, allow: str = "") -> None:
    """Print one line; the only way this module writes to the terminal.

    A line break is escaped too unless `allow` holds it: a name cannot fake a second line.
    """
    click.echo(visible(message, allow=allow), err=err)


class _Option(click.Option):
    """An option whose usage errors name what the user set: the option, or its environment variable."""

    def consume_value(self, ctx: click.Context, opts: Any) -> tuple[Any, ParameterSource]:
        value, source = super().consume_value(ctx, opts)
        # click (8.2+) records where a value came from only after converting it: keep it for the error hint
        ctx.meta[f"vocab_tui.source.{self.name}"] = source
        return value, source

    def get_error_hint(self, ctx: click.Context | None) -> str:
        source = ctx.meta.get(f"vocab_tui.source.{self.name}") if ctx is not None and self.name else None
        if source == ParameterSource.ENVIRONMENT and isinstance(self.envvar, str):
            return _("the environment variable {name}").format(name=self.envvar)
        return super().get_error_hint(ctx)


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--db, --decks and --lang, accepted by every command (a subcommand's value wins)."""
    func = click.option(
        "--lang",
        cls=_Option,
        type=click.Choice(LANGUAGES, case_sensitive=False),
        envvar="VOCAB_TUI_LANG",
        help=_("Interface language: id (Bahasa Indonesia) or en (English)."),
    )(func)
    func = click.option(
        "--decks",
        "deck_dirs",
        cls=_Option,
        multiple=True,
        type=click.Path(file_okay=False, path_type=Path),
        envvar="VOCAB_TUI_DECKS",
        help=_("A folder of extra deck files (repeatable; env VOCAB_TUI_DECKS, ':'-separated)."),
    )(func)
    func = click.option(
        "--db",
        cls=_Option,
        type=click.Path(path_type=Path),
        envvar="VOCAB_TUI_DB",
        help=_("The progress database file (env VOCAB_TUI_DB)."),
    )(func)
    return func


def command_settings(ctx: click.Context, db: Path | None, dirs: tuple[Path, ...], lang: str | None) -> dict[str, Any]:
    obj = ctx.ensure_object(dict)
    if db is not None:
        obj["db"] = db
    if dirs:
        obj["deck_dirs"] = tuple(obj.get("deck_dirs", ())) + tuple(dirs)
    if lang:
        obj["lang"] = lang.lower()
        set_language(lang.lower())
    return obj


def db_path(obj: dict[str, Any]) -> Path:
    return Path(obj.get("db") or default_db_path()).expanduser()


def open_store(obj: dict[str, Any]) -> Store:
    from .store import Store
    try:
        store = Store(db_path(obj), command_clock(obj))
    except StoreError as err:
        fail(str(err))
        raise  # unreachable: fail exits
    _warn(store.warnings)
    return store


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        echo(_("Warning: {message}").format(message=warning), err=True)


def command_clock(obj: dict[str, Any]) -> SystemClock:
    """The real clock, in the office's time zone (the `timezone` setting, else the system's)."""
    config = obj.get("config") or Config()
    return SystemClock(local_timezone(config.timezone))


def fail(message: str, code: int = 1) -> None:
    echo(_("Error: {message}").format(message=message), err=True)
    sys.exit(code)


def report_skipped(problems: list) -> None:
    for problem in problems:
        echo(str(problem), err=True)
    skipped = sorted({p.path for p in problems})
    if skipped:
        echo(
            ngettext("{n} deck file was skipped because of the problems above.",
                     "{n} deck files were skipped because of the problems above.", len(skipped)).format(n=len(skipped)),
            err=True,
        )


# Modules of further commands, each with `register(main: click.Group, config: Config) -> None`, which adds
# its commands to `main` or to one of its groups (`main.commands["decks"]`). Each keeps its heavy imports
# (spreadsheets, the web server) inside its commands, so that `--help` stays fast.
COMMAND_MODULES: tuple[str, ...] = (
    "vocab_tui.commands.backup",
    "vocab_tui.commands.learners",
    "vocab_tui.commands.merge",
    "vocab_tui.commands.export",
    "vocab_tui.commands.deck_import",
    "vocab_tui.commands.anki",
    "vocab_tui.commands.deck_lint",
    "vocab_tui.commands.report",
    "vocab_tui.commands.pins",
    "vocab_tui.commands.serve",
    "vocab_tui.commands.study_days",
)


class _CommandTree(click.Group):
    """The `vocab-tui` group, whose further commands (COMMAND_MODULES) register on first need.

    Listing commands (help, completion), reading `commands`, or looking up a command that is not
    built in here registers them all; `vocab-tui` with no command (the app) and the built-in
    commands (`decks list`) import none of those modules.
    """

    _pending: tuple[tuple[str, ...], Config] | None = None

    def register_later(self, modules: tuple[str, ...], config: Config) -> None:
        self._pending = (modules, config)

    def register_pending(self) -> None:
        """Import COMMAND_MODULES and let each add its commands (once)."""
        if self._pending is not None:
            (modules, config), self._pending = self._pending, None
            for module in modules:
                importlib.import_module(module).register(self, config)

    @property  # type: ignore[override]
    def commands(self) -> dict[str, click.Command]:
        self.register_pending()
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        built_in = self._commands.get(cmd_name)
        return built_in if built_in is not None else super().get_command(ctx, cmd_name)


class _BuiltInGroup(click.Group):
    """A group built here (`decks`, `learners`) that command modules add to: a command it does not
    hold yet, or listing its commands, registers them (see `_CommandTree`)."""

    tree: _CommandTree | None = None

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and self.tree is not None:
            self.tree.register_pending()
            command = super().get_command(ctx, cmd_name)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        if self.tree is not None:
            self.tree.register_pending()
        return super().list_commands(ctx)


def build_cli(config: Config | None = None) -> click.Group:
    """Build the command tree (after the language is chosen, so help texts are translated).

    The modules of COMMAND_MODULES load when a command is looked up or listed (see `_CommandTree`).
    """
    config = config or Config()

    @click.group(
        cls=_CommandTree,
        invoke_without_command=True,
        context_settings={"help_option_names": ["-h", "--help"]},
        help=_("Learn English and digital-government vocabulary in the terminal. "
               "With no command, opens the app."),
    )
    @common_options
    @click.version_option(package_name="vocab-tui", message="%(prog)s %(version)s")
    @click.pass_context
    def main(ctx: click.Context, db: Path | None, deck_dirs: tuple[Path, ...], lang: str | None) -> None:
        obj = command_settings(ctx, db, deck_dirs, lang)
        obj["config"] = config
        if ctx.invoked_subcommand is None:
            _run_app(obj)

    @main.group(cls=_BuiltInGroup, help=_("Check and list vocabulary decks."))
    def decks() -> None:
        pass

    @decks.command("list", help=_("List the decks that load, with their card counts."))
    @common_options
    @click.pass_context
    def decks_list(ctx: click.Context, db: Path | None, deck_dirs: tuple[Path, ...], lang: str | None) -> None:
        obj = command_settings(ctx, db, deck_dirs, lang)
        result, stored = _load_known(obj)
        rows = [(deck_id, title, str(cards), file) for deck_id, title, cards, file in stored]
        if result is not None:  # some files were parsed: in file order with the others
            rows += [(d.id, d.title, str(len(d.cards)), str(d.path)) for d in result.decks]
            order = {deck_id: n for n, deck_id in enumerate(result.deck_ids)}
            rows.sort(key=lambda row: order.get(row[0], len(order)))
        print_table([_("ID"), _("TITLE"), _("CARDS"), _("FILE")], rows)
        total = sum(int(row[2]) for row in rows)
        echo(ngettext("{n} deck", "{n} decks", len(rows)).format(n=len(rows))
              + ", " + ngettext("{n} card", "{n} cards", total).format(n=total))
        if result is not None:
            report_skipped(result.problems)

    @main.group(cls=_BuiltInGroup, help=_("Learner profiles: add, import, list, edit, merge and remove."))
    def learners() -> None:
        pass

    assert isinstance(main, _CommandTree)
    assert isinstance(decks, _BuiltInGroup) and isinstance(learners, _BuiltInGroup)
    decks.tree = learners.tree = main
    main.register_later(COMMAND_MODULES, config)
    return main


def _load_known(obj: dict[str, Any]) -> tuple[LoadResult | None, list[tuple[str, str, int, str]]]:
    """Load the decks, parsing only files the database (when it exists) does not hold with the same content.

    Returns the load result (its `decks` are the files parsed; None when every file is held unchanged,
    and then nothing is parsed, nor the deck module loaded) and, for each unchanged file, the stored deck
    as (id, title, active card count, file). The database is only read, for its deck queries (`DeckShelf`);
    a file it cannot use leaves every deck file to be parsed, as without a database.
    """
    from .deck_files import all_known
    from .store import DeckShelf

    path, dirs = db_path(obj), all_deck_dirs(obj)
    if not path.is_file():
        return load_decks(dirs), []
    try:
        shelf = DeckShelf(path)
    except StoreError:  # not usable here: every file is parsed, as without a database
        return load_decks(dirs), []
    try:
        with shelf.explained():
            known = shelf.deck_sources()
            files = all_known(dirs, known)
            if files is not None:
                rows = {row["id"]: row for row in shelf.deck_rows([deck_id for deck_id, _file in files])}
                return None, [(d, rows[d]["title"], rows[d]["n"], file) for d, file in files if d in rows]
            result = load_decks(dirs, known=known)
            parsed = {d.id for d in result.decks}
            rows = {row["id"]: row for row in shelf.deck_rows([d for d in result.deck_ids if d not in parsed])}
    except StoreError:
        return load_decks(dirs), []
    finally:
        shelf.close()
    paths = {deck_id: source for source, (_hash, deck_id) in known.items()}
    return result, [(d, rows[d]["title"], rows[d]["n"], paths[d]) for d in result.deck_ids if d in rows]


def all_deck_dirs(obj: dict[str, Any]) -> list[Path]:
    return deck_dirs(tuple(obj.get("deck_dirs", ())))


_YES = ("y", "ya", "yes")
_NO = ("n", "t", "tidak", "no", "")


def confirm(question: str, *, abort: bool = False) -> bool:
    """Ask a yes/no question (the answer is no unless one is typed): y, ya or yes; n, t, tidak or no, in any
    case. Anything else asks again. `abort`: a no stops the command (click.Abort, "Aborted!")."""
    while True:
        answer = click.prompt(visible(question) + " " + _("[y/N]"), default="", show_default=False,
                              prompt_suffix=" ").strip().casefold()
        if answer in _YES or answer in _NO:
            break
        echo(_("Answer y (yes) or n (no)."), err=True)
    if answer in _YES:
        return True
    if abort:
        raise click.Abort()
    return False


def print_table(headers: list[str], rows: list[tuple[str, ...]]) -> None:
    # escape first, so that the columns line up with what is printed; a line break in a cell
    # would break the table, so it is escaped too
    cells = [tuple(visible(cell) for cell in row) for row in [tuple(headers), *rows]]
    widths = [max(_cells(row[i]) for row in cells) for i in range(len(headers))]
    for row in cells:
        echo("  ".join(cell + " " * (w - _cells(cell)) for cell, w in zip(row, widths)).rstrip())


def _cells(text: str) -> int:
    """How many terminal columns `text` takes: an emoji or a CJK character two, a combining mark none."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len  # Textual's own measure; imported only for text beyond ASCII (26 ms)

    return cell_len(text)


def _run_app(obj: dict[str, Any]) -> None:
    from .workspace import open_workspace

    # Start-up makes many long-lived objects (modules, classes, widgets) and almost no garbage, yet the
    # cyclic collector would walk them all several times over; it is held off until the first screen is
    # drawn (VocabApp turns it back on then), about 35 ms sooner on the profile list.
    gc.disable()
    try:
        clock = command_clock(obj)
        try:
            workspace = open_workspace(db_path(obj), all_deck_dirs(obj), clock)
        except StoreError as err:
            fail(str(err))
        from .ui.app import VocabApp  # deferred: commands that print need no Textual

        app = VocabApp(workspace, config=obj.get("config"))
        # What start-up made lives as long as the app: out of the collector's reach, the collections
        # after the first screen, and the last one at exit, no longer walk it (about 70 ms at exit).
        gc.freeze()
        app.run()
    finally:
        gc.enable()
    if app.crash is not None:  # the app wrote the report; the terminal is back to normal now
        _crashed(app.crash)


def _early_language(argv: list[str], config: Config) -> str:
    """--lang is needed before click parses anything, so that help texts are translated.

    A --lang that names no language of ours is left for click to refuse, in the language the
    environment, the config file or the locale would choose.
    """
    for i, arg in enumerate(argv):
        value = None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value is not None and value.strip().lower() in LANGUAGES:
            return value.strip().lower()
    return detect_language(dict(os.environ), config.language)


def _crashed(crash: Crash) -> None:
    from .crash import CRASH_EXIT_CODE  # the crash module loads only when something went wrong

    echo(crash.message(), err=True)
    sys.exit(CRASH_EXIT_CODE)


def _interrupted() -> None:
    from .crash import INTERRUPTED_EXIT_CODE

    sys.exit(INTERRUPTED_EXIT_CODE)


def _command_words(group: click.Command) -> set[str]:
    """The names of every command, group and option: what a crash report may show of a command line."""
    words = {group.name or ""}
    for param in group.params:
        if isinstance(param, click.Option):
            words.update(param.opts, param.secondary_opts)
    for command in getattr(group, "commands", {}).values():
        words |= _command_words(command)
    return words


def main(argv: list[str] | None = None) -> None:
    """The `vocab-tui` entry point: run one command and exit with its code.

    Exit codes: 0 done, 1 problems found or refused, 2 wrong command line, 70 an unexpected
    error (a report was written, see `vocab_tui.crash`), 130 interrupted with ctrl+c.
    """
    args = sys.argv[1:] if argv is None else argv
    cli: click.Command | None = None
    try:
        try:
            config, problem = load_config(), None
        except ConfigError as err:
            config, problem = Config(), err
        set_language(_early_language(args, config))
        cli_texts.install()
        if problem is not None:
            echo(_("Warning: {message}; using the default settings").format(message=problem), err=True)
        for warning in config.warnings:
            echo(_("Warning: {message}; using the default for it").format(message=warning), err=True)
        cli = build_cli(config)
        # not standalone: click's own messages (usage errors quote what was typed) come back
        # here to be printed through echo, and unexpected errors reach the report below
        code = cli.main(args=args, prog_name="vocab-tui", standalone_mode=False)
    except click.exceptions.Abort as err:
        if isinstance(err.__cause__, KeyboardInterrupt):
            _interrupted()
        echo(_("Aborted!"), err=True)
        sys.exit(1)
    except click.ClickException as err:
        shown = io.StringIO()
        err.show(file=shown)
        echo(shown.getvalue().rstrip("\n"), err=True, allow="\n")
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        _interrupted()
    except Exception as err:
        from .crash import command_outline, write_report

        words = _command_words(cli) if cli is not None else set()
        _crashed(write_report(err, command_outline(args, words), SystemClock()))
    sys.exit(code if isinstance(code, int) else 0)
