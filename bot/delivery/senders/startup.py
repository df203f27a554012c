"""Starting this process's senders, written once: a sender pool on its own ``Bot``, whose
connection pool matches ``SENDER_CONCURRENCY``, so a big push never starves the bot's
answers to readers.

``briefbot run`` joins it to the bot with ``sender_hooks()`` (``on_start`` / ``on_stop``
for ``build_application``), so it sends pushes too; ``briefbot worker`` and ``briefbot
push --wait`` use ``own_senders`` directly.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from bot.context import BotApplication, Hook
from bot.delivery.senders.pool import SenderPool, start_senders
from bot.runtime import Runtime
from bot.transport import build_bot


@contextlib.asynccontextmanager
async def own_senders(runtime: Runtime) -> AsyncIterator[SenderPool]:
    """A running sender pool on its own Bot; stopped (unfinished tasks left pending for
    other senders) and its Bot closed when the block ends."""
    async with build_bot(runtime.settings) as bot:
        pool = await start_senders(runtime, bot)
        try:
            yield pool
        finally:
            # Half the shutdown's time for the sends in flight: the rest is for the reads
            # to return, the hand-back, the scheduler and closing Redis and HTTP.
            await pool.stop(grace=runtime.settings.shutdown_timeout_seconds / 2)


def sender_hooks() -> tuple[Hook, Hook]:
    """``(on_start, on_stop)``: start this process's senders on the application's runtime,
    and stop them (unfinished tasks stay pending for others) before Redis is closed."""
    running = contextlib.AsyncExitStack()

    async def on_start(application: BotApplication) -> None:
        runtime = application.bot_data.services.runtime
        await running.enter_async_context(own_senders(runtime))

    async def on_stop(application: BotApplication) -> None:
        await running.aclose()

    return on_start, on_stop
