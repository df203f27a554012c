"""Read state: idempotent marks, unread items, per-item reader counts."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.reads import READ_RETENTION_DAYS, ReadState

DATE = "2025-07-21"


async def test_marking_an_item_read_is_idempotent_and_counts_one_reader(
    reads: ReadState,
) -> None:
    assert await reads.mark_read(1, DATE, 3) is True
    assert await reads.mark_read(1, DATE, 3) is False
    assert await reads.mark_read(2, DATE, 3) is True
    assert await reads.read_items(1, DATE) == {3}
    assert await reads.read_counts(DATE) == {3: 2}


async def test_concurrent_taps_on_the_same_item_count_once(reads: ReadState) -> None:
    results = await asyncio.gather(*(reads.mark_read(1, DATE, 5) for _ in range(20)))
    assert results.count(True) == 1
    assert await reads.read_counts(DATE) == {5: 1}


async def test_unread_keeps_the_digest_order(reads: ReadState) -> None:
    await reads.mark_read(1, DATE, 2)
    await reads.mark_read(1, DATE, 4)
    assert await reads.unread(1, DATE, [1, 2, 3, 4, 5]) == [1, 3, 5]
    assert await reads.unread(2, DATE, [1, 2]) == [1, 2]


async def test_unread_over_recent_days_leaves_out_days_read_in_full(reads: ReadState) -> None:
    await reads.mark_all_read(1, "2025-07-19", [1, 2])
    await reads.mark_read(1, "2025-07-20", 1)
    recent = await reads.unread_recent(
        1, {"2025-07-21": [1, 2, 3], "2025-07-20": [1, 2], "2025-07-19": [1, 2]}
    )
    assert recent == {"2025-07-21": [1, 2, 3], "2025-07-20": [2]}


async def test_mark_all_read_counts_only_new_marks(reads: ReadState) -> None:
    await reads.mark_read(1, DATE, 2)
    assert await reads.mark_all_read(1, DATE, [1, 2, 3]) == 2
    assert await reads.mark_all_read(1, DATE, []) == 0
    assert await reads.read_counts(DATE) == {1: 1, 2: 1, 3: 1}


async def test_marks_expire_after_the_retention_period(
    reads: ReadState, redis: Redis, keys: Keys
) -> None:
    await reads.mark_read(1, DATE, 1)
    ttl = await redis.ttl(keys.read(1, DATE))
    assert READ_RETENTION_DAYS * 86400 - 5 <= ttl <= READ_RETENTION_DAYS * 86400
