"""``briefbot run``: the bot, by long polling, or as a webhook server when ``WEBHOOK_URL``
is set. SIGINT and SIGTERM stop it cleanly (updates in hand are finished, Redis closed)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from telegram import Update

from bot.app import build_application
from bot.context import BotApplication
from bot.delivery.senders.startup import sender_hooks
from bot.digest.categories import CategoryRulesError
from bot.logs import configure_logging
from bot.scheduler.hooks import scheduling_hooks
from bot.settings import Settings, SettingsError, load_settings
from bot.store.embedded import EmbeddedRedisError
from bot.store.errors import StoreUnavailable
from bot.token_check import rejected_token
from bot.webhook_server import serve_webhook

NO_TOKEN = (
    "briefbot: TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather in Telegram "
    "(/newbot), put its token in TELEGRAM_BOT_TOKEN (or .env), and run again; "
    "to try the bot without a token, run `briefbot shell`."
)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``run``."""
    parser = subparsers.add_parser(
        "run", help="run the bot (long polling; a webhook server when WEBHOOK_URL is set)"
    )
    parser.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    """Load settings, then run until stopped; expected failures are one line on stderr."""
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"briefbot: invalid settings:\n{error}", file=sys.stderr)
        return 2
    if not settings.telegram_bot_token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    configure_logging(
        settings.log_level,
        (settings.telegram_bot_token.value, settings.webhook_secret.value),
        log_format=settings.log_format,
    )
    rejected = asyncio.run(rejected_token(settings))
    if rejected is not None:
        print(rejected, file=sys.stderr)
        return 2
    try:
        if settings.webhook_url is not None:
            asyncio.run(_webhook(settings))
        else:
            build_bot_process(settings).run_polling(
                allowed_updates=Update.ALL_TYPES, stop_signals=STOP_SIGNALS
            )
    except (StoreUnavailable, EmbeddedRedisError, CategoryRulesError) as error:
        print(f"briefbot: {error}", file=sys.stderr)
        return 1
    return 0


async def _webhook(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in STOP_SIGNALS:
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(signum, stop.set)
    await serve_webhook(build_bot_process(settings), settings, stop)


def build_bot_process(settings: Settings) -> BotApplication:
    """The bot with the morning push: this process's senders, and the digest poller and
    scheduler (which act only while this process holds the scheduler lease). The scheduler
    stops before the senders, and both before Redis closes."""
    start_senders, stop_senders = sender_hooks()
    start_scheduling, stop_scheduling = scheduling_hooks()
    return build_application(
        settings,
        on_start=[start_senders, start_scheduling],
        on_stop=[stop_scheduling, stop_senders],
    )
