"""`vocab-tui learners ...`: add, list, import a staff list, rename, edit, merge and remove profiles.

Thin: the staff list is checked by `vocab_tui.staff_list`, NIPs by `vocab_tui.nip`, and every change is
one transaction of the store (`Store.import_learners`, `update_learner`, `merge_learners`, `erase_learner`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..cli import (
    command_clock,
    command_settings,
    common_options,
    confirm,
    echo,
    fail,
    open_store,
    print_table,
)
from ..config import Config
from ..i18n import _, ngettext
from ..store import DuplicateLearner, DuplicateNip, StoreError

if TYPE_CHECKING:
    from ..models import Learner
    from ..store import Store

MAX_PROBLEMS_SHOWN = 50

class RoleWord(click.ParamType):
    """A role named in either language: pegawai/peserta/learner, pelatih/trainer, manajer/pimpinan/manager."""

    name = "role"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from ..staff_list import ROLE_WORDS, role_from_word

        role = role_from_word(str(value))
        if role is None:
            self.fail(_("“{word}” is not a role; write one of: {words}").format(word=value, words=", ".join(ROLE_WORDS)),
                      param, ctx)
        return role


def who(learner: Learner) -> str:
    """'Siti Rahma (Diskominfo), id 3' for messages."""
    return _("{name}{unit}, id {id}").format(name=learner.name, unit=f" ({learner.unit})" if learner.unit else "",
                                             id=learner.id)


def _store_failure(err: StoreError) -> None:
    if isinstance(err, DuplicateLearner):
        fail(str(err) + "; " + _("if both profiles are the same person, merge them with: "
                                  "vocab-tui learners merge {id} ID").format(id=err.existing.id))
    fail(str(err))


def _manager_note(learner: Learner) -> None:
    if learner.role == "manager" and not learner.has_pin:
        echo(_("{who} is a manager: they will be asked to set a PIN the next time they start vocab-tui.")
             .format(who=who(learner)))


def register(main: click.Group, config: Config) -> None:
    learners = main.commands["learners"]
    assert isinstance(learners, click.Group)

    @learners.command("add", help=_("Add a learner profile."))
    @click.argument("name")
    @click.option("--unit", default="", help=_("The learner's unit (OPD), e.g. Diskominfo."))
    @click.option("--nip", default=None, help=_("The learner's NIP, 18 digits (spaces allowed)."))
    @click.option("--role", type=RoleWord(), default="learner",
                  help=_("learner (pegawai), trainer (pelatih) or manager (manajer)."))
    @click.option("--allow-duplicate", is_flag=True,
                  help=_("Add the profile even if one with the same name and unit exists "
                         "(two people with one name in one unit)."))
    @common_options
    @click.pass_context
    def learners_add(ctx: click.Context, name: str, unit: str, nip: str | None, role: str, allow_duplicate: bool,
                     db: Path | None, deck_dirs: tuple[Path, ...], lang: str | None) -> None:
        obj = command_settings(ctx, db, deck_dirs, lang)
        store = open_store(obj)
        try:
            learner = store.add_learner(name, unit, nip=nip, role=role, allow_duplicate=allow_duplicate)
        except DuplicateLearner as err:
            fail(str(err) + "; " + _("use that profile, or add --allow-duplicate if this is another person "
                                      "with the same name"))
        except StoreError as err:
            fail(str(err))
        echo(_("Added learner {id}: {name}").format(id=learner.id, name=learner.name)
             + (f" ({learner.unit})" if learner.unit else ""))
        _manager_note(learner)

    @learners.command("list", help=_("List learner profiles, with their NIPs masked unless --show-nip is given."))
    @click.option("--show-nip", is_flag=True, help=_("Show NIPs in full (they are personal data)."))
    @common_options
    @click.pass_context
    def learners_list(ctx: click.Context, show_nip: bool, db: Path | None, deck_dirs: tuple[Path, ...],
                      lang: str | None) -> None:
        obj = command_settings(ctx, db, deck_dirs, lang)
        store = open_store(obj)
        try:
            with store.explained():
                everyone = store.learners()
        except StoreError as err:
            fail(str(err))
        if not everyone:
            echo(_("No learners yet. Add one with: vocab-tui learners add NAME --unit OPD"))
            return
        from ..models import role_name
        from ..nip import mask

        rows = [(str(x.id), x.name, x.unit, (x.nip if show_nip else mask(x.nip)) if x.nip else "",
                 role_name(x.role), x.created_at.strftime("%Y-%m-%d")) for x in everyone]
        print_table([_("ID"), _("NAME"), _("UNIT"), _("NIP"), _("ROLE"), _("CREATED")], rows)

    @learners.command("import", help=_("Create or update profiles from a staff list (CSV, TSV or XLSX) with the "
                                       "columns nama/name, unit/opd, nip and peran/role. All rows or none."))
    @click.argument("file", type=click.Path(path_type=Path))
    @click.option("--sheet", default=None, help=_("The sheet of an XLSX workbook to read (default: the first)."))
    @click.option("--dry-run", is_flag=True, help=_("Check the file and tell what would change, writing nothing."))
    @common_options
    @click.pass_context
    def learners_import(ctx: click.Context, file: Path, sheet: str | None, dry_run: bool, db: Path | None,
                        deck_dirs: tuple[Path, ...], lang: str | None) -> None:
        from ..spreadsheet import SpreadsheetError, read_table
        from ..staff_list import read_staff_list

        obj = command_settings(ctx, db, deck_dirs, lang)
        clock = command_clock(obj)
        try:
            table = read_table(file, sheet)
            records, problems = read_staff_list(table, clock.now().astimezone(clock.tz).date())
        except SpreadsheetError as err:
            fail(str(err))
        if problems:
            for problem in problems[:MAX_PROBLEMS_SHOWN]:
                echo(problem, err=True)
            if len(problems) > MAX_PROBLEMS_SHOWN:
                more = len(problems) - MAX_PROBLEMS_SHOWN
                echo(ngettext("… and {n} more problem", "… and {n} more problems", more).format(n=more), err=True)
            fail(ngettext("Nothing was imported: {n} problem above. Fix it in the file and import it again.",
                          "Nothing was imported: {n} problems above. Fix them in the file and import it again.",
                          len(problems)).format(n=len(problems)))
        store = open_store(obj)
        try:
            outcomes = store.import_learners(records, dry_run=dry_run)
        except StoreError as err:
            fail(_("Nothing was imported: {message}").format(message=err))
        counts = {action: sum(1 for o in outcomes if o.action == action) for action in ("created", "updated", "unchanged")}
        summary = ", ".join([
            ngettext("{n} profile created", "{n} profiles created", counts["created"]).format(n=counts["created"]),
            ngettext("{n} updated", "{n} updated", counts["updated"]).format(n=counts["updated"]),
            ngettext("{n} unchanged", "{n} unchanged", counts["unchanged"]).format(n=counts["unchanged"]),
            _("0 errors"),
        ])
        if dry_run:
            echo(_("Dry run, nothing was written: {summary}").format(summary=summary))
            return
        echo(summary)
        for outcome in outcomes:
            if outcome.action != "unchanged":
                _manager_note(store.learner(outcome.learner_id))

    @learners.command("rename", help=_("Give a profile a new name (ID as `learners list` shows it)."))
    @click.argument("learner_id", metavar="ID", type=int)
    @click.argument("new_name")
    @click.option("--allow-duplicate", is_flag=True,
                  help=_("Rename even if another profile has this name and unit."))
    @common_options
    @click.pass_context
    def learners_rename(ctx: click.Context, learner_id: int, new_name: str, allow_duplicate: bool,
                        db: Path | None, deck_dirs: tuple[Path, ...], lang: str | None) -> None:
        obj = command_settings(ctx, db, deck_dirs, lang)
        _edit(open_store(obj), learner_id, {"name": new_name}, allow_duplicate)

    @learners.command("edit", help=_("Change a profile's name, unit, NIP or role (ID as `learners list` shows it)."))
    @click.argument("learner_id", metavar="ID", type=int)
    @click.option("--name", default=None, help=_("The new name."))
    @click.option("--unit", default=None, help=_("The new unit (OPD)."))
    @click.option("--nip", default=None, help=_("The new NIP, 18 digits; an empty value removes it."))
    @click.option("--role", type=RoleWord(), default=None,
                  help=_("learner (pegawai), trainer (pelatih) or manager (manajer)."))
    @click.option("--allow-duplicate", is_flag=True,
                  help=_("Change even if another profile then has the same name and unit."))
    @common_options
    @click.pass_context
    def learners_edit(ctx: click.Context, learner_id: int, name: str | None, unit: str | None, nip: str | None,
                      role: str | None, allow_duplicate: bool, db: Path | None, deck_dirs: tuple[Path, ...],
                      lang: str | None) -> None:
        obj = command_settings(ctx, db, deck_dirs, lang)
        changes = {key: value for key, value in (("name", name), ("unit", unit), ("nip", nip), ("role", role))
                   if value is not None}
        if not changes:
            raise click.UsageError(_("Nothing to change: give --name, --unit, --nip or --role"))
        _edit(open_store(obj), learner_id, changes, allow_duplicate)

    @learners.command("merge", help=_("Make two profiles of one person one: B's answers and progress move into A, "
                                      "and B is deleted."))
    @click.argument("keep_id", metavar="A", type=int)
    @click.argument("other_id", metavar="B", type=int)
    @click.option("--yes", is_flag=True, help=_("Do not ask for confirmation."))
    @common_options
    @click.pass_context
    def learners_merge(ctx: click.Context, keep_id: int, other_id: int, yes: bool, db: Path | None,
                       deck_dirs: tuple[Path, ...], lang: str | None) -> None:
        obj = command_settings(ctx, db, deck_dirs, lang)
        store = open_store(obj)
        if keep_id == other_id:
            fail(_("A profile cannot be merged into itself (id {id}); give two different ids").format(id=keep_id))
        try:
            with store.explained():
                keep, other = store.learner(keep_id), store.learner(other_id)
                answers = store.history_counts(other_id)["reviews"]
        except StoreError as err:
            fail(str(err))
        echo(_("Keep: {keep}").format(keep=who(keep)))
        echo(ngettext("Merge into it and delete: {other}, with {n} answer",
                      "Merge into it and delete: {other}, with {n} answers", answers).format(other=who(other), n=answers))
        if not yes:
            confirm(_("Merge these profiles?"), abort=True)
        try:
            merged = store.merge_learners(keep_id, other_id)
        except StoreError as err:
            fail(str(err))
        echo(_("Merged: {who} now holds {answers} more answers and {cards} more studied cards "
               "({shared} cards both had studied were combined).").format(
            who=who(merged.kept), answers=merged.reviews, cards=merged.card_states, shared=merged.shared_cards))

    @learners.command("remove", help=_("Erase a person's profile and all their answers and progress "
                                       "(the right to erasure of UU 27/2022). Cannot be undone."))
    @click.argument("learner_id", metavar="ID", type=int)
    @click.option("--yes", is_flag=True, help=_("Do not ask for confirmation."))
    @common_options
    @click.pass_context
    def learners_remove(ctx: click.Context, learner_id: int, yes: bool, db: Path | None,
                        deck_dirs: tuple[Path, ...], lang: str | None) -> None:
        obj = command_settings(ctx, db, deck_dirs, lang)
        store = open_store(obj)
        try:
            with store.explained():
                learner = store.learner(learner_id)
                answers = store.history_counts(learner_id)["reviews"]
        except StoreError as err:
            fail(str(err))
        echo(ngettext("This erases {who} and their {n} answer, with all their progress; it cannot be undone.",
                      "This erases {who} and their {n} answers, with all their progress; it cannot be undone.",
                      answers).format(who=who(learner), n=answers))
        if not yes:
            confirm(_("Erase this person's data?"), abort=True)
        try:
            erased = store.erase_learner(learner_id)
        except StoreError as err:
            fail(str(err))
        echo(ngettext("Erased {who}: {n} answer and all progress.", "Erased {who}: {n} answers and all progress.",
                      erased.reviews).format(who=who(erased.learner), n=erased.reviews))
        if not erased.log_emptied:
            echo(_("Warning: {message}").format(message=_(
                "another program has the database open, so the erased data stays in its write-ahead log "
                "({path}-wal) until every program using it is closed").format(path=store.path)), err=True)
        echo(_("Backups made before today still hold this person's data; erase them or let them expire."))


def _edit(store: Store, learner_id: int, changes: dict[str, str], allow_duplicate: bool) -> None:
    try:
        before = store.learner(learner_id)
        after = store.update_learner(learner_id, allow_duplicate=allow_duplicate, **changes)  # type: ignore[arg-type]
    except DuplicateNip as err:
        fail(str(err))
    except StoreError as err:
        _store_failure(err)
    if after == before:
        echo(_("Nothing changed: {who}").format(who=who(after)))
        return
    from ..models import role_name
    from ..nip import mask

    echo(_("Saved: {who}").format(who=who(after)) + (f" · NIP {mask(after.nip)}" if after.nip else "")
         + f" · {role_name(after.role)}")
    if after.role == "manager" and before.role != "manager":
        _manager_note(after)
