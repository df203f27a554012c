"""``briefbot worker``: a process that only sends, to add delivery capacity.

It joins the outbox's consumer group and sends until SIGINT or SIGTERM; then it finishes
the messages in flight, acknowledges them, hands every other task it held back to the
outbox for the other senders, and exits 0, all within ``SHUTDOWN_TIMEOUT_SECONDS`` (past
it, status 3).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.cli.process import run_with_runtime, stop_signals
from bot.delivery.senders.startup import own_senders
from bot.i18n import plural
from bot.logs import configure_logging
from bot.ops.server import serving_ops
from bot.runtime import Runtime


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``worker``."""
    parser = subparsers.add_parser(
        "worker", help="only send queued deliveries (add capacity), until SIGTERM"
    )
    parser.set_defaults(func=lambda _args: run_with_runtime(work, sends=True))


async def work(runtime: Runtime) -> int:
    """Send until a stop signal; returns the exit status."""
    settings = runtime.settings
    configure_logging(
        settings.log_level,
        secrets=(settings.telegram_bot_token.value,),
        log_format=settings.log_format,
    )
    stop = asyncio.Event()
    with stop_signals(stop, settings.shutdown_timeout_seconds):
        async with serving_ops(runtime, "worker"), own_senders(runtime) as pool:
            print(f"worker {pool.name} sending; stop with SIGTERM or Ctrl-C", file=sys.stderr)
            await stop.wait()
    print(f"worker {pool.name} stopped after {plural(pool.delivered, 'task')}", file=sys.stderr)
    return 0
