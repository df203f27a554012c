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
        default=None,
        help="your interface language, applied even over one stored earlier (a newcomer "
        "gets zh without it)",
    )
    parser.add_argument(
        "--user",
        type=_user_id,
        default=None,
        metavar="ID",
        help="the Telegram user id you chat as (default: 10001); put it in ADMIN_IDS to "
        "try the admin commands",
    )
    parser.set_defaults(func=shell_command)


def _user_id(text: str) -> int:
    """A positive user id, or argparse's usage error."""
    if not text.isascii() or not text.isdigit() or not 0 < int(text) < 2**52:
        raise argparse.ArgumentTypeError(f"{text!r} is not a Telegram user id (a positive number)")
    return int(text)


def shell_command(args: argparse.Namespace) -> int:
    """Run the shell until /quit, Ctrl-C, Ctrl-D or the end of input."""
    # bot.shell holds the sandbox; importing it here keeps it out of every other command.
    from bot.shell import READER_ID, ShellOptions, run_shell
    from bot.shell_lines import LineSource, PipedLines, PromptLines

    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"briefbot: invalid settings:\n{error}", file=sys.stderr)
        return 2
    # Only problems reach the terminal; the conversation is the output.
    configure_logging("WARNING")
    at_terminal = sys.stdin.isatty() and sys.stdout.isatty()
    lines: LineSource = PromptLines() if at_terminal else PipedLines()
    options = ShellOptions(args.lang, args.user or READER_ID, color=sys.stdout.isatty())
    try:
        return asyncio.run(run_shell(settings, lines, sys.stdout, options))
    except KeyboardInterrupt:
        # Ctrl-C while the bot was answering: leave as quietly as from the prompt.
        print(file=sys.stderr)
        return 0
    except (StoreUnavailable, EmbeddedRedisError, CategoryRulesError) as error:
        print(f"briefbot: {error}", file=sys.stderr)
        return 1
