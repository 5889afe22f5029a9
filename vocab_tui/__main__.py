"""`python -m vocab_tui` and the `vocab-tui` command."""

import gc


def run() -> None:
    """Start the command line. Importing it (click, the command tree) makes long-lived objects and almost
    no garbage: the cyclic collector is held off while it loads, and what it made is then frozen out of the
    collector's reach (`gc.freeze`), so that turning the collector back on does not walk it all at once.
    The app holds the collector off again until its first screen is drawn (`cli._run_app`)."""
    gc.disable()
    from .cli import main

    gc.freeze()
    gc.enable()
    main()


if __name__ == "__main__":
    run()
