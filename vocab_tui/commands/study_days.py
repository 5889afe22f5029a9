"""`vocab-tui study-days [--zone ZONE]`: the time zone the office's study days are counted in, and changing it.

The database counts every answer into a study day (04:00 to 04:00 local time) under one rule kept in the
file, set from the first terminal that opened it. An office whose first terminal had the wrong zone (a
server left on UTC) changes it here; every answer is then counted again (see `Store.use_study_days`).
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..cli import command_clock, command_settings, common_options, confirm, echo, fail, open_store
from ..config import Config
from ..i18n import _, ngettext
from ..store import StoreError
from ..text import visible


def register(main: click.Group, config: Config) -> None:
    @main.command("study-days", help=_("Show the time zone the office's study days are counted in; with "
                                       "--zone, count every answer again in another zone."))
    @click.option("--zone", "zone_name", metavar="ZONE",
                  help=_("The office's time zone, e.g. Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)."))
    @click.option("--yes", "-y", "assume_yes", is_flag=True, help=_("Do not ask for confirmation."))
    @common_options
    @click.pass_context
    def study_days(ctx: click.Context, zone_name: str | None, assume_yes: bool, db: Path | None,
                   deck_dirs: tuple[Path, ...], lang: str | None) -> None:
        from ..clock import zone
        from ..study_days import DAY_STARTS_AT, StudyDays

        obj = command_settings(ctx, db, deck_dirs, lang)
        store = open_store(obj)
        try:
            clock = command_clock(obj)
            current = store.study_days()
            here = StudyDays(clock.tz, current.hour if current else DAY_STARTS_AT)
            if current is not None:
                echo(_("Study days in {db} are counted in the time zone {zone}, from {hour:02d}:00 to "
                       "{hour:02d}:00.").format(db=store.path, zone=current.zone_name(), hour=current.hour))
            if zone_name is None:
                now = clock.now()
                if current is not None and now.astimezone(current.tz).utcoffset() != now.astimezone(here.tz).utcoffset():
                    echo(_("This computer's time zone is {zone}. If the office's is another, run: "
                           "vocab-tui study-days --zone ZONE").format(zone=here.zone_name()))
                return
            if not zone_name.strip():
                fail(_("Give a time zone name after --zone, like Asia/Jakarta (WIB), Asia/Makassar (WITA) or "
                       "Asia/Jayapura (WIT)"))
            tz = zone(zone_name)
            if tz is None:
                fail(_("{zone} is not a time zone name; give one like Asia/Jakarta (WIB), Asia/Makassar (WITA) "
                       "or Asia/Jayapura (WIT)").format(zone=visible(zone_name)))
            wanted = StudyDays(tz, here.hour)
            if current is not None and current.key() == wanted.key():
                echo(_("Nothing to change."))
                return
            answers = store.logged_answers()
            if not assume_yes:
                echo(ngettext(
                    "Every study day is then counted again in {zone}: {n} answer is read, and other terminals "
                    "wait to save answers until it is done.",
                    "Every study day is then counted again in {zone}: {n} answers are read, and other terminals "
                    "wait to save answers until it is done (about half a minute per million answers).",
                    answers).format(zone=wanted.zone_name(), n=f"{answers:,}"))
                if not confirm(_("Count the days again?")):
                    echo(_("Nothing was changed."))
                    return
            started = time.monotonic()
            try:
                store.use_study_days(wanted)
            except StoreError as err:
                fail(str(err))
            echo(ngettext("Study days are now counted in {zone}: {n} answer counted in {seconds} s.",
                          "Study days are now counted in {zone}: {n} answers counted in {seconds} s.", answers).format(
                zone=wanted.zone_name(), n=f"{answers:,}", seconds=f"{time.monotonic() - started:.1f}"))
        finally:
            store.close()
