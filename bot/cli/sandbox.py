"""``briefbot sandbox``: run the sandbox Bot API server on its own, until Ctrl-C / SIGTERM."""

from __future__ import annotations

import argparse
import asyncio

from bot.cli.process import stop_signals, tune_garbage_collector
from bot.logs import configure_logging


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``sandbox``."""
    parser = subparsers.add_parser(
        "sandbox",
        help="run the sandbox Bot API server (a local stand-in for Telegram, with a control API)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=int,
        default=8081,
        help="port to listen on; 0 picks a free one (default: 8081)",
    )
    parser.set_defaults(func=sandbox_command)


def sandbox_command(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    configure_logging("INFO")
    try:
        asyncio.run(serve(args.host, args.port))
    except OSError as error:
        print(f"briefbot: cannot listen on {args.host}:{args.port}: {error.strerror or error}")
        return 1
    return 0


async def serve(host: str, port: int) -> None:
    """Start the sandbox, print where it listens, and wait for SIGINT / SIGTERM."""
    # Imported here so that registering this command (``briefbot --help``) does not load it.
    from sandbox import EXAMPLE_TOKEN, Sandbox

    stop = asyncio.Event()
    sandbox = Sandbox()
    await sandbox.start(host, port)
    # It keeps every message it accepted: without this, each full collection walks them
    # all, and it shares the machine with the bot it measures.
    tune_garbage_collector()
    try:
        print(f"Bot API base URL:  {sandbox.bot_api_base_url}", flush=True)
        print(f"Control API:       {sandbox.control_url}   (see docs/sandbox.md)", flush=True)
        print(f"Example token:     {EXAMPLE_TOKEN}", flush=True)
        print(
            f"Point the bot at it: TELEGRAM_API_BASE_URL={sandbox.bot_api_base_url} "
            f"TELEGRAM_BOT_TOKEN={EXAMPLE_TOKEN}",
            flush=True,
        )
        print("Ctrl-C stops it.", flush=True)
        with stop_signals(stop):
            await stop.wait()
    finally:
        await sandbox.stop()
