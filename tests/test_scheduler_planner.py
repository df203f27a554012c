"""The push-day rule over a real Redis: each reader is queued at their own local time,
DST-correct; a late digest makes them wait (until the cutoff); never yesterday's digest;
catch-up after downtime. Time is a movable clock; what the tests read is the outbox."""

from __future__ import annotations

from datetime import timedelta

from bot.delivery.queue.outbox import Outbox
from bot.scheduler.planner import Planner, TickReport
from bot.store.stores import Stores
from tests.fixtures.scheduling import CUTOFF, Scene, at


async def test_each_reader_is_queued_at_their_own_local_time_and_not_before(
    scene: Scene,
) -> None:
    scene.clock.now = at("2025-07-20 13:00")
    zones = {1: "Asia/Shanghai", 2: "Asia/Kolkata", 3: "Europe/Berlin", 4: "America/New_York"}
    for chat_id, tz in zones.items():
        await scene.reader(chat_id, tz)
    await scene.publish("2025-07-21")
    # 08:00 local on 2025-07-21 in each zone (Berlin on summer time, New York on EDT).
    instants = {
        1: at("2025-07-21 00:00"),
        2: at("2025-07-21 02:30"),
        3: at("2025-07-21 06:00"),
        4: at("2025-07-21 12:00"),
    }

    expected: list[tuple[str, int]] = []
    for chat_id, instant in instants.items():
        scene.clock.now = instant - timedelta(seconds=1)
        await scene.planner.tick()
        assert await scene.queued() == expected, f"chat {chat_id} queued early"
        scene.clock.now = instant
        report = await scene.planner.tick()
        expected.append(("2025-07-21", chat_id))
        assert await scene.queued() == expected
        assert report.enqueued == {"2025-07-21": 1}

    scene.clock.now = at("2025-07-21 23:00")
    await scene.planner.tick()
    assert await scene.queued() == expected  # once a day, not again


async def test_berlin_follows_the_spring_daylight_saving_switch(scene: Scene) -> None:
    scene.clock.now = at("2026-03-27 12:00")
    await scene.reader(7, "Europe/Berlin")
    for date in ("2026-03-28", "2026-03-29", "2026-03-30"):
        await scene.publish(date)
    # 08:00 in Berlin is 07:00 UTC on Saturday (CET) and 06:00 UTC from Sunday on (CEST).
    for instant, date in (
        (at("2026-03-28 07:00"), "2026-03-28"),
        (at("2026-03-29 06:00"), "2026-03-29"),
        (at("2026-03-30 06:00"), "2026-03-30"),
    ):
        before = await scene.queued()
        scene.clock.now = instant - timedelta(seconds=1)
        await scene.planner.tick()
        assert await scene.queued() == before
        scene.clock.now = instant
        await scene.planner.tick()
        assert await scene.queued() == [*before, (date, 7)]


async def test_a_time_that_happens_twice_in_autumn_is_pushed_once(scene: Scene) -> None:
    scene.clock.now = at("2025-10-25 12:00")
    await scene.reader(7, "Europe/Berlin", "02:30")
    await scene.publish("2025-10-26")
    # On 2025-10-26 Berlin's clocks go from 03:00 back to 02:00: 02:30 comes at 00:30 UTC
    # (summer time) and again at 01:30 UTC (winter time).
    for now in ("2025-10-26 00:30", "2025-10-26 01:30", "2025-10-26 02:00"):
        scene.clock.now = at(now)
        await scene.planner.tick()
    assert await scene.queued() == [("2025-10-26", 7)]
    assert await scene.due.next_instant(7) == at("2025-10-27 01:30")


async def test_a_late_digest_is_queued_when_it_arrives_and_never_yesterdays(
    scene: Scene,
) -> None:
    scene.clock.now = at("2025-07-20 13:00")
    await scene.reader(1, "Asia/Shanghai")
    await scene.publish("2025-07-20")  # yesterday's is there, today's is late

    scene.clock.now = at("2025-07-21 00:00")
    report = await scene.planner.tick()
    assert report.waiting == {"2025-07-21": 1}
    assert await scene.queued() == []
    assert await scene.planner.waiting.dates() == ["2025-07-21"]

    scene.clock.now = at("2025-07-21 02:00")
    await scene.planner.tick()
    assert await scene.queued() == []

    await scene.publish("2025-07-21")
    assert await scene.planner.digest_arrived("2025-07-21") == 1
    assert await scene.queued() == [("2025-07-21", 1)]
    assert await scene.planner.waiting.dates() == []


async def test_a_digest_stored_between_ticks_reaches_waiters_on_the_next_tick(
    scene: Scene,
) -> None:
    scene.clock.now = at("2025-07-20 13:00")
    await scene.reader(1, "Asia/Shanghai")
    scene.clock.now = at("2025-07-21 00:00")
    await scene.planner.tick()
    await scene.publish("2025-07-21")  # e.g. stored by another tool, no notification

    scene.clock.now = at("2025-07-21 00:00:05")
    report = await scene.planner.tick()
    assert report.released == {"2025-07-21": 1}
    assert await scene.queued() == [("2025-07-21", 1)]


async def test_past_the_cutoff_the_reader_waits_for_tomorrow_instead(scene: Scene) -> None:
    scene.clock.now = at("2025-07-20 13:00")
    await scene.reader(1, "Asia/Shanghai")
    scene.clock.now = at("2025-07-21 00:00")
    await scene.planner.tick()

    scene.clock.now = at("2025-07-21 06:00:01")  # 08:00 + 6 h cutoff has passed in Shanghai
    report = await scene.planner.tick()
    assert report.gave_up == 1
    await scene.publish("2025-07-21")
    assert await scene.planner.digest_arrived("2025-07-21") == 0
    await scene.planner.tick()
    assert await scene.queued() == []
    assert await scene.due.next_instant(1) == at("2025-07-22 00:00")

    await scene.publish("2025-07-22")
    scene.clock.now = at("2025-07-22 00:00")
    await scene.planner.tick()
    assert await scene.queued() == [("2025-07-22", 1)]


async def test_catch_up_after_downtime_within_the_cutoff_only(scene: Scene) -> None:
    scene.clock.now = at("2025-07-20 13:00")
    await scene.reader(1, "Asia/Shanghai")  # due 2025-07-21 00:00 UTC
    await scene.reader(2, "Asia/Kolkata")  # due 2025-07-21 02:30 UTC
    await scene.reader(3, "Asia/Shanghai", "14:00")  # due 2025-07-21 06:00 UTC
    await scene.publish("2025-07-21")

    scene.clock.now = at("2025-07-21 07:00")  # the bot was down since 2025-07-20 13:00
    report = await scene.planner.tick()

    # Shanghai's 08:00 was 7 h ago, beyond the 6 h cutoff: skipped to tomorrow.
    assert report.missed == 1
    assert await scene.queued() == [("2025-07-21", 2), ("2025-07-21", 3)]
    assert await scene.due.next_instant(1) == at("2025-07-22 00:00")
    assert await scene.due.next_instant(2) == at("2025-07-22 02:30")


async def test_after_days_of_downtime_only_the_latest_day_is_caught_up(scene: Scene) -> None:
    scene.clock.now = at("2025-07-18 13:00")
    await scene.reader(1, "Asia/Shanghai")  # due 2025-07-19 00:00 UTC
    for date in ("2025-07-19", "2025-07-20", "2025-07-21"):
        await scene.publish(date)

    scene.clock.now = at("2025-07-21 03:00")  # back up, 3 h after today's 08:00 in Shanghai
    await scene.planner.tick()

    assert await scene.queued() == [("2025-07-21", 1)]


async def test_inactive_readers_are_not_pushed(scene: Scene) -> None:
    scene.clock.now = at("2025-07-20 13:00")
    for chat_id in (1, 2, 3):
        await scene.reader(chat_id, "Asia/Shanghai")
    await scene.subscribers.pause(2)
    await scene.subscribers.unsubscribe(3)
    await scene.reader(4, "Asia/Shanghai")
    await scene.redis.delete(scene.keys.subscriber(4))  # a record lost, its schedule left
    await scene.publish("2025-07-21")

    scene.clock.now = at("2025-07-21 00:00")
    await scene.planner.tick()

    assert await scene.queued() == [("2025-07-21", 1)]
    assert await scene.due.next_instant(4) is None  # dropped, not retried every tick


async def test_many_due_readers_are_planned_in_batches_each_once(scene: Scene) -> None:
    scene.clock.now = at("2025-07-20 13:00")
    for chat_id in range(1, 24):
        await scene.reader(chat_id, "Asia/Shanghai" if chat_id % 2 else "Asia/Kolkata")
    await scene.publish("2025-07-21")
    stores = Stores.over(scene.redis, scene.keys)
    outbox = Outbox.of(stores)
    small_batches = Planner(
        stores.due, stores.waiting, scene.archive, outbox, CUTOFF, scene.clock, 2
    )

    scene.clock.now = at("2025-07-21 03:00")
    report = await small_batches.tick()
    await small_batches.tick()

    assert report.enqueued == {"2025-07-21": 23}
    assert sorted(chat for _, chat in await scene.queued()) == list(range(1, 24))


def test_a_tick_reads_as_words_in_the_log() -> None:
    report = TickReport(enqueued={"2025-07-21": 12, "2025-07-22": 1}, waiting={"2025-07-22": 3})
    report.gave_up = 1
    assert str(report) == (
        "enqueued 13 (2025-07-21: 12, 2025-07-22: 1); waiting 3 (2025-07-22: 3); gave up on 1"
    )
    assert str(TickReport()) == "nothing to do"
