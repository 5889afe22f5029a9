"""Further CLI commands, a module each, registered through `vocab_tui.cli.COMMAND_MODULES`."""
