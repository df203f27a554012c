"""Subscribers in Redis: subscribe, statuses, validated settings, migration, iteration."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis

from bot.keys import Keys
from bot.services.errors import InvalidSetting, NotSubscribed
from bot.store.due import DueIndex
from bot.store.subscriber import Subscriber
from bot.store.subscribers import SubscriberStore
from tests.fixtures.stores import MovableClock

# The fixture clock stands at 2025-07-21 12:00 UTC; 08:00 in Shanghai is 00:00 UTC.
NEXT_SHANGHAI_0800 = datetime(2025, 7, 22, 0, 0, tzinfo=UTC)


async def test_subscribe_creates_an_active_subscriber_with_the_defaults(
    subscribers: SubscriberStore, due_index: DueIndex
) -> None:
    subscriber, created = await subscribers.subscribe(42, language="en")
    assert created
    assert subscriber.status == "active"
    assert (subscriber.tz, subscriber.push_time, subscriber.format) == (
        "Asia/Shanghai",
        "08:00",
        "compact",
    )
    assert subscriber.categories == ()
    assert subscriber.language == "en"
    assert await subscribers.get(42) == subscriber
    assert await due_index.next_instant(42) == NEXT_SHANGHAI_0800


async def test_subscribing_again_changes_nothing(
    subscribers: SubscriberStore, due_index: DueIndex, clock: MovableClock
) -> None:
    first, _ = await subscribers.subscribe(42)
    clock.advance(hours=1)
    again, created = await subscribers.subscribe(42, language="en")
    assert not created
    assert again == first  # language only applies to a new subscriber
    assert await subscribers.count() == 1
    assert await due_index.next_instant(42) == NEXT_SHANGHAI_0800


async def test_stop_then_start_resumes_the_old_settings(
    subscribers: SubscriberStore, due_index: DueIndex
) -> None:
    await subscribers.subscribe(42)
    await subscribers.update(42, tz="Europe/Berlin", push_time="07:15", categories=["硬件前沿"])
    stopped = await subscribers.unsubscribe(42)
    assert stopped is not None and stopped.status == "stopped"
    assert await due_index.next_instant(42) is None

    back, created = await subscribers.subscribe(42)
    assert not created
    assert back.status == "active"
    assert (back.tz, back.push_time, back.categories) == ("Europe/Berlin", "07:15", ("硬件前沿",))
    # 07:15 in Berlin (CEST, +2) is 05:15 UTC; 2025-07-21 12:00 UTC has passed today's.
    assert await due_index.next_instant(42) == datetime(2025, 7, 22, 5, 15, tzinfo=UTC)


async def test_pause_blocked_and_resume_take_the_chat_out_of_and_back_into_the_schedule(
    subscribers: SubscriberStore, due_index: DueIndex
) -> None:
    for chat in (1, 2, 3, 4):
        await subscribers.subscribe(chat)
    paused = await subscribers.pause(1)
    blocked = await subscribers.mark_blocked(2)
    await subscribers.unsubscribe(3)
    assert paused is not None and paused.status == "paused"
    assert blocked is not None and blocked.status == "blocked"
    assert await due_index.due(NEXT_SHANGHAI_0800) == [4]
    assert await subscribers.count_by_status() == {
        "active": 1,
        "paused": 1,
        "blocked": 1,
        "stopped": 1,
    }

    resumed = await subscribers.resume(1)
    assert resumed is not None and resumed.status == "active"
    assert sorted(await due_index.due(NEXT_SHANGHAI_0800)) == [1, 4]


async def test_status_changes_of_an_unknown_chat_create_nothing(
    subscribers: SubscriberStore,
) -> None:
    assert await subscribers.pause(7) is None
    assert await subscribers.mark_blocked(7) is None
    assert await subscribers.get(7) is None
    assert await subscribers.count() == 0
    with pytest.raises(NotSubscribed):
        await subscribers.update(7, tz="Europe/Berlin")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tz": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
        ({"tz": "../../etc/passwd"}, "unknown time zone"),
        ({"tz": " "}, "the time zone is empty"),
        ({"push_time": "25:00"}, "'25:00' is not a time like 08:00"),
        ({"push_time": "8h"}, "is not a time like 08:00"),
        ({"format": "huge"}, "format must be compact or full"),
        ({"language": "fr"}, "language must be zh or en"),
        ({"categories": ["ok", ""]}, "is not a name"),
        ({"categories": [str(n) for n in range(40)]}, "at most 32 categories"),
    ],
)
async def test_invalid_settings_are_refused_with_a_clear_message_and_change_nothing(
    subscribers: SubscriberStore, change: dict[str, object], message: str
) -> None:
    before, _ = await subscribers.subscribe(42)
    with pytest.raises(InvalidSetting, match=message):
        await subscribers.update(42, **change)  # type: ignore[arg-type]
    assert await subscribers.get(42) == before


async def test_update_normalises_and_reschedules_in_the_new_zone(
    subscribers: SubscriberStore, due_index: DueIndex
) -> None:
    await subscribers.subscribe(42)
    updated = await subscribers.update(
        42, tz="America/New_York", push_time="7:05", format="full", language="en"
    )
    assert (updated.tz, updated.push_time, updated.format, updated.language) == (
        "America/New_York",
        "07:05",
        "full",
        "en",
    )
    # 07:05 EDT (-4) is 11:05 UTC, which on 2025-07-21 12:00 UTC has just passed.
    assert await due_index.next_instant(42) == datetime(2025, 7, 22, 11, 5, tzinfo=UTC)
    cleared = await subscribers.update(42, categories=[])
    assert cleared.categories == ()


async def test_a_change_that_keeps_the_time_does_not_skip_a_push_that_is_due(
    subscribers: SubscriberStore, due_index: DueIndex, clock: MovableClock
) -> None:
    await subscribers.subscribe(42)
    clock.now = NEXT_SHANGHAI_0800.replace(second=20)  # due, not yet pushed
    await subscribers.update(42, format="full", categories=["AI"])
    assert await due_index.due(clock.now) == [42]


async def test_concurrent_changes_of_different_settings_all_apply(
    subscribers: SubscriberStore,
) -> None:
    await subscribers.subscribe(42)
    await asyncio.gather(
        subscribers.update(42, tz="Asia/Kolkata"),
        subscribers.update(42, push_time="06:30"),
        subscribers.update(42, format="full"),
        subscribers.update(42, language="en"),
    )
    final = await subscribers.get(42)
    assert final is not None
    assert (final.tz, final.push_time, final.format, final.language) == (
        "Asia/Kolkata",
        "06:30",
        "full",
        "en",
    )


@pytest.mark.parametrize("chat_id", [-1001234567890, -987654321, 2**62 + 7, 1])
async def test_group_channel_and_large_chat_ids_round_trip(
    subscribers: SubscriberStore, due_index: DueIndex, chat_id: int
) -> None:
    await subscribers.subscribe(chat_id)
    found = await subscribers.get(chat_id)
    assert found is not None and found.chat_id == chat_id
    assert await due_index.due(NEXT_SHANGHAI_0800) == [chat_id]


async def test_a_chat_id_that_is_not_a_64_bit_integer_is_refused(
    subscribers: SubscriberStore,
) -> None:
    with pytest.raises(InvalidSetting, match="64-bit"):
        await subscribers.subscribe(2**64)
    assert await subscribers.count() == 0


async def test_migrate_moves_settings_and_schedule_to_the_supergroup(
    subscribers: SubscriberStore, due_index: DueIndex
) -> None:
    await subscribers.subscribe(-4242)
    await subscribers.update(-4242, tz="Asia/Kathmandu", categories=["AI"])
    scheduled = await due_index.next_instant(-4242)

    moved = await subscribers.migrate(-4242, -1004242)
    assert moved is not None
    assert (moved.chat_id, moved.tz, moved.categories) == (-1004242, "Asia/Kathmandu", ("AI",))
    assert await subscribers.get(-4242) is None
    assert await subscribers.get(-1004242) == moved
    assert await due_index.next_instant(-4242) is None
    assert await due_index.next_instant(-1004242) == scheduled
    assert [s.chat_id async for s in subscribers.iter_all()] == [-1004242]


async def test_migrating_an_unknown_chat_does_nothing(subscribers: SubscriberStore) -> None:
    assert await subscribers.migrate(-1, -1001) is None
    assert await subscribers.count() == 0


async def test_iteration_streams_every_subscriber_once_across_pages(
    subscribers: SubscriberStore,
) -> None:
    chats = [*range(1, 40), -1001, -1002, 2**40]
    for chat in chats:
        await subscribers.subscribe(chat)
    await subscribers.pause(5)
    seen = [s.chat_id async for s in subscribers.iter_all(page=7)]
    assert sorted(seen) == sorted(chats)
    assert len(seen) == len(set(seen))
    statuses = {s.chat_id: s.status async for s in subscribers.iter_all(page=7)}
    assert statuses[5] == "paused"


async def test_records_are_plain_hash_fields(
    subscribers: SubscriberStore, redis: Redis, keys: Keys
) -> None:
    await subscribers.subscribe(42)
    await subscribers.update(42, categories=["硬件前沿", "AI"], keywords=["+openai", "-马斯克"])
    assert await redis.hgetall(keys.subscriber(42)) == {
        "status": "active",
        "tz": "Asia/Shanghai",
        "time": "08:00",
        "format": "compact",
        "categories": '["硬件前沿", "AI"]',
        "language": "zh",
        "subscribed_at": str(int(datetime(2025, 7, 21, 12, tzinfo=UTC).timestamp())),
        "keywords": '["+openai", "-马斯克"]',
        "thread": "",
    }


async def test_a_damaged_record_is_still_readable(
    subscribers: SubscriberStore, redis: Redis, keys: Keys
) -> None:
    await subscribers.subscribe(42)
    await redis.hset(keys.subscriber(42), mapping={"categories": "[oops", "format": "huge"})
    damaged = await subscribers.get(42)
    assert damaged is not None
    assert (damaged.categories, damaged.format) == ((), "compact")
    repaired = await subscribers.update(42, categories=["AI"], format="full")
    assert (repaired.categories, repaired.format) == (("AI",), "full")


async def test_imported_64_bit_chat_ids_keep_every_digit(
    subscribers: SubscriberStore, due_index: DueIndex
) -> None:
    big = [2**62 + 7, -(2**62) - 9, -1009999999999999]
    records = [
        Subscriber(chat, "active", "Asia/Shanghai", "08:00", "compact", (), "zh", 0) for chat in big
    ]
    assert await subscribers.put_many(records) == 3
    assert sorted([s.chat_id async for s in subscribers.iter_all()]) == sorted(big)
    assert sorted(await due_index.due(NEXT_SHANGHAI_0800)) == sorted(big)
    assert await due_index.reschedule_many(big, NEXT_SHANGHAI_0800) == 3
    assert sorted(await due_index.due(NEXT_SHANGHAI_0800 + timedelta(days=1))) == sorted(big)


async def test_get_many_reads_many_records_in_order_unknown_chats_as_none(
    subscribers: SubscriberStore,
) -> None:
    await subscribers.subscribe(1, language="en")
    await subscribers.subscribe(2, language="zh")
    await subscribers.mark_blocked(2)
    found = await subscribers.get_many([2, 404, 1])
    assert [s.chat_id if s else None for s in found] == [2, None, 1]
    assert [s.status if s else None for s in found] == ["blocked", None, "active"]
    assert found == [await subscribers.get(2), None, await subscribers.get(1)]
    assert await subscribers.get_many([]) == []
