"""Webhook delivery: POST each update to the bot's URL with the secret header, up to
``max_connections`` at a time, retrying each until the bot accepts it."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import deque
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Protocol

import aiohttp

from sandbox.models import JSON, now

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Seconds between delivery attempts of one update: quick at first so tests see a failure
# at once, then every two seconds. Like Telegram, an update stays pending until delivered
# or the webhook is removed.
RETRY_DELAYS = (0.05, 0.2, 0.5, 1.0, 2.0)


@dataclass(slots=True)
class Webhook:
    """The webhook the bot set, and how delivery to it last went."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None

    def info(self, pending: int, allowed: list[str] | None) -> JSON:
        """The Bot API ``WebhookInfo``."""
        data: JSON = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": pending,
            "max_connections": self.max_connections,
        }
        if self.last_error_date is not None:
            data["last_error_date"] = self.last_error_date
            data["last_error_message"] = self.last_error_message
        if allowed is not None:
            data["allowed_updates"] = allowed
        return data


class PendingUpdates(Protocol):
    """What delivery needs of the update queue (``updates.UpdateQueue``), declared here so
    that the queue may own its delivery without the two modules importing each other."""

    pending: deque[JSON]

    def wake(self) -> None: ...

    def arrival(self) -> Awaitable[bool]: ...


class WebhookDelivery:
    """Drains ``queue`` into ``webhook``; ``stop`` puts what was not delivered back."""

    def __init__(
        self, queue: PendingUpdates, webhook: Webhook, session: aiohttp.ClientSession
    ) -> None:
        self.queue = queue
        self.webhook = webhook
        self.delivered = 0
        self._session = session
        self._in_flight: dict[int, JSON] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(max(1, webhook.max_connections))
        self._main: asyncio.Task[None] | None = None

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    def start(self) -> None:
        self._main = asyncio.create_task(self._run(), name="sandbox-webhook")

    async def stop(self) -> None:
        """Stop delivering; updates not yet accepted go back to the queue, in order."""
        tasks = [task for task in (self._main, *self._tasks) if task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        undelivered = sorted(self._in_flight.values(), key=lambda u: u["update_id"])
        self._in_flight.clear()
        self.queue.pending.extendleft(reversed(undelivered))

    async def _run(self) -> None:
        queue = self.queue
        while True:
            if not queue.pending:
                await queue.arrival()
                continue
            await self._slots.acquire()
            if not queue.pending:  # a getUpdates-free queue may be dropped meanwhile
                self._slots.release()
                continue
            update = queue.pending.popleft()
            self._in_flight[update["update_id"]] = update
            task = asyncio.create_task(self._deliver(update))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _deliver(self, update: JSON) -> None:
        """POST one update until the webhook answers 2xx."""
        webhook = self.webhook
        headers = {SECRET_HEADER: webhook.secret_token} if webhook.secret_token else {}
        try:
            for attempt in itertools.count():
                try:
                    async with self._session.post(
                        webhook.url, json=update, headers=headers
                    ) as response:
                        if 200 <= response.status < 300:
                            self.delivered += 1
                            del self._in_flight[update["update_id"]]
                            self.queue.wake()  # for whoever waits for the queue to drain
                            return
                        error = (
                            f"Wrong response from the webhook: {response.status} {response.reason}"
                        )
                except (aiohttp.ClientError, TimeoutError) as exc:
                    error = f"Connection failed: {exc.__class__.__name__}"
                webhook.last_error_date = now()
                webhook.last_error_message = error
                logger.info("webhook delivery of update %s failed: %s", update["update_id"], error)
                await asyncio.sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)])
        finally:
            self._slots.release()
