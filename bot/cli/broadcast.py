"""``briefbot broadcast (--text TEXT | --file FILE) [--lang zh|en] [--category NAME]
[--yes] [--wait]``: an operator's broadcast from the server.

TEXT is Telegram HTML as the digest's messages use (``<b>``, ``<a href="...">``); it is
checked with Telegram's rules first, and refused (exit 1, nothing stored or sent) when
Telegram would refuse it. Without ``--yes`` it only shows what readers will see and how
many; with ``--yes`` it enqueues the broadcast for the senders (every running bot or
worker); ``--wait`` also sends from this process and draws the progress until done.
Each step is in the audit log as ``cli:<login>``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.process import run_with_runtime
from bot.cli.watch import send_and_watch
from bot.delivery.queue.outbox import Outbox
from bot.i18n import plural
from bot.logs import configure_logging
from bot.runtime import Runtime
from bot.services.audit import AuditTrail, cli_actor
from bot.services.broadcasts import BroadcastService
from bot.services.refusal import Refused
from bot.store.broadcasts import broadcast_batch
from bot.store.subscriber import LANGUAGES

CLI_LANGUAGE = "en"  # operators read the command line's messages in English


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``broadcast``."""
    parser = subparsers.add_parser("broadcast", help="send a message to every active reader")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--text", help="the message, as Telegram HTML (<b>, <a href>)")
    source.add_argument("--file", type=Path, help="a UTF-8 file holding the message's HTML")
    parser.add_argument("--lang", choices=LANGUAGES, help="only readers using this language")
    parser.add_argument("--category", help="only readers who receive this category")
    parser.add_argument("--yes", action="store_true", help="send it (without: only a preview)")
    parser.add_argument(
        "--wait", action="store_true", help="send from this process too and wait until done"
    )
    parser.set_defaults(
        func=lambda args: run_with_runtime(lambda r: broadcast(r, args), sends=args.wait)
    )


def _text(args: argparse.Namespace) -> str | None:
    if args.text is not None:
        return str(args.text)
    try:
        return Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"briefbot: cannot read {args.file}: {error}", file=sys.stderr)
        return None


async def broadcast(runtime: Runtime, args: argparse.Namespace) -> int:
    """Preview, or enqueue (and with ``--wait`` send) one broadcast; the exit status."""
    settings = runtime.settings
    configure_logging(
        "WARNING", secrets=(settings.telegram_bot_token.value,), log_format=settings.log_format
    )
    text = _text(args)
    if text is None:
        return 2
    service = BroadcastService(runtime.stores, runtime.rules, AuditTrail(runtime.stores.audit))
    who, audience_lang, category = cli_actor(), args.lang or "", args.category or ""
    try:
        preview = await service.check(
            who, text, lang=CLI_LANGUAGE, audience_lang=audience_lang, category=category
        )
    except Refused as refused:
        print(f"briefbot: {refused.message}", file=sys.stderr)
        return 1
    print(preview.plain)
    print(f"\n-> {plural(preview.audience, 'reader')}", file=sys.stderr)
    if not args.yes:
        print("not sent: run again with --yes to send it", file=sys.stderr)
        return 0
    draft = await service.prepare(
        who, text, lang=CLI_LANGUAGE, audience_lang=audience_lang, category=category
    )
    count = await service.send(who, draft.broadcast_id, lang=CLI_LANGUAGE)
    batch = broadcast_batch(draft.broadcast_id)
    print(f"enqueued broadcast {draft.broadcast_id} for {plural(count, 'reader')}", file=sys.stderr)
    if not args.wait or count == 0:
        return 0
    return await send_and_watch(runtime, Outbox.of(runtime.stores), batch)
