"""`vocab-tui learners reset-pin ID`: remove a learner's forgotten PIN, after asking."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import command_settings, common_options, confirm, echo, fail, open_store
from ..config import Config
from ..i18n import _
from ..store import StoreError


def register(main: click.Group, config: Config) -> None:
    learners = main.commands["learners"]
    assert isinstance(learners, click.Group)

    @learners.command("reset-pin", help=_("Remove a learner's PIN (when it is forgotten), after asking."))
    @click.argument("learner_id", metavar="ID", type=int)
    @click.option("--yes", "-y", is_flag=True, help=_("Do not ask for confirmation."))
    @common_options
    @click.pass_context
    def reset_pin(ctx: click.Context, learner_id: int, yes: bool, db: Path | None,
                  deck_dirs: tuple[Path, ...], lang: str | None) -> None:
        obj = command_settings(ctx, db, deck_dirs, lang)
        store = open_store(obj)
        try:
            learner = store.learner(learner_id)
        except StoreError as err:
            fail(str(err))
        who = learner.name + (f" ({learner.unit})" if learner.unit else "")
        if not learner.has_pin:
            echo(_("{who} has no PIN; nothing to reset.").format(who=who))
            return
        if learner.role == "manager":
            then = _("As a manager, they must choose a new PIN when they next open the app.")
        else:
            then = _("They then open their profile without a PIN and can choose a new one in Settings.")
        if not yes:
            echo(_("Reset the PIN of learner {id}, {who}? {then}").format(id=learner.id, who=who, then=then))
            if not confirm(_("Reset the PIN?")):
                fail(_("Nothing was changed."))
        try:
            store.reset_pin(learner.id)
        except StoreError as err:
            fail(str(err))
        echo(_("The PIN of learner {id}, {who}, is reset.").format(id=learner.id, who=who))
