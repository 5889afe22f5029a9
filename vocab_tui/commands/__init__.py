"""Further commands, a module each; every module has `register(main, config)` (see `cli.COMMAND_MODULES`)."""
