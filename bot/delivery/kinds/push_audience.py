"""Who a manual push goes to: every active subscriber who has not got the date's digest,
streamed page by page from the subscriber index (never everyone in memory at once)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date as Date
from datetime import datetime
from typing import Final

from bot.store.ledger import DeliveryLedger
from bot.store.next_push import local_instant
from bot.store.subscriber import PushTime, Subscriber
from bot.store.subscribers import SubscriberStore

PAGE: Final = 500  # chats asked of the ledger at once


def is_due(subscriber: Subscriber | PushTime, day: Date, now: datetime) -> bool:
    """Whether the reader's own push time on ``day`` (their local date) has come."""
    return local_instant(day, subscriber.clock, subscriber.zone) <= now


async def undelivered_active(
    subscribers: SubscriberStore,
    ledger: DeliveryLedger,
    date: str,
    due_by: datetime | None = None,
) -> AsyncIterator[int]:
    """Chat ids of active subscribers without a delivery of ``date`` in the ledger; with
    ``due_by``, only those whose push time on that date is at or before it."""
    day = Date.fromisoformat(date)
    page: list[int] = []
    async for subscriber in subscribers.iter_push_times():
        if subscriber.status != "active":
            continue
        if due_by is not None and not is_due(subscriber, day, due_by):
            continue
        page.append(subscriber.chat_id)
        if len(page) >= PAGE:
            for chat_id in await ledger.undelivered(date, page):
                yield chat_id
            page = []
    for chat_id in await ledger.undelivered(date, page):
        yield chat_id
