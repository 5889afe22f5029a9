"""The smallest click command line (a group with one command): the yardstick for `vocab-tui --help`
and `vocab-tui decks list`."""

import click


@click.group()
def main() -> None:
    """A one-command click program."""


@main.command("list")
def list_() -> None:
    """List one deck."""
    click.echo("bench  Bench  1  bench.yaml")


if __name__ == "__main__":
    main()
