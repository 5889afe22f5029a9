"""Further commands, a module each; every module has `register(main, config)` (see `cli.COMMAND_MODULES`)."""
"""Further CLI commands, a module each, registered through `vocab_tui.cli.COMMAND_MODULES`."""
