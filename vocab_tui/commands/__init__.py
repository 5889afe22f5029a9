"""Further CLI commands, one module per concern, each with `register(main, config)` (see cli.COMMAND_MODULES)."""
