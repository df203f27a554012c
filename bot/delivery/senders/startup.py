"""The sender pool's place in the running bot: ``on_start`` / ``on_stop`` hooks for
``build_application``, so ``briefbot run`` sends pushes too (``briefbot worker`` only adds
capacity). The pool gets its own ``Bot`` whose connection pool matches
``SENDER_CONCURRENCY``, so a big push never starves the bot's answers to readers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.context import BotApplication
from bot.delivery.senders.pool import SenderPool, start_senders
from bot.transport import build_bot

Hook = Callable[[BotApplication], Awaitable[None]]


def sender_hooks() -> tuple[Hook, Hook]:
    """``(on_start, on_stop)``: start this process's senders on the application's Redis,
    and stop them (unfinished tasks stay pending for others) before Redis is closed."""
    running: list[SenderPool] = []

    async def on_start(application: BotApplication) -> None:
        services = application.bot_data.services
        settings = services.settings
        bot = build_bot(settings)
        await bot.initialize()
        try:
            running.append(await start_senders(settings, services.stores, bot))
        except BaseException:
            await bot.shutdown()
            raise

    async def on_stop(application: BotApplication) -> None:
        while running:
            pool = running.pop()
            await pool.stop()
            await pool.bot.shutdown()

    return on_start, on_stop
