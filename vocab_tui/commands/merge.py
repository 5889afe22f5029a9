"""`vocab-tui merge OTHER.db`: an offline terminal's learners and answers brought into this database
(the rules are in `store/merge.py`)."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import command_settings, common_options, echo, fail, open_store
from ..config import Config
from ..i18n import _, ngettext
from ..store import StoreError


def register(main: click.Group, config: Config) -> None:
    @main.command("merge", help=_("Bring the learners and answers of another terminal's database OTHER "
                                  "into this one; card progress is worked out again from both answer logs."))
    @click.argument("other", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help=_("Only say what would be merged; change nothing."))
    @common_options
    @click.pass_context
    def merge(ctx: click.Context, other: Path, dry_run: bool, db: Path | None, deck_dirs: tuple[Path, ...],
              lang: str | None) -> None:
        obj = command_settings(ctx, db, deck_dirs, lang)
        store = open_store(obj)
        try:
            report = store.merge_from(other, dry_run=dry_run)
        except StoreError as err:
            fail(_("Nothing was merged: {reason}").format(reason=err))
        finally:
            store.close()
        if dry_run:
            echo(_("Dry run: nothing was changed. A merge would do this:"))
        n = len(report.learners_added)
        echo(ngettext("{n} learner added", "{n} learners added", n).format(n=n))
        for who in report.learners_added:  # one line each: a line break in a name is printed escaped
            echo("  " + who)
        echo(ngettext("{n} learner matched", "{n} learners matched", report.learners_matched).format(
            n=report.learners_matched))
        n = len(report.learners_skipped)
        echo(ngettext("{n} learner skipped", "{n} learners skipped", n).format(n=n))
        for skipped in report.learners_skipped:
            who = skipped.name + (f" ({skipped.unit})" if skipped.unit else "")
            echo("  " + _("{who}: {reason}").format(who=who, reason=skipped.reason))
        echo(ngettext("{n} review added", "{n} reviews added", report.reviews_added).format(n=report.reviews_added))
        echo(ngettext("{n} card state worked out again", "{n} card states worked out again",
                      report.cards_replayed).format(n=report.cards_replayed)
             + " " + ngettext("({n} review replayed)", "({n} reviews replayed)",
                              report.reviews_rewritten).format(n=report.reviews_rewritten))
        if report.cards_added:
            echo(ngettext("{n} card unknown here was brought in, retired until its deck file is here",
                          "{n} cards unknown here were brought in, retired until their deck files are here",
                          report.cards_added).format(n=report.cards_added)
                 + (": " + ", ".join(report.decks_added) if report.decks_added else ""))
        if report.learners_skipped:
            echo(_("Skipped profiles were not merged: give them a NIP (or tell them apart) in both files "
                   "and merge again."), err=True)
            raise SystemExit(1)
