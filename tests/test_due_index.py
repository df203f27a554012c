"""The due index: what is due now, and rescheduling after a push."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.store.due import DueIndex
from bot.store.subscriber import Subscriber
from bot.store.subscribers import SubscriberStore
from tests.fixtures.stores import MovableClock


async def test_due_lists_only_chats_whose_instant_has_come_earliest_first(
    subscribers: SubscriberStore, due_index: DueIndex
) -> None:
    await subscribers.subscribe(1)
    await subscribers.update(1, push_time="08:10")
    await subscribers.subscribe(2)
    await subscribers.update(2, push_time="08:00")
    await subscribers.subscribe(3)
    await subscribers.update(3, push_time="09:00")
    at_0805 = datetime(2025, 7, 22, 0, 5, tzinfo=UTC)  # 08:05 in Shanghai
    assert await due_index.due(at_0805) == [2]
    assert await due_index.due(at_0805 + timedelta(minutes=5)) == [2, 1]
    assert await due_index.due(at_0805 + timedelta(hours=1), limit=2) == [2, 1]
    assert await due_index.count() == 3


async def test_rescheduling_after_a_push_moves_to_the_next_local_morning(
    subscribers: SubscriberStore, due_index: DueIndex
) -> None:
    await subscribers.subscribe(1)
    pushed_at = datetime(2025, 7, 22, 0, 0, 30, tzinfo=UTC)
    assert await due_index.reschedule(1, pushed_at) == datetime(2025, 7, 23, 0, 0, tzinfo=UTC)
    assert await due_index.due(pushed_at) == []


async def test_a_berlin_reader_stays_at_0800_local_across_the_autumn_switch(
    subscribers: SubscriberStore, due_index: DueIndex, clock: MovableClock
) -> None:
    clock.now = datetime(2025, 10, 24, 12, 0, tzinfo=UTC)
    await subscribers.subscribe(1)
    await subscribers.update(1, tz="Europe/Berlin", push_time="08:00")
    berlin = ZoneInfo("Europe/Berlin")
    pushes = []
    for _ in range(4):
        instant = await due_index.next_instant(1)
        assert instant is not None
        assert await due_index.due(instant) == [1]
        pushes.append(instant)
        await due_index.reschedule(1, instant)
    assert [p.astimezone(berlin).strftime("%m-%d %H:%M") for p in pushes] == [
        "10-25 08:00",
        "10-26 08:00",
        "10-27 08:00",
        "10-28 08:00",
    ]
    assert [p.hour for p in pushes] == [6, 7, 7, 7]  # UTC: CEST, then CET


async def test_rescheduling_an_inactive_or_unknown_chat_removes_it(
    subscribers: SubscriberStore, due_index: DueIndex
) -> None:
    await subscribers.subscribe(1)
    await subscribers.pause(1)
    now = datetime(2025, 7, 22, tzinfo=UTC)
    assert await due_index.reschedule(1, now) is None
    assert await due_index.reschedule(999, now) is None
    assert await due_index.count() == 0


async def test_reschedule_many_handles_mixed_zones_in_batches(
    subscribers: SubscriberStore, due_index: DueIndex
) -> None:
    zones = ["Asia/Kolkata", "Asia/Kathmandu", "America/New_York"]
    records = [
        Subscriber(
            chat_id=chat,
            status="paused" if chat == 1200 else "active",
            tz=zones[chat - 2] if chat in (2, 3, 4) else "Asia/Shanghai",
            push_time="08:00",
            format="compact",
            categories=(),
            language="zh",
            subscribed_at=0,
        )
        for chat in range(1, 1201)
    ]
    await subscribers.put_many(records)
    after = datetime(2025, 7, 23, 12, 0, tzinfo=UTC)
    written = await due_index.reschedule_many(list(range(1, 1201)), after)
    assert written == 1199
    assert await due_index.next_instant(2) == datetime(2025, 7, 24, 2, 30, tzinfo=UTC)
    assert await due_index.next_instant(3) == datetime(2025, 7, 24, 2, 15, tzinfo=UTC)
    assert await due_index.next_instant(4) == datetime(2025, 7, 24, 12, 0, tzinfo=UTC)
    assert await due_index.next_instant(1199) == datetime(2025, 7, 24, 0, 0, tzinfo=UTC)
    assert await due_index.next_instant(1200) is None


async def test_a_naive_now_is_refused_rather_than_read_as_local_time(
    due_index: DueIndex,
) -> None:
    with pytest.raises(ValueError, match="aware"):
        await due_index.due(datetime(2025, 7, 22, 0, 0))  # noqa: DTZ001
