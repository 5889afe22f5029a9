"""`vocab-tui export`: study progress as CSV, XLSX or JSON (the work is in vocab_tui.export and vocab_tui.reports)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import IO, Any

import click

from ..cli import command_clock, command_settings, common_options, db_path, echo, fail, open_store
from ..i18n import _, ngettext
from ..text import visible


class _VisibleOutput:
    """Standard output when it is a terminal: control characters in the data are shown, not obeyed."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw

    def write(self, data: bytes) -> int:
        self.raw.write(visible(data.decode("utf-8"), allow="\r\n\t").encode("utf-8"))
        return len(data)

    def flush(self) -> None:
        self.raw.flush()

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    @property
    def closed(self) -> bool:
        return False


@contextmanager
def _progress(total: int) -> Iterator[Any]:
    """A progress bar on standard error when it is a terminal; else nothing is drawn."""
    if not sys.stderr.isatty() or total <= 0:
        yield None
        return
    with click.progressbar(length=total, label=_("Writing"), file=sys.stderr) as bar:
        yield bar.update


def register(main: click.Group, config: Any) -> None:
    @main.command("export", help=_(
        "Export study progress (per learner and deck, unit, deck and day) as CSV, XLSX or JSON. "
        "Without -o, CSV and JSON go to standard output. Days are study days in the office's time zone, "
        "starting at 04:00."))
    @click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"], case_sensitive=False), required=True,
                  help=_("csv (one row per learner and deck), xlsx (a workbook with a chart) or json."))
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                  help=_("The file to write (created readable by you only)."))
    @click.option("--since", metavar="YYYY-MM-DD", help=_("First study day to count (default: the first answer)."))
    @click.option("--until", metavar="YYYY-MM-DD", help=_("Last study day to count (default: no limit)."))
    @click.option("--unit", "units", multiple=True, metavar="UNIT", help=_("Only this unit (OPD); repeatable."))
    @click.option("--deck", "decks", multiple=True, metavar="ID", help=_("Only this deck; repeatable."))
    @click.option("--learner", "learner_ids", multiple=True, type=int, metavar="ID",
                  help=_("Only this learner (see: vocab-tui learners list); repeatable."))
    @click.option("--pseudonymise", is_flag=True,
                  help=_("Replace names and NIPs by stable codes, for reports that leave the unit."))
    @common_options
    @click.pass_context
    def export(ctx: click.Context, fmt: str, output: Path | None, since: str | None, until: str | None,
               units: tuple[str, ...], decks: tuple[str, ...], learner_ids: tuple[int, ...], pseudonymise: bool,
               db: Path | None, deck_dirs: tuple[Path, ...], lang: str | None) -> None:
        from ..export import ExportError, ExportOptions, Pseudonyms, export_report, private_output
        from ..reports import ReportError, ReportScope, open_report, parse_day
        from ..scheduling import SchedulerSettings
        from ..store import StoreError

        obj = command_settings(ctx, db, deck_dirs, lang)
        fmt = fmt.lower()
        if fmt == "xlsx" and output is None:
            fail(_("An XLSX file cannot go to the terminal; name the file with -o, e.g. -o progress.xlsx"), 2)
        try:
            scope = ReportScope(
                since=parse_day(since, "--since") if since else None,
                until=parse_day(until, "--until") if until else None,
                units=tuple(units) or None, deck_ids=tuple(decks) or None, learner_ids=tuple(learner_ids) or None)
        except ReportError as err:
            fail(str(err), 2)
        store = open_store(obj)
        clock = command_clock(obj)
        try:
            pseudonyms = Pseudonyms.for_database(db_path(obj)) if pseudonymise else None
            if sys.stderr.isatty():
                echo(_("Reading the reviews…"), err=True)
            with store.explained(), open_report(store, scope, clock, SchedulerSettings().day_starts_at) as report:
                learners, deck_count = report.size()
                # no bar over rows that are being printed on the same terminal
                shown_rows = output is None and sys.stdout.isatty()
                with _progress(0 if shown_rows else learners * deck_count) as step:
                    options = ExportOptions(pseudonyms=pseudonyms, tz=clock.tz, progress=step)
                    if output is None:
                        raw = sys.stdout.buffer
                        target = _VisibleOutput(raw) if sys.stdout.isatty() else raw
                        with nullcontext(target) as out:
                            export_report(report, fmt, out, options)  # type: ignore[arg-type]
                            out.flush()
                    else:
                        with private_output(output) as out:
                            export_report(report, fmt, out, options)
        except ReportError as err:
            fail(str(err), 2)
        except (ExportError, StoreError) as err:
            fail(str(err))
        finally:
            store.close()
        if output is not None:
            echo(ngettext("Wrote {path}: {n} learner.", "Wrote {path}: {n} learners.", learners).format(
                path=output.resolve(), n=learners), err=True)
