"""`vocab-tui decks export-anki`: a deck as an Anki package for AnkiDroid."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli import all_deck_dirs, command_settings, common_options, echo, fail
from ..config import Config
from ..i18n import _, ngettext


def register(main: click.Group, config: Config) -> None:
    decks = main.commands["decks"]
    assert isinstance(decks, click.Group)

    @decks.command("export-anki", help=_(
        "Export a deck as an Anki package (.apkg) to study on a phone with AnkiDroid. DECK is a deck id "
        "(see decks list) or a deck file. Exporting again updates the notes in Anki instead of adding copies."))
    @click.argument("deck_name", metavar="DECK")
    @click.option("-o", "--output", "target", required=True, type=click.Path(dir_okay=False, path_type=Path),
                  help=_("The .apkg file to write."))
    @click.option("--reverse", is_flag=True,
                  help=_("Also make a reverse card for each note (meaning on the front, term on the back)."))
    @common_options
    @click.pass_context
    def export_anki_command(ctx: click.Context, deck_name: str, target: Path, reverse: bool, db: Path | None,
                            deck_dirs: tuple[Path, ...], lang: str | None) -> None:
        from ..anki import export_anki
        from ..decks import check_deck, load_decks

        obj = command_settings(ctx, db, deck_dirs, lang)
        path = Path(deck_name)
        if path.suffix in (".yaml", ".yml") or path.is_file():
            deck, problems = check_deck(path)
            if deck is None:
                for problem in problems:
                    echo(str(problem), err=True)
                fail(_("{path} does not load; fix the problems above (vocab-tui decks check {path})").format(
                    path=path))
        else:
            result = load_decks(all_deck_dirs(obj))
            deck = next((d for d in result.decks if d.id == deck_name), None)
            if deck is None:
                fail(_("no deck with the id '{id}'; the decks are: {ids} (or give the path of a deck file)").format(
                    id=deck_name, ids=", ".join(d.id for d in result.decks)))
        if target.suffix.lower() != ".apkg":
            echo(_("Warning: {path} does not end in .apkg; AnkiDroid imports files named *.apkg").format(path=target),
                 err=True)
        try:
            export_anki(deck, target, reverse=reverse)
        except OSError as err:
            fail(_("cannot write {path}: {reason}").format(path=target, reason=err.strerror or err))
        notes = len(deck.cards)
        echo(ngettext("Wrote {path}: deck '{title}', {n} note", "Wrote {path}: deck '{title}', {n} notes", notes)
             .format(path=target, title=deck.title, n=notes)
             + (" " + _("(with reverse cards)") if reverse else "") + ".")
        echo(_("In AnkiDroid: menu > Import, choose the file. Importing a newer export updates these notes."))
        sys.exit(0)
