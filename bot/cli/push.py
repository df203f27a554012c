"""``briefbot push [DATE] [--now] [--wait]``: push a day's digest from the command line.

It first stores the valid digests of ``DIGEST_DIR`` (as the bot does at start; not when
``DIGEST_URL`` is the source), then enqueues the push for every active subscriber who has
not got that digest yet (the ledger): with ``--now`` all of them, otherwise those whose own
push time that day has come. With ``--wait`` this process sends too, next to any running
bot or worker, shows the progress and exits 0 with a summary once every task of the push
is handled.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from datetime import UTC, datetime
from datetime import date as Date
from pathlib import PurePath

from bot.cli.process import run_with_runtime
from bot.cli.watch import send_and_watch
from bot.delivery.kinds.push import enqueue_push_for_active
from bot.delivery.queue.outbox import Outbox
from bot.i18n import plural
from bot.logs import configure_logging
from bot.runtime import Runtime
from bot.sources.folder import store_folder


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``push``."""
    parser = subparsers.add_parser("push", help="push a day's digest to its subscribers now")
    parser.add_argument(
        "date", nargs="?", help="digest date YYYY-MM-DD (default: today in BOT_TIMEZONE)"
    )
    parser.add_argument(
        "--now", action="store_true", help="everyone active, ignoring their own push times"
    )
    parser.add_argument(
        "--wait", action="store_true", help="send from this process too and wait until done"
    )
    parser.set_defaults(
        func=lambda args: run_with_runtime(lambda r: push(r, args), sends=args.wait)
    )


async def push(runtime: Runtime, args: argparse.Namespace) -> int:
    """Enqueue (and with ``--wait`` send) one push; returns the exit status."""
    settings = runtime.settings
    # The progress line is the output; log lines only for what goes wrong.
    configure_logging(
        "WARNING", secrets=(settings.telegram_bot_token.value,), log_format=settings.log_format
    )
    date = await _resolve_date(runtime, args.date)
    if date is None:
        return 1
    outbox = Outbox.of(runtime.stores)
    push_id = f"manual-{date}-{uuid.uuid4().hex[:8]}"
    due_by = None if args.now else datetime.now(UTC)
    count = await enqueue_push_for_active(outbox, runtime.stores, date, push_id, due_by)
    print(
        f"enqueued {plural(count, 'delivery', 'deliveries')} of {date} (push {push_id})",
        file=sys.stderr,
    )
    if not args.wait or count == 0:
        return 0
    return await send_and_watch(runtime, outbox, push_id)


async def _resolve_date(runtime: Runtime, given: str | None) -> str | None:
    """The digest date to push, or None after printing why there is none."""
    settings, archive = runtime.settings, runtime.stores.digests
    problems = await _store_folder(runtime)
    if given is None:
        date = datetime.now(settings.bot_timezone).date().isoformat()
    else:
        try:
            date = Date.fromisoformat(given).isoformat()
        except ValueError:
            print(f"briefbot: {given!r} is not a date like 2025-07-21", file=sys.stderr)
            return None
    if await archive.load(date) is not None:
        return date
    for problem in problems.get(date, ()):
        print(problem, file=sys.stderr)
    latest = await archive.latest()
    hint = f"; the latest stored is {latest.date}: briefbot push {latest.date}" if latest else ""
    reason = "is invalid (see above)" if date in problems else "is not stored"
    print(f"briefbot: the digest of {date} {reason}{hint}", file=sys.stderr)
    return None


async def _store_folder(runtime: Runtime) -> dict[str, list[str]]:
    """Store every valid digest of DIGEST_DIR; the problems of invalid ones by file name
    without ``.md`` (the date, for files named ``YYYY-MM-DD.md``). With ``DIGEST_URL`` set
    the folder is not the source (as for the bot), so nothing is stored from it."""
    problems: dict[str, list[str]] = {}
    settings = runtime.settings
    if settings.digest_url is not None or not settings.digest_dir.is_dir():
        return problems
    for found in await store_folder(settings.digest_dir, runtime.rules, runtime.stores.digests):
        problems.setdefault(PurePath(found.origin).stem, []).extend(found.problems)
    return problems
