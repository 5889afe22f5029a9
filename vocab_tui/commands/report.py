"""`vocab-tui report terms`: the hardest terms, for trainers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..cli import command_clock, command_settings, common_options, echo, fail, open_store, print_table
from ..config import Config
from ..i18n import _, ngettext
from ..store import StoreError


ALL_TIME = "all"


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | str | None:
    if value is None or value.strip().lower() == ALL_TIME:
        return value and ALL_TIME
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(_("'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-02").format(
            value=value)) from None


def register(main: click.Group, config: Config) -> None:
    report = main.commands.get("report")
    if not isinstance(report, click.Group):
        @main.group("report", help=_("Reports for trainers and managers."))
        def report() -> None:
            pass

    @report.command("terms", help=_("The hardest terms, hardest first: learners, lapse rate, first answers "
                                    "that were Again, average time to answer."))
    @click.option("--deck", "deck_id", help=_("Only the cards of this deck (its id)."))
    @click.option("--unit", help=_("Only the answers of learners of this unit (OPD)."))
    @click.option("--since", callback=_date, help=_("Only answers from this local date on (YYYY-MM-DD; a day starts at 4 a.m.), or 'all'. "
                         "Default: the last 30 days."))
    @click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
                  help=_("At most this many cards."))
    @click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
                  help=_("Output format."))
    @common_options
    @click.pass_context
    def report_terms(ctx: click.Context, deck_id: str | None, unit: str | None, since: date | str | None, limit: int,
                     fmt: str, db: Path | None, deck_dirs: tuple[Path, ...], lang: str | None) -> None:
        from .. import term_report

        obj = command_settings(ctx, db, deck_dirs, lang)
        clock = command_clock(obj)
        if since is None:
            since = term_report.default_since(clock.now(), clock.tz)
        store = open_store(obj)
        try:
            with store.explained():
                rows = term_report.hardest_terms(store, clock.tz, deck_id=deck_id, unit=unit,
                                                 since=None if since == ALL_TIME else since, limit=limit)
        except StoreError as err:
            fail(str(err))
        finally:
            store.close()
        if fmt == "csv":
            echo(term_report.to_csv(rows).rstrip("\n"), allow="\n")
            return
        if fmt == "json":
            echo(term_report.to_json(rows), allow="\n")
            return
        if not rows:
            echo(_("No answers match: nothing to report."))
            return
        print_table(term_report.headers(), term_report.table_rows(rows))
        echo(ngettext("{n} card, hardest first", "{n} cards, hardest first", len(rows)).format(n=len(rows)))
