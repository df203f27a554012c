"""``briefbot shell``: the sandbox, the real bot and Redis in one process, and a prompt
where you chat with the bot as a reader (see ``bot/shell.py``)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.digest.categories import CategoryRulesError
from bot.logs import configure_logging
from bot.settings import SettingsError, load_settings
from bot.store.embedded import EmbeddedRedisError
from bot.store.errors import StoreUnavailable


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``shell``."""
    parser = subparsers.add_parser(
        "shell", help="chat with the bot in this terminal (local sandbox, no token needed)"
    )
    parser.add_argument(
        "--lang",
        choices=("zh", "en"),
        default="zh",
        help="the language your pretend Telegram app uses (default: zh)",
    )
    parser.set_defaults(func=shell_command)


def shell_command(args: argparse.Namespace) -> int:
    """Run the shell until /quit or the end of input."""
    # bot.shell holds the sandbox; importing it here keeps it out of every other command.
    from bot.shell import run_shell, stdin_line

    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"briefbot: invalid settings:\n{error}", file=sys.stderr)
        return 2
    # Only problems reach the terminal; the conversation is the output.
    configure_logging("WARNING")
    try:
        return asyncio.run(
            run_shell(
                settings, stdin_line, sys.stdout, language=args.lang, color=sys.stdout.isatty()
            )
        )
    except (StoreUnavailable, EmbeddedRedisError, CategoryRulesError) as error:
        print(f"briefbot: {error}", file=sys.stderr)
        return 1
