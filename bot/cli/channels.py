"""``briefbot channels list|add|remove``: the channels and groups the digest is posted to,
as ``/channels`` manages them in Telegram. ``add`` asks Telegram (the bot's token) whether
the bot may post there first; ``remove`` takes effect at once (the operator typed the
name). Audited as ``cli:<login>``."""

from __future__ import annotations

import argparse
import sys

from bot.cli.process import run_with_runtime
from bot.runtime import Runtime
from bot.services.audit import AuditTrail, cli_actor
from bot.services.channels import ChannelAdmin, parse_add, parse_ref
from bot.services.channels_text import added_text, channels_text
from bot.services.refusal import Refused
from bot.transport import build_bot

CLI_LANGUAGE = "en"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``channels`` with ``list``, ``add`` and ``remove``."""
    parser = subparsers.add_parser("channels", help="channels and groups the digest is posted to")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="the connected channels, their time, format, last post")
    add = actions.add_parser("add", help="connect a channel or group where the bot may post")
    add.add_argument("chat", help="@username, or the chat id of a private channel or group")
    add.add_argument("settings", nargs="*", help="HH:MM, compact|full, zh|en (any order)")
    remove = actions.add_parser("remove", help="disconnect a channel")
    remove.add_argument("chat", help="@username or chat id")
    parser.set_defaults(
        func=lambda args: run_with_runtime(
            lambda runtime: channels(runtime, args), sends=args.action == "add"
        )
    )


async def channels(runtime: Runtime, args: argparse.Namespace) -> int:
    """List, add or remove; the exit status (1: refused, 2: bad arguments)."""
    settings = runtime.settings
    admin = ChannelAdmin(runtime.stores, AuditTrail(runtime.stores.audit),
                         settings.default_push_time, settings.bot_timezone.key)  # fmt: skip
    if args.action == "list":
        print(channels_text(await admin.list(), CLI_LANGUAGE))
        return 0
    try:
        if args.action == "add":
            request = parse_add([args.chat, *args.settings])
            if request is None:
                print("briefbot: expected @name or a chat id, then HH:MM, compact|full, "
                      "zh|en", file=sys.stderr)  # fmt: skip
                return 2
            async with build_bot(settings, connection_pool_size=1) as bot:
                channel = await admin.add(cli_actor(), bot, request, lang=CLI_LANGUAGE)
            print(added_text(channel, CLI_LANGUAGE))
            return 0
        ref = parse_ref(args.chat)
        if ref is None:
            print(f"briefbot: {args.chat!r} is not @name or a chat id", file=sys.stderr)
            return 2
        removed = await admin.remove(cli_actor(), ref, lang=CLI_LANGUAGE)
    except Refused as refused:
        print(f"briefbot: {refused.message}", file=sys.stderr)
        return 1
    print(f"disconnected {removed.name}: the digest is no longer posted there")
    return 0
