"""Further commands, a module a concern; each has `register(main, config)` (see `COMMAND_MODULES` in `vocab_tui.cli`)."""
