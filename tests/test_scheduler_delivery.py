"""End to end: the planner on a movable clock, the real sender pool and the sandbox Bot
API. Readers in three time zones get the digest at their own time, exactly once; a reader
whose digest is late gets it when the poller stores it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram import Bot

from bot.delivery.kinds.push import enqueue_push
from bot.delivery.senders.alerts import AdminAlerts
from bot.scheduler.planner import Planner, scheduled_push_id
from bot.sources.folder import FolderSource
from bot.sources.poller import DigestPoller
from bot.store.digests import DigestArchive
from bot.store.subscribers import SubscriberStore
from tests.fixtures.delivery import DeliveryWorld
from tests.fixtures.scheduling import digest_text
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
    planner = Planner(
        world.stores.due, world.stores.waiting, archive, world.outbox, timedelta(hours=6), clock
    )
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
    await enqueue_push(world.outbox, date, chats, push_id)
    progress = await world.finished(push_id)
    assert progress.sent == 3 and progress.skipped == 3
    for chat in chats:
        [text] = await world.bot_texts(chat)
        assert world.digest.title in text


async def test_a_late_digest_reaches_the_waiting_reader_when_the_poller_stores_it(
    world: DeliveryWorld,
    subscribers: SubscriberStore,
    archive: DigestArchive,
    clock: MovableClock,
    tmp_path: Path,
) -> None:
    clock.now = datetime(2025, 7, 21, 13, 0, tzinfo=UTC)
    chat_id = (await world.control.create_private_chat()).chat_id
    await subscribers.subscribe(chat_id)  # 08:00 Shanghai: 2025-07-22 00:00 UTC
    planner = Planner(
        world.stores.due, world.stores.waiting, archive, world.outbox, timedelta(hours=6), clock
    )
    async with Bot(world.bot_token, base_url=world.sandbox.bot_api_base_url) as bot:
        alerts = AdminAlerts(world.stores.alert_claims, bot, ())
        poller = DigestPoller(
            [FolderSource(tmp_path)],
            archive,
            alerts,
            clock,
            ZoneInfo("Asia/Shanghai"),
            waiting_dates=planner.waiting.dates,
            on_stored=planner.digest_arrived,
        )
        await world.pool()

        clock.now = datetime(2025, 7, 22, 0, 0, tzinfo=UTC)
        await planner.tick()  # the 2025-07-22 digest is not out: the reader waits
        clock.now = datetime(2025, 7, 22, 1, 30, tzinfo=UTC)
        (tmp_path / "2025-07-22.md").write_text(
            digest_text("2025-07-22", title="2025.07.22 迟到的简报"), encoding="utf-8"
        )
        await poller.poll()

        progress = await world.finished(scheduled_push_id("2025-07-22"))
    assert progress.sent == 1
    [text] = await world.bot_texts(chat_id)
    assert "2025.07.22 迟到的简报" in text
