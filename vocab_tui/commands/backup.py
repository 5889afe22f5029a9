"""`vocab-tui backup [FILE]` and `vocab-tui restore FILE`: copies of the whole database, taken and put back
through SQLite's online backup API while other terminals keep using it (see `store/backup.py`)."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import command_clock, command_settings, common_options, confirm, db_path, echo, fail, open_store
from ..config import Config
from ..i18n import _
from ..store import StoreError


def register(main: click.Group, config: Config) -> None:
    @main.command("backup", help=_("Copy the whole database, answers of this moment included, to FILE "
                                   "(default: a dated file in the backups folder beside the database)."))
    @click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
    @common_options
    @click.pass_context
    def backup(ctx: click.Context, file: Path | None, db: Path | None, deck_dirs: tuple[Path, ...],
               lang: str | None) -> None:
        from ..store.backup import manual_backup_path

        obj = command_settings(ctx, db, deck_dirs, lang)
        store = open_store(obj)
        target = file if file is not None else manual_backup_path(store.path, command_clock(obj))
        if target.exists() and target.resolve() == store.path.resolve():
            fail(_("{file} is the database itself; choose another file for the backup").format(file=target))
        if target.exists():
            fail(_("{file} exists already; choose a new file name, or remove that file first").format(file=target))
        try:
            store.backup_to(target)
        except StoreError as err:
            fail(str(err))
        finally:
            store.close()
        echo(_("Backup written: {file}").format(file=target))

    @main.command("restore", help=_("Replace the database by the backup FILE, after checking it; "
                                    "what it replaces is kept as a backup first."))
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--yes", "-y", "assume_yes", is_flag=True, help=_("Do not ask for confirmation."))
    @common_options
    @click.pass_context
    def restore(ctx: click.Context, file: Path, assume_yes: bool, db: Path | None, deck_dirs: tuple[Path, ...],
                lang: str | None) -> None:
        from ..store.backup import backup_folder, manual_backup_path

        obj = command_settings(ctx, db, deck_dirs, lang)
        path = db_path(obj)
        if file.exists() and path.exists() and file.resolve() == path.resolve():
            fail(_("{file} is the database itself; give the backup file to restore").format(file=file))
        store = open_store(obj)
        try:
            keep = manual_backup_path(store.path, command_clock(obj))
            keep = keep.with_name(keep.stem + "-before-restore.db")
            try:  # checked before asking: a file that cannot be restored is told at once
                store.check_source(file)
            except StoreError as err:
                fail(_("Nothing was restored: {reason}").format(reason=err))
            if not assume_yes:
                echo(_("This replaces every profile and answer in {db} by the content of {file}.").format(
                    db=store.path, file=file))
                echo(_("What is there now is kept in {copy}.").format(copy=keep))
                if not confirm(_("Restore?")):
                    echo(_("Nothing was changed."))
                    return
            try:
                store.restore_from(file, keep)
            except StoreError as err:
                fail(_("Nothing was restored: {reason}").format(reason=err))
        finally:
            store.close()
        echo(_("Restored {db} from {file}.").format(db=store.path, file=file))
        echo(_("The previous content is kept in {copy}; backups are in {folder}.").format(
            copy=keep, folder=backup_folder(store.path)))
