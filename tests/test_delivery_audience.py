"""Who ``briefbot push`` enqueues: active readers without the digest, and (without
``--now``) only those whose own push time on that date has come, in their time zone."""

from __future__ import annotations

from datetime import UTC, datetime

from redis.asyncio import Redis

from bot.delivery.kinds.push import enqueue_push_for_active
from bot.delivery.queue.outbox import Outbox
from bot.keys import Keys
from bot.store.ledger import DeliveryLedger
from bot.store.stores import Stores
from bot.store.subscriber import Status, Subscriber
from bot.store.subscribers import SubscriberStore
from tests.fixtures.scheduling import push_task


def _reader(chat: int, tz: str, at: str = "08:00", status: Status = "active") -> Subscriber:
    return Subscriber(chat, status, tz, at, "compact", (), "zh", 0)


async def _enqueued_chats(redis: Redis, keys: Keys) -> list[int]:
    entries = await redis.xrange(keys.outbox())
    return sorted(push_task(fields).chat_id for _, fields in entries)


async def test_only_active_readers_without_the_digest_whose_time_has_come(
    redis: Redis, keys: Keys
) -> None:
    store = SubscriberStore(redis, keys)
    await store.put_many(
        [
            _reader(1, "Asia/Shanghai"),  # 08:00 +08 = 00:00 UTC: due
            _reader(2, "America/New_York"),  # 08:00 -04 = 12:00 UTC: not yet
            _reader(3, "Europe/Berlin", "07:59"),  # 05:59 UTC: due
            _reader(4, "Asia/Shanghai", status="paused"),
            _reader(5, "Asia/Shanghai"),  # already has it
        ]
    )
    await DeliveryLedger(redis, keys).record_sent("2025-07-21", 5, [10], "hash")
    stores = Stores.over(redis, keys)
    outbox = Outbox.of(stores)
    six_utc = datetime(2025, 7, 21, 6, 0, tzinfo=UTC)
    count = await enqueue_push_for_active(outbox, stores, "2025-07-21", "due", six_utc)
    assert count == 2
    assert await _enqueued_chats(redis, keys) == [1, 3]
    progress = await outbox.progress.get("due")
    assert (progress.enqueued, progress.enqueue_done) == (2, True)


async def test_now_takes_every_active_reader_regardless_of_time(redis: Redis, keys: Keys) -> None:
    store = SubscriberStore(redis, keys)
    await store.put_many([_reader(chat, "America/New_York") for chat in range(1, 1201)])
    stores = Stores.over(redis, keys)
    count = await enqueue_push_for_active(Outbox.of(stores), stores, "2025-07-21", "now")
    assert count == 1200  # more than one page and one enqueue batch
    assert await _enqueued_chats(redis, keys) == list(range(1, 1201))
