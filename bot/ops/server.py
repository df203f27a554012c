"""The ops endpoint: ``GET /healthz`` and ``GET /metrics`` on ``OPS_LISTEN:OPS_PORT``.

``briefbot run`` starts it with the bot (``ops_hooks``), ``briefbot worker`` around its
senders (``serving_ops``); ``OPS_PORT=0`` turns it off. In webhook mode with ``OPS_PORT``
equal to ``WEBHOOK_PORT`` (both default to 8080) the two share the webhook's server: its
routes are added there (``add_ops_routes``) instead of a second server on the same port.
A port that cannot be bound is logged as an error and the process runs on without it
(the container's HEALTHCHECK then says so).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.context import BotApplication, Hook
from bot.ops import metrics
from bot.ops.health import PING_LIMIT_SECONDS, health
from bot.runtime import Runtime
from bot.settings import Settings
from bot.store.errors import StoreUnavailable
from bot.store.ops_readings import OpsReadings

logger = logging.getLogger(__name__)
# Counting subscribers by status reads every record: at most once a minute per process.
SUBSCRIBER_COUNT_SECONDS = 60.0


class OpsEndpoint:
    """The two routes of one process over its runtime."""

    def __init__(self, runtime: Runtime, process: str) -> None:
        self.runtime = runtime
        self.process = process
        self._readings = OpsReadings(runtime.connection.client, runtime.connection.keys)
        self._counted_at = 0.0

    async def healthz(self, _request: web.Request) -> web.Response:
        status, body = await health(self.runtime, self.process)
        return web.json_response(body, status=status)

    async def metrics(self, _request: web.Request) -> web.Response:
        await self._read_shared_state()
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _read_shared_state(self) -> None:
        """Set the gauges of what every process sees alike from Redis; with Redis away,
        ``briefbot_redis_up`` 0 and the other gauges as last read."""
        now = time.time()
        try:
            metrics.REDIS_PING.set(await self._readings.ping_seconds(PING_LIMIT_SECONDS))
            depth, dead = await self._readings.stream_lengths()
            metrics.OUTBOX_DEPTH.set(depth)
            metrics.DEAD_LETTERS.set(dead)
            metrics.OUTBOX_PENDING.set(await self.runtime.stores.outbox.pending())
            metrics.OUTBOX_OLDEST.set(await self._readings.outbox_oldest_seconds(now) or 0)
            latest = await self._readings.latest_digest()
            if latest is not None:
                metrics.DIGEST_AGE.set(max(0.0, now - latest.saved_at))
            if now - self._counted_at >= SUBSCRIBER_COUNT_SECONDS:
                counts = await self.runtime.stores.subscribers.count_by_status()
                for status, count in counts.items():
                    metrics.SUBSCRIBERS.labels(status=status).set(count)
                self._counted_at = now
        except StoreUnavailable as error:
            logger.warning("metrics: Redis unavailable (%s)", error)
            metrics.REDIS_UP.set(0)
            return
        metrics.REDIS_UP.set(1)


def add_ops_routes(app: web.Application, endpoint: OpsEndpoint) -> None:
    """``/healthz`` and ``/metrics`` on ``app``."""
    app.router.add_get("/healthz", endpoint.healthz)
    app.router.add_get("/metrics", endpoint.metrics)


def shares_webhook_server(settings: Settings) -> bool:
    """Whether the ops routes go on the webhook's server (same port, webhook mode)."""
    return settings.webhook_url is not None and settings.ops_port == settings.webhook_port


@contextlib.asynccontextmanager
async def serving_ops(runtime: Runtime, process: str) -> AsyncIterator[None]:
    """The ops endpoint of ``process`` for the length of the block (none with
    ``OPS_PORT=0``, or when the port cannot be bound)."""
    settings = runtime.settings
    if settings.ops_port == 0:
        yield
        return
    app = web.Application()
    add_ops_routes(app, OpsEndpoint(runtime, process))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, settings.ops_listen, settings.ops_port).start()
        except OSError as error:
            logger.error(
                "ops endpoint off: cannot listen on %s:%s (%s); set OPS_PORT (0 turns it off)",
                settings.ops_listen,
                settings.ops_port,
                error.strerror or error,
            )
        else:
            logger.info(
                "ops endpoint on http://%s:%s/healthz and /metrics",
                settings.ops_listen,
                settings.ops_port,
            )
        yield
    finally:
        await runner.cleanup()


def ops_hooks() -> tuple[Hook, Hook]:
    """``(on_start, on_stop)`` for ``build_application``: the endpoint of ``briefbot run``
    (unless it shares the webhook's server)."""
    running = contextlib.AsyncExitStack()

    async def on_start(application: BotApplication) -> None:
        runtime = application.bot_data.services.runtime
        if not shares_webhook_server(runtime.settings):
            await running.enter_async_context(serving_ops(runtime, "run"))

    async def on_stop(_application: BotApplication) -> None:
        await running.aclose()

    return on_start, on_stop
