"""Who a manual push goes to: every active subscriber who has not got the date's digest,
streamed page by page from the subscriber index (never everyone in memory at once)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date as Date
from datetime import datetime

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.errors import store_errors
from bot.store.ledger import LedgerEntry
from bot.store.next_push import local_instant
from bot.store.redis_types import text_list
from bot.store.subscriber import Subscriber
from bot.store.subscribers import SubscriberStore


def is_due(subscriber: Subscriber, day: Date, now: datetime) -> bool:
    """Whether the reader's own push time on ``day`` (their local date) has come."""
    return local_instant(day, subscriber.clock, subscriber.zone) <= now


async def undelivered_active(
    client: Redis,
    keys: Keys,
    subscribers: SubscriberStore,
    date: str,
    due_by: datetime | None = None,
) -> AsyncIterator[int]:
    """Chat ids of active subscribers without a delivery of ``date`` in the ledger; with
    ``due_by``, only those whose push time on that date is at or before it."""
    day = Date.fromisoformat(date)
    page: list[Subscriber] = []
    async for subscriber in subscribers.iter_all():
        if subscriber.status != "active":
            continue
        if due_by is not None and not is_due(subscriber, day, due_by):
            continue
        page.append(subscriber)
        if len(page) >= 500:
            async for chat_id in _without_delivery(client, keys, date, page):
                yield chat_id
            page = []
    async for chat_id in _without_delivery(client, keys, date, page):
        yield chat_id


async def _without_delivery(
    client: Redis, keys: Keys, date: str, page: list[Subscriber]
) -> AsyncIterator[int]:
    """The page's chats whose ledger entry is missing or only a claim (one HMGET)."""
    if not page:
        return
    chats = [s.chat_id for s in page]
    with store_errors():
        raw = text_list(await client.hmget(keys.sent(date), [str(c) for c in chats]))
    for chat_id, entry in zip(chats, raw, strict=True):
        if entry is None or not LedgerEntry.from_json(chat_id, entry).sent:
            yield chat_id
