"""`vocab-tui decks import`: a word list from Excel (CSV, TSV, XLSX) into a deck file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..cli import all_deck_dirs, command_settings, common_options, echo, fail
from ..config import Config
from ..i18n import _, ngettext

if TYPE_CHECKING:
    from ..deck_import import ImportResult


def register(main: click.Group, config: Config) -> None:
    decks = main.commands["decks"]
    assert isinstance(decks, click.Group)

    @decks.command("import", help=_(
        "Make a deck file from a word list kept in Excel (CSV, TSV or XLSX), or merge it into an existing "
        "deck file. Columns: term, translation, definition, example, ... (or istilah, terjemahan, definisi, "
        "contoh, ...)."))
    @click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("-o", "--output", "target", required=True, type=click.Path(dir_okay=False, path_type=Path),
                  help=_("The deck file to write (.yaml); when it exists, the table is merged into it by card id."))
    @click.option("--sheet", help=_("The sheet of an XLSX workbook to read (default: the first)."))
    @click.option("--deck-id", help=_("The id of a new deck (default: from the file name)."))
    @click.option("--title", help=_("The title of the deck (default for a new deck: from the file name)."))
    @common_options
    @click.pass_context
    def decks_import(ctx: click.Context, source: Path, target: Path, sheet: str | None, deck_id: str | None,
                     title: str | None, db: Path | None, deck_dirs: tuple[Path, ...], lang: str | None) -> None:
        from ..deck_import import MAX_PROBLEMS, DeckImportError, import_table, write_deck
        from ..decks import load_decks
        from ..spreadsheet import SpreadsheetError

        obj = command_settings(ctx, db, deck_dirs, lang)
        try:
            result = import_table(source, target, sheet=sheet, deck_id=deck_id, title=title)
        except SpreadsheetError as err:
            fail(str(err))
        except DeckImportError as err:
            for problem in err.problems[:MAX_PROBLEMS]:
                echo(problem, err=True)
            hidden = len(err.problems) - MAX_PROBLEMS
            if hidden > 0:
                echo(ngettext("... and {n} more problem", "... and {n} more problems", hidden).format(n=hidden),
                     err=True)
            fail(ngettext("{n} problem; nothing was written to {path}", "{n} problems; nothing was written to {path}",
                          len(err.problems)).format(n=len(err.problems), path=target))
        for warning in result.warnings:
            echo(_("Warning: {message}").format(message=warning), err=True)
        others = [d for d in load_decks(all_deck_dirs(obj)).decks
                  if d.id == result.deck.id and d.path.resolve() != target.resolve()]
        for other in others:
            echo(_("Warning: the deck id '{id}' is already used by {path}; the app loads only one of them. "
                   "Choose another --deck-id").format(id=other.id, path=other.path), err=True)
        if target.suffix not in (".yaml", ".yml"):
            echo(_("Warning: {path} does not end in .yaml; the app only loads deck files named *.yaml or *.yml")
                 .format(path=target), err=True)
        try:
            backup = write_deck(result)
        except OSError as err:
            fail(_("cannot write {path}: {reason}").format(path=target, reason=err.strerror or err))
        _report(result, source, backup)
        sys.exit(0)


def _report(result: ImportResult, source: Path, backup: Path | None) -> None:
    deck = result.deck
    sheet = f" ({result.table.sheet})" if result.table is not None and result.table.sheet else ""
    if result.merged:
        echo(_("Merged {source}{sheet} into {path} (deck '{id}', {n} cards):").format(
            source=source, sheet=sheet, path=result.target, id=deck.id, n=len(deck.cards)))
    else:
        echo(_("Wrote {path} (deck '{id}', {n} cards) from {source}{sheet}.").format(
            source=source, sheet=sheet, path=result.target, id=deck.id, n=len(deck.cards)))
    terms = {card.id: card.term for card in deck.cards}
    if result.merged:
        echo("  " + ngettext("{n} card added", "{n} cards added", len(result.added)).format(n=len(result.added)))
        for card_id in result.added:
            echo(f"    + {card_id} ({terms.get(card_id, '')})")
        echo("  " + ngettext("{n} card changed", "{n} cards changed", len(result.changed)).format(
            n=len(result.changed)))
        for card_id, fields in result.changed.items():
            echo(f"    ~ {card_id}: {', '.join(fields)}")
        if result.unchanged:
            echo("  " + ngettext("{n} card unchanged", "{n} cards unchanged", result.unchanged).format(
                n=result.unchanged))
        kept = len(deck.cards) - len(result.added) - len(result.changed) - result.unchanged
        if kept:
            echo("  " + ngettext("{n} card not in the table, kept as it was",
                                 "{n} cards not in the table, kept as they were", kept).format(n=kept))
    if result.comments_dropped and backup is not None:
        echo(_("Note: the comments of {path} could not be kept (the file is written anew); the previous file is "
               "in {backup}").format(path=result.target, backup=backup))
    echo(_("Next: vocab-tui decks check {path}").format(path=result.target))
