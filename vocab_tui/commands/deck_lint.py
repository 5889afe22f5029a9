"""`decks check` (the deck linter, for editors and CI) and `decks new` (a commented template deck)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..config import Config
from ..i18n import _, ngettext


def register(main: click.Group, config: Config) -> None:
    from ..cli import all_deck_dirs, command_settings, common_options, echo, fail

    decks = main.commands["decks"]
    assert isinstance(decks, click.Group)

    @decks.command("check", help=_(
        "Check deck files (by default every deck the app loads): one line per problem, "
        "path:line:column: severity: message. Exit 0 when clean or with warnings only, 1 with errors "
        "(or warnings, with --strict), 2 for a wrong command line."))
    @click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
    @click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True,
                  help=_("text: one line per problem; json: one JSON document with the problems and a summary."))
    @click.option("--strict", is_flag=True, help=_("Fail (exit 1) on warnings too."))
    @common_options
    @click.pass_context
    def decks_check(ctx: click.Context, paths: tuple[Path, ...], output: str, strict: bool, db: Path | None,
                    deck_dirs: tuple[Path, ...], lang: str | None) -> None:
        from ..lint import MAX_PER_FILE, lint_paths

        obj = command_settings(ctx, db, deck_dirs, lang)
        app_dirs = all_deck_dirs(obj)
        def orphans(checks):  # progress an edit would leave behind, read from the database
            return _orphan_warnings(obj, [check.deck for check in checks if check.deck is not None])

        report = lint_paths(list(paths) or app_dirs, app_dirs, sources=[orphans])
        files = report.by_file(MAX_PER_FILE)
        if output == "json":
            document = {
                "problems": [p.to_dict() for _path, shown, _more in files for p in shown],
                "summary": {
                    "files": len(report.files),
                    "files_with_problems": len(files),
                    "errors": report.errors,
                    "warnings": report.warnings,
                    "omitted": sum(more for _path, _shown, more in files),
                    "limit_per_file": MAX_PER_FILE,
                    "failed": report.failed(strict),
                },
            }
            # ensure_ascii: control characters and any odd character travel as \u escapes
            import json  # here: only the JSON report needs it

            click.echo(json.dumps(document, ensure_ascii=True, indent=2))
        else:
            for path, shown, more in files:
                for problem in shown:
                    echo(problem.formatted())
                if more:
                    echo(ngettext("{path}: {n} more problem in this file is not shown (the first {limit} are above)",
                                  "{path}: {n} more problems in this file are not shown (the first {limit} are above)",
                                  more).format(path=path, n=more, limit=MAX_PER_FILE))
        echo(_summary(report, len(files)), err=True)
        sys.exit(1 if report.failed(strict) else 0)

    @decks.command("new", help=_("Write a new deck DECK_ID with comments that explain every field."))
    @click.argument("deck_id")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                  help=_("The file to write (default: DECK_ID.yaml in the current folder); never overwritten."))
    @common_options
    @click.pass_context
    def decks_new(ctx: click.Context, deck_id: str, output: Path | None, db: Path | None,
                  deck_dirs: tuple[Path, ...], lang: str | None) -> None:
        from ..deck_template import deck_template
        from ..decks import is_valid_id

        command_settings(ctx, db, deck_dirs, lang)
        if not is_valid_id(deck_id):
            raise click.BadParameter(
                _("'{id}' is not a deck id: use lowercase letters and digits, joined by dashes, "
                  "like 'office-english'").format(id=deck_id), param_hint="DECK_ID")
        target = output or Path(f"{deck_id}.yaml")
        text = deck_template(deck_id)
        try:
            with open(target, "x", encoding="utf-8") as handle:  # "x": never over an existing file
                handle.write(text)
        except FileExistsError:
            fail(_("{path} already exists; it was left unchanged. Choose another file with -o").format(path=target))
        except OSError as err:
            fail(_("cannot write {path}: {reason}").format(path=target, reason=err.strerror or err))
        echo(_("Wrote {path}. Edit it, then check it with: vocab-tui decks check {path}").format(path=target))


def _summary(report, files_with_problems: int) -> str:
    files = len(report.files)
    summary = ngettext("{n} file checked", "{n} files checked", files).format(n=files)
    if not report.problems:
        return summary + ": " + _("no problems")
    parts = []
    if report.errors:
        parts.append(ngettext("{n} error", "{n} errors", report.errors).format(n=report.errors))
    if report.warnings:
        parts.append(ngettext("{n} warning", "{n} warnings", report.warnings).format(n=report.warnings))
    return (summary + ": " + ", ".join(parts) + " "
            + ngettext("in {n} file", "in {n} files", files_with_problems).format(n=files_with_problems))


def _orphan_warnings(obj: dict[str, Any], decks: list) -> list:
    """Progress a deck edit would leave behind, from the database (--db or the default) when it exists."""
    from ..cli import command_clock, db_path, echo
    from ..decks import orphaned_progress
    from ..store import Store, StoreError

    path = db_path(obj)
    if not decks or not path.is_file():
        return []
    try:  # the files are checked all the same: a database that cannot be read only loses this check
        store = Store(path, command_clock(obj))
    except StoreError as err:
        echo(_("Warning: {message}; progress in it was not checked").format(message=err), err=True)
        return []
    try:
        with store.explained():
            return [w for deck in decks for w in orphaned_progress(deck, store.card_progress(deck.id))]
    except StoreError as err:
        echo(_("Warning: {message}; progress in it was not checked").format(message=err), err=True)
        return []
    finally:
        store.close()
