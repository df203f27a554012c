"""The scheduler's place in the running bot: ``on_start`` / ``on_stop`` hooks for
``build_application``, so ``briefbot run`` polls digests and plans pushes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.context import BotApplication
from bot.delivery.queue.outbox import Outbox
from bot.delivery.senders.alerts import AdminAlerts
from bot.digest.categories import CategoryRules
from bot.scheduler.jobs import Scheduling, build_scheduling

Hook = Callable[[BotApplication], Awaitable[None]]


def scheduling_hooks() -> tuple[Hook, Hook]:
    """``(on_start, on_stop)``: start the lease, poll and tick jobs on the application's
    services (its Redis, archive and clock), and stop them before Redis is closed."""
    running: list[Scheduling] = []

    async def on_start(application: BotApplication) -> None:
        services = application.bot_data.services
        settings, stores = services.settings, services.stores
        scheduling = build_scheduling(
            settings,
            stores,
            Outbox.of(stores),
            AdminAlerts(stores.alert_claims, application.bot, settings.admin_ids),
            CategoryRules.from_settings(settings),
            services.clock,
        )
        scheduling.start()
        running.append(scheduling)

    async def on_stop(application: BotApplication) -> None:
        while running:
            await running.pop().stop()

    return on_start, on_stop
