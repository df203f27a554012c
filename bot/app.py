"""``build_application``: the one function that builds the whole bot from settings.

Nothing connects at build time. ``post_init`` opens the runtime (``bot.runtime``: Redis,
every store, the category rules, the clock), builds the services on it, attaches them to
``bot_data``, loads ``DIGEST_DIR`` into the archive, publishes
the command menu and then runs the ``on_start`` hooks; ``post_shutdown`` runs the
``on_stop`` hooks and closes Redis.

Hooks are how other parts of briefbot join the running bot (digest polling, push ticks,
the delivery engine): each is ``async def hook(application) -> None`` and reaches the
runtime as ``application.bot_data.services.runtime``. Hooks run in order; a
task a hook starts must be kept (e.g. in a list the matching ``on_stop`` hook cancels).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from typing import cast

from telegram.error import TelegramError
from telegram.ext import ApplicationBuilder, ContextTypes

from bot.context import BotApplication, BotData, Hook
from bot.corrections.service import CorrectionService
from bot.reader_throttle import ReaderThrottle
from bot.runtime import Runtime, open_runtime
from bot.services.admins import AdminProfiles
from bot.services.audit import AuditTrail
from bot.services.broadcasts import BroadcastService
from bot.services.channels import ChannelAdmin
from bot.services.container import BotServices
from bot.services.digests_admin import DigestAdmin
from bot.services.push_now import PushNowService
from bot.services.reading import ReadingService
from bot.services.search import SearchService
from bot.services.stats import StatsService
from bot.services.subscriptions import SubscriptionService
from bot.settings import Settings
from bot.sources.folder import store_folder
from bot.store.clock import Clock, utc_now
from bot.transport import AiohttpRequest
from handlers import AREAS, register_all
from handlers.declarations import Area

logger = logging.getLogger(__name__)

# Updates handled at once: readers do not wait for each other, and each handler is a few
# Redis calls plus one Bot API request.
CONCURRENT_UPDATES = 64
# Bot API requests in flight at once from handlers (answers to readers).
ANSWER_POOL_SIZE = 64


def build_application(
    settings: Settings,
    *,
    clock: Clock = utc_now,
    throttle: ReaderThrottle | None = None,
    on_start: Sequence[Hook] = (),
    on_stop: Sequence[Hook] = (),
    areas: Sequence[Area] = AREAS,
) -> BotApplication:
    """The bot, ready to ``initialize``/``start`` (or ``run_polling``); nothing connects
    until then. ``areas`` are the declared commands and buttons (tests add their own)."""
    base_url = settings.telegram_api_base_url
    file_url = base_url[: -len("bot")] + "file/bot" if base_url.endswith("/bot") else base_url

    async def post_init(application: BotApplication) -> None:
        limiter = throttle if throttle is not None else ReaderThrottle()
        services = await open_services(settings, clock, limiter)
        application.bot_data.attach(services)
        await load_digest_folder(services.runtime)
        try:
            await application.bot_data.commands.publish(application.bot)
        except TelegramError as error:
            # The menu is a convenience; the bot works without it and retries next start.
            logger.warning("could not publish the command menu: %s", error)
        for hook in on_start:
            await hook(application)

    async def post_shutdown(application: BotApplication) -> None:
        for hook in on_stop:
            await hook(application)
        services = application.bot_data.detach()
        if services is not None:
            await services.runtime.close()

    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.value)
        .base_url(base_url)
        .base_file_url(file_url)
        .request(AiohttpRequest(connection_pool_size=ANSWER_POOL_SIZE))
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        .context_types(ContextTypes(bot_data=BotData))
        .concurrent_updates(CONCURRENT_UPDATES)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    # The builder's JobQueue type parameter ignores context_types; the objects are right.
    application = cast(BotApplication, builder.build())
    register_all(application, settings.admin_ids, areas)
    return application


async def open_services(settings: Settings, clock: Clock, throttle: ReaderThrottle) -> BotServices:
    """Open the runtime and build every service on it."""
    runtime = await open_runtime(settings, clock)
    try:
        return _services(runtime, throttle)
    except BaseException:
        await runtime.close()
        raise


def _services(runtime: Runtime, throttle: ReaderThrottle) -> BotServices:
    stores, settings = runtime.stores, runtime.settings
    reading = ReadingService(
        archive=stores.digests,
        reads=stores.reads,
        subscribers=stores.subscribers,
        rules=runtime.rules,
        timezone=settings.bot_timezone,
        clock=runtime.clock,
        cache=runtime.digest_cache,
    )
    subscriptions = SubscriptionService(
        stores.subscribers, reading.known_categories, clock=runtime.clock
    )
    search = SearchService(stores.digests, stores.subscribers)
    audit = AuditTrail(stores.audit)
    broadcasts = BroadcastService(stores, runtime.rules, audit)
    stats, push_now = StatsService(stores), PushNowService(stores, audit)
    admins = AdminProfiles(stores.admin_languages, subscriptions)
    corrections = CorrectionService(stores, runtime.rules, audit)
    return BotServices(
        runtime, reading, subscriptions, search, throttle, audit, broadcasts, stats, push_now,
        admins, corrections, DigestAdmin(stores, audit),
        ChannelAdmin(stores, audit, settings.default_push_time, settings.bot_timezone.key),
    )  # fmt: skip


async def load_digest_folder(runtime: Runtime) -> None:
    """Store every valid digest of ``DIGEST_DIR`` once at start, so the bot has something
    to show before the digest poller's first round; invalid files are logged, not fatal.
    With ``DIGEST_URL`` set the folder is not the source, so nothing is loaded from it."""
    settings = runtime.settings
    if settings.digest_url is not None:
        return
    for found in await store_folder(settings.digest_dir, runtime.rules, runtime.stores.digests):
        logger.warning("digest %s refused: %s", found.origin, "; ".join(found.problems))


@contextlib.asynccontextmanager
async def polling(
    application: BotApplication,
    *,
    poll_seconds: float = 10.0,
    allowed_updates: Sequence[str] | None = None,
) -> AsyncIterator[BotApplication]:
    """Run ``application`` with long polling inside the current event loop (``briefbot
    run``, tests, ``briefbot shell``, benchmarks): what ``run_polling`` does, without owning
    the loop or the signals. ``post_init`` and ``post_shutdown`` run as they do there."""
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        updater = application.updater
        assert updater is not None  # ApplicationBuilder always makes one
        await updater.start_polling(
            timeout=timedelta(seconds=poll_seconds),
            poll_interval=0,
            allowed_updates=allowed_updates,
        )
        await application.start()
        try:
            yield application
        finally:
            await updater.stop()
            await application.stop()
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
