"""The scheduler's place in the running bot: ``on_start`` / ``on_stop`` hooks for
``build_application``, so ``briefbot run`` polls digests and plans pushes."""

from __future__ import annotations

from bot.context import BotApplication, Hook
from bot.scheduler.jobs import Scheduling, build_scheduling


def scheduling_hooks() -> tuple[Hook, Hook]:
    """``(on_start, on_stop)``: start the lease, poll and tick jobs on the application's
    runtime (its stores, rules and clock), and stop them before Redis is closed."""
    running: list[Scheduling] = []

    async def on_start(application: BotApplication) -> None:
        scheduling = build_scheduling(application.bot_data.services.runtime, application.bot)
        scheduling.start()
        running.append(scheduling)

    async def on_stop(application: BotApplication) -> None:
        while running:
            await running.pop().stop()

    return on_start, on_stop
