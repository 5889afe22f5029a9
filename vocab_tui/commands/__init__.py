"""Further CLI commands, a module a concern; each has `register(main, config)` (see cli.COMMAND_MODULES)."""
