"""Commands that register themselves on the CLI (see `COMMAND_MODULES` in `vocab_tui.cli`)."""
