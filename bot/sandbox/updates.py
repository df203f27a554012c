"""The bot's update queue: long polling with getUpdates, or delivery to a webhook."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import deque
from dataclasses import dataclass, field

import aiohttp

from bot.sandbox.models import JSON, now

logger = logging.getLogger(__name__)

# Telegram's default: every update type except these three, which must be asked for.
DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Seconds between webhook delivery attempts of one update: quick at first so tests see a
# failure at once, then every two seconds. Like Telegram, an update stays pending (and
# blocks the ones after it) until delivered or the webhook is removed.
WEBHOOK_RETRY_DELAYS = (0.05, 0.2, 0.5, 1.0, 2.0)


class PollConflict(Exception):
    """A newer getUpdates took over from a waiting one."""


@dataclass(slots=True)
class Webhook:
    """The webhook the bot set, and how delivery to it last went."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None

    def info(self, pending: int, allowed: list[str] | None) -> JSON:
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


@dataclass
class UpdateQueue:
    """Pending updates in order; getUpdates confirms them by offset, a webhook drains them."""

    pending: deque[JSON] = field(default_factory=deque)
    next_update_id: int = 1
    allowed_updates: list[str] | None = None
    webhook: Webhook | None = None
    delivered: int = 0
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _polls: int = 0  # getUpdates calls so far: a waiting poll that is not the latest lost
    _delivery: asyncio.Task[None] | None = None
    _session: aiohttp.ClientSession | None = None

    def allows(self, kind: str) -> bool:
        if self.allowed_updates is None or not self.allowed_updates:
            return kind not in DEFAULT_EXCLUDED
        return kind in self.allowed_updates

    def push(self, kind: str, payload: JSON) -> JSON | None:
        """Queue an update of ``kind`` (e.g. "message") unless the bot did not ask for it."""
        if not self.allows(kind):
            return None
        update: JSON = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        self.pending.append(update)
        self.wake()
        return update

    def confirm(self, offset: int) -> None:
        """Forget updates below ``offset`` (a negative offset keeps the last ``-offset``)."""
        if offset < 0:
            while len(self.pending) > -offset:
                self.pending.popleft()
            return
        while self.pending and self.pending[0]["update_id"] < offset:
            self.pending.popleft()

    async def fetch(self, offset: int | None, limit: int, seconds: float) -> list[JSON]:
        """getUpdates: confirm up to ``offset``, then wait up to ``seconds`` for updates.

        A poll still waiting when another getUpdates arrives raises ``PollConflict``, as
        Telegram answers two bot instances polling at once.
        """
        self._polls += 1
        mine = self._polls
        self.wake()  # pre-empts a poll still waiting
        if offset is not None:
            self.confirm(offset)
        if not self.pending and seconds > 0:
            try:
                await asyncio.wait_for(self._arrived.wait(), seconds)
            except TimeoutError:
                return []
            if self._polls != mine:
                raise PollConflict
        return [u for u, _ in zip(self.pending, range(limit), strict=False)]

    def wake(self) -> None:
        """Answer every waiting getUpdates now (the server is stopping)."""
        self._arrived.set()
        self._arrived = asyncio.Event()

    def drop_pending(self) -> None:
        self.pending.clear()

    async def set_webhook(self, webhook: Webhook, session: aiohttp.ClientSession) -> None:
        """Deliver pending and future updates to ``webhook`` (instead of any earlier one)."""
        await self.stop()
        self.webhook = webhook
        self._session = session
        self._delivery = asyncio.create_task(self._deliver_forever(), name="sandbox-webhook")

    async def delete_webhook(self) -> None:
        self.webhook = None
        await self.stop()

    async def stop(self) -> None:
        task, self._delivery = self._delivery, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _deliver_forever(self) -> None:
        while self.webhook is not None:
            if not self.pending:
                await self._arrived.wait()
                continue
            update = self.pending[0]
            await self._deliver(self.webhook, update)
            if self.pending and self.pending[0] is update:
                self.pending.popleft()

    async def _deliver(self, webhook: Webhook, update: JSON) -> None:
        """POST one update until the webhook accepts it with a 2xx (cancelled when the
        webhook is deleted or changed)."""
        assert self._session is not None
        headers = {SECRET_HEADER: webhook.secret_token} if webhook.secret_token else {}
        for attempt in itertools.count():
            try:
                async with self._session.post(webhook.url, json=update, headers=headers) as resp:
                    if 200 <= resp.status < 300:
                        self.delivered += 1
                        return
                    error = f"Wrong response from the webhook: {resp.status} {resp.reason}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = f"Connection failed: {exc.__class__.__name__}"
            webhook.last_error_date = now()
            webhook.last_error_message = error
            logger.info("webhook delivery of update %s failed: %s", update["update_id"], error)
            await asyncio.sleep(WEBHOOK_RETRY_DELAYS[min(attempt, len(WEBHOOK_RETRY_DELAYS) - 1)])
