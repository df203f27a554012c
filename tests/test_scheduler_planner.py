"""The push-day rule over a real Redis: each reader is queued at their own local time,
DST-correct; a late digest makes them wait (until the cutoff); never yesterday's digest;
catch-up after downtime. Time is a movable clock; what the tests read is the outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis

from bot.delivery.outbox import Outbox
from bot.delivery.tasks import decode
from bot.digest.parser import parse_digest
from bot.keys import Keys
from bot.scheduler.planner import Planner
from bot.store.digests import DigestArchive
from bot.store.due import DueIndex
from bot.store.subscribers import SubscriberStore
from tests.fixtures.scheduling import digest_text
from tests.fixtures.stores import MovableClock

CUTOFF = timedelta(hours=6)


def at(text: str) -> datetime:
    """A UTC instant from ``YYYY-MM-DD HH:MM[:SS]``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def planner(redis: Redis, keys: Keys, archive: DigestArchive, clock: MovableClock) -> Planner:
    return Planner(redis, keys, archive, Outbox(redis, keys), CUTOFF, clock)


async def queued(redis: Redis, keys: Keys) -> list[tuple[str, int]]:
    """(digest date, chat id) of every push task in the outbox, in order."""
    entries = await redis.xrange(keys.outbox())
    return [(task.date, task.chat_id) for task in (decode(fields) for _, fields in entries)]


async def publish(archive: DigestArchive, date: str) -> None:
    await archive.save(parse_digest(digest_text(date), f"{date}.md"))


async def reader(subscribers: SubscriberStore, chat_id: int, tz: str, time: str = "08:00") -> None:
    await subscribers.subscribe(chat_id)
    await subscribers.update(chat_id, tz=tz, push_time=time)


async def test_each_reader_is_queued_at_their_own_local_time_and_not_before(
    planner: Planner,
    subscribers: SubscriberStore,
    archive: DigestArchive,
    clock: MovableClock,
    redis: Redis,
    keys: Keys,
) -> None:
    clock.now = at("2025-07-20 13:00")
    zones = {1: "Asia/Shanghai", 2: "Asia/Kolkata", 3: "Europe/Berlin", 4: "America/New_York"}
    for chat_id, tz in zones.items():
        await reader(subscribers, chat_id, tz)
    await publish(archive, "2025-07-21")
    # 08:00 local on 2025-07-21 in each zone (Berlin on summer time, New York on EDT).
    instants = {
        1: at("2025-07-21 00:00"),
        2: at("2025-07-21 02:30"),
        3: at("2025-07-21 06:00"),
        4: at("2025-07-21 12:00"),
    }

    expected: list[tuple[str, int]] = []
    for chat_id, instant in instants.items():
        clock.now = instant - timedelta(seconds=1)
        await planner.tick()
        assert await queued(redis, keys) == expected, f"chat {chat_id} queued early"
        clock.now = instant
        report = await planner.tick()
        expected.append(("2025-07-21", chat_id))
        assert await queued(redis, keys) == expected
        assert report.enqueued == {"2025-07-21": 1}

    clock.now = at("2025-07-21 23:00")
    await planner.tick()
    assert await queued(redis, keys) == expected  # once a day, not again


async def test_berlin_follows_the_spring_daylight_saving_switch(
    planner: Planner,
    subscribers: SubscriberStore,
    archive: DigestArchive,
    clock: MovableClock,
    redis: Redis,
    keys: Keys,
) -> None:
    clock.now = at("2026-03-27 12:00")
    await reader(subscribers, 7, "Europe/Berlin")
    for date in ("2026-03-28", "2026-03-29", "2026-03-30"):
        await publish(archive, date)
    # 08:00 in Berlin is 07:00 UTC on Saturday (CET) and 06:00 UTC from Sunday on (CEST).
    for instant, date in (
        (at("2026-03-28 07:00"), "2026-03-28"),
        (at("2026-03-29 06:00"), "2026-03-29"),
        (at("2026-03-30 06:00"), "2026-03-30"),
    ):
        before = await queued(redis, keys)
        clock.now = instant - timedelta(seconds=1)
        await planner.tick()
        assert await queued(redis, keys) == before
        clock.now = instant
        await planner.tick()
        assert await queued(redis, keys) == [*before, (date, 7)]


async def test_a_late_digest_is_queued_when_it_arrives_and_never_yesterdays(
    planner: Planner,
    subscribers: SubscriberStore,
    archive: DigestArchive,
    clock: MovableClock,
    redis: Redis,
    keys: Keys,
) -> None:
    clock.now = at("2025-07-20 13:00")
    await reader(subscribers, 1, "Asia/Shanghai")
    await publish(archive, "2025-07-20")  # yesterday's is there, today's is late

    clock.now = at("2025-07-21 00:00")
    report = await planner.tick()
    assert report.waiting == {"2025-07-21": 1}
    assert await queued(redis, keys) == []
    assert await planner.waiting.dates() == ["2025-07-21"]

    clock.now = at("2025-07-21 02:00")
    await planner.tick()
    assert await queued(redis, keys) == []

    await publish(archive, "2025-07-21")
    assert await planner.digest_arrived("2025-07-21") == 1
    assert await queued(redis, keys) == [("2025-07-21", 1)]
    assert await planner.waiting.dates() == []


async def test_a_digest_stored_between_ticks_reaches_waiters_on_the_next_tick(
    planner: Planner,
    subscribers: SubscriberStore,
    archive: DigestArchive,
    clock: MovableClock,
    redis: Redis,
    keys: Keys,
) -> None:
    clock.now = at("2025-07-20 13:00")
    await reader(subscribers, 1, "Asia/Shanghai")
    clock.now = at("2025-07-21 00:00")
    await planner.tick()
    await publish(archive, "2025-07-21")  # e.g. stored by another tool, no notification

    clock.now = at("2025-07-21 00:00:05")
    report = await planner.tick()
    assert report.released == {"2025-07-21": 1}
    assert await queued(redis, keys) == [("2025-07-21", 1)]


async def test_past_the_cutoff_the_reader_waits_for_tomorrow_instead(
    planner: Planner,
    subscribers: SubscriberStore,
    archive: DigestArchive,
    due_index: DueIndex,
    clock: MovableClock,
    redis: Redis,
    keys: Keys,
) -> None:
    clock.now = at("2025-07-20 13:00")
    await reader(subscribers, 1, "Asia/Shanghai")
    clock.now = at("2025-07-21 00:00")
    await planner.tick()

    clock.now = at("2025-07-21 06:00:01")  # 08:00 + 6 h cutoff has passed in Shanghai
    report = await planner.tick()
    assert report.gave_up == 1
    await publish(archive, "2025-07-21")
    assert await planner.digest_arrived("2025-07-21") == 0
    await planner.tick()
    assert await queued(redis, keys) == []
    assert await due_index.next_instant(1) == at("2025-07-22 00:00")

    await publish(archive, "2025-07-22")
    clock.now = at("2025-07-22 00:00")
    await planner.tick()
    assert await queued(redis, keys) == [("2025-07-22", 1)]


async def test_catch_up_after_downtime_within_the_cutoff_only(
    planner: Planner,
    subscribers: SubscriberStore,
    archive: DigestArchive,
    due_index: DueIndex,
    clock: MovableClock,
    redis: Redis,
    keys: Keys,
) -> None:
    clock.now = at("2025-07-20 13:00")
    await reader(subscribers, 1, "Asia/Shanghai")  # due 2025-07-21 00:00 UTC
    await reader(subscribers, 2, "Asia/Kolkata")  # due 2025-07-21 02:30 UTC
    await reader(subscribers, 3, "Asia/Shanghai", "14:00")  # due 2025-07-21 06:00 UTC
    await publish(archive, "2025-07-21")

    clock.now = at("2025-07-21 07:00")  # the bot was down since 2025-07-20 13:00
    report = await planner.tick()

    # Shanghai's 08:00 was 7 h ago, beyond the 6 h cutoff: skipped to tomorrow.
    assert report.missed == 1
    assert await queued(redis, keys) == [("2025-07-21", 2), ("2025-07-21", 3)]
    assert await due_index.next_instant(1) == at("2025-07-22 00:00")
    assert await due_index.next_instant(2) == at("2025-07-22 02:30")


async def test_after_days_of_downtime_only_the_latest_day_is_caught_up(
    planner: Planner,
    subscribers: SubscriberStore,
    archive: DigestArchive,
    clock: MovableClock,
    redis: Redis,
    keys: Keys,
) -> None:
    clock.now = at("2025-07-18 13:00")
    await reader(subscribers, 1, "Asia/Shanghai")  # due 2025-07-19 00:00 UTC
    for date in ("2025-07-19", "2025-07-20", "2025-07-21"):
        await publish(archive, date)

    clock.now = at("2025-07-21 03:00")  # back up, 3 h after today's 08:00 in Shanghai
    await planner.tick()

    assert await queued(redis, keys) == [("2025-07-21", 1)]


async def test_inactive_readers_are_not_pushed(
    planner: Planner,
    subscribers: SubscriberStore,
    archive: DigestArchive,
    clock: MovableClock,
    redis: Redis,
    keys: Keys,
) -> None:
    clock.now = at("2025-07-20 13:00")
    for chat_id in (1, 2, 3):
        await reader(subscribers, chat_id, "Asia/Shanghai")
    await subscribers.pause(2)
    await subscribers.unsubscribe(3)
    await publish(archive, "2025-07-21")

    clock.now = at("2025-07-21 00:00")
    await planner.tick()

    assert await queued(redis, keys) == [("2025-07-21", 1)]


async def test_many_due_readers_are_planned_in_batches_each_once(
    redis: Redis,
    keys: Keys,
    subscribers: SubscriberStore,
    archive: DigestArchive,
    clock: MovableClock,
) -> None:
    clock.now = at("2025-07-20 13:00")
    for chat_id in range(1, 24):
        await reader(subscribers, chat_id, "Asia/Shanghai" if chat_id % 2 else "Asia/Kolkata")
    await publish(archive, "2025-07-21")
    small_batches = Planner(redis, keys, archive, Outbox(redis, keys), CUTOFF, clock, batch=2)

    clock.now = at("2025-07-21 03:00")
    report = await small_batches.tick()
    await small_batches.tick()

    assert report.enqueued == {"2025-07-21": 23}
    assert sorted(chat for _, chat in await queued(redis, keys)) == list(range(1, 24))
