"""The bot's update queue: long polling with getUpdates, or delivery to a webhook."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Coroutine
from dataclasses import dataclass, field

import aiohttp

from sandbox.models import JSON
from sandbox.webhook_delivery import Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

# Telegram's default: every update type except these three, which must be asked for.
DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class PollConflict(Exception):
    """A newer getUpdates took over from a waiting one."""


@dataclass
class UpdateQueue:
    """Pending updates in order; getUpdates confirms them by offset, a webhook drains them."""

    pending: deque[JSON] = field(default_factory=deque)
    next_update_id: int = 1
    allowed_updates: list[str] | None = None
    delivery: WebhookDelivery | None = None
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _polls: int = 0  # getUpdates calls so far: a waiting poll that is not the latest lost

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

    def arrival(self) -> Coroutine[object, object, bool]:
        """What returns when an update arrives (or a poll or the server's stop wakes
        everyone); the event is taken now, not when a task awaiting it starts (see
        ``Chat.wait_for_change``)."""
        return self._arrived.wait()

    async def drained(self, seconds: float) -> bool:
        """Wait up to ``seconds`` until every update reached the bot; whether they did."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while self.undelivered:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrival(), remaining)
        return True

    def drop_pending(self) -> None:
        self.pending.clear()

    @property
    def webhook(self) -> Webhook | None:
        return self.delivery.webhook if self.delivery is not None else None

    @property
    def undelivered(self) -> int:
        """``pending_update_count``: queued, plus posted to a webhook but not accepted."""
        return len(self.pending) + (self.delivery.in_flight if self.delivery else 0)

    async def set_webhook(self, webhook: Webhook, session: aiohttp.ClientSession) -> None:
        """Deliver pending and future updates to ``webhook`` (instead of any earlier one)."""
        await self.stop()
        self.delivery = WebhookDelivery(self, webhook, session)
        self.delivery.start()

    async def stop(self) -> None:
        """Stop any webhook delivery; what it had not delivered stays pending."""
        delivery, self.delivery = self.delivery, None
        if delivery is not None:
            await delivery.stop()
