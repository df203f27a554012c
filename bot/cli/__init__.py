"""The ``briefbot`` command line: one module per subcommand, composed here.

Each subcommand module exposes ``register(subparsers)``, which adds its parser and sets
``func`` to a callable taking the parsed arguments and returning the exit status.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

# Subcommand modules, in the order ``briefbot --help`` lists them.
SUBCOMMANDS: tuple[str, ...] = (
    "run",
    "shell",
    "subscribers",
    "push",
    "broadcast",
    "stats",
    "correct",
    "digests",
    "channels",
    "worker",
    "deadletters",
    "sandbox",
    "check",
    "preview",
    "migrate-keys",
)

Command = Callable[[argparse.Namespace], int]


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser with every subcommand registered, or just ``only`` when it names one."""
    parser = argparse.ArgumentParser(
        prog="briefbot", description="A Telegram bot that delivers a daily news digest."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in (only,) if only in SUBCOMMANDS else SUBCOMMANDS:
        importlib.import_module(f"bot.cli.{name.replace('-', '_')}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``briefbot`` console script."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    # Importing only the chosen subcommand keeps light commands (check, preview) from
    # paying for the bot's imports (telegram, aiohttp, redis): ~1 s of start-up.
    chosen = next((a for a in arguments if not a.startswith("-")), None)
    parser = build_parser(only=chosen)
    args = parser.parse_args(arguments)
    func: Command | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
