"""End to end: the planner on a movable clock, the real sender pool and the sandbox Bot
API. Readers in three time zones get the digest at their own time, exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.scheduler.planner import Planner, scheduled_push_id
from bot.store.digests import DigestArchive
from bot.store.subscribers import SubscriberStore
from tests.fixtures.delivery import DeliveryWorld
from tests.fixtures.stores import MovableClock


async def test_readers_get_the_digest_at_their_own_time_exactly_once(
    world: DeliveryWorld,
    subscribers: SubscriberStore,
    archive: DigestArchive,
    clock: MovableClock,
) -> None:
    date = world.digest.date  # 2025-07-21
    clock.now = datetime(2025, 7, 20, 13, 0, tzinfo=UTC)
    zones = ("Asia/Shanghai", "Asia/Kolkata", "Europe/Berlin")
    chats = [(await world.control.create_private_chat()).chat_id for _ in zones]
    for chat_id, tz in zip(chats, zones, strict=True):
        await subscribers.subscribe(chat_id)
        await subscribers.update(chat_id, tz=tz, push_time="08:00")
    planner = Planner(world.redis, world.keys, archive, world.outbox, timedelta(hours=6), clock)
    await world.pool()
    push_id = scheduled_push_id(date)

    # 08:00 local: 00:00 UTC in Shanghai, 02:30 in Kolkata, 06:00 in Berlin (summer time).
    for served, instant in enumerate(
        (datetime(2025, 7, 21, h, m, tzinfo=UTC) for h, m in ((0, 0), (2, 30), (6, 0))),
        start=1,
    ):
        clock.now = instant - timedelta(seconds=1)
        await planner.tick()
        clock.now = instant
        await planner.tick()
        await planner.tick()  # a second tick at the same moment changes nothing
        progress = await world.finished(push_id)
        assert progress.sent == served
        got = [len(await world.bot_texts(chat)) for chat in chats]
        assert got == [1] * served + [0] * (len(chats) - served)

    # A crash between enqueueing and rescheduling repeats the push task: the ledger makes
    # the repeat a no-op.
    await world.outbox.enqueue_push(date, chats, push_id)
    progress = await world.finished(push_id)
    assert progress.sent == 3 and progress.skipped == 3
    for chat in chats:
        [text] = await world.bot_texts(chat)
        assert world.digest.title in text
