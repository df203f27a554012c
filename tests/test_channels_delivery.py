"""Posting to channels as processes run it: two schedulers and two sender pools on one
Redis, a movable clock and the sandbox. The post arrives at the channel's own time exactly
once, with deep-link buttons; a channel the bot was removed from is paused (the admins are
told once, nothing is retried); a removed channel gets nothing more."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from redis.asyncio import Redis
from telegram.error import BadRequest

from bot.delivery.kinds.channel import channel_batch, enqueue_channel_post
from bot.delivery.queue.outbox import Outbox
from bot.delivery.queue.tasks import envelope
from bot.delivery.senders.failures import ErrorKind, classify
from bot.digest.parser import parse_digest
from bot.keys import Keys
from bot.scheduler.channels import ChannelPlanner
from bot.services.audit import AuditTrail
from bot.services.channels import AddRequest, ChannelAdmin
from bot.store.audit import AuditLog
from bot.store.channels import Channel
from bot.store.stores import Stores
from tests.fixtures.delivery import DeliveryWorld
from tests.fixtures.redis_server import open_client
from tests.fixtures.scheduling import digest_text
from tests.fixtures.stores import MovableClock
from tests.test_delivery_cli import _briefbot, _env
from tests.test_scheduler_jobs import Factory, bot, make_scheduling, settings

__all__ = ["bot", "make_scheduling", "settings"]  # the fixtures this module uses

ADMIN = 515151


@pytest.fixture
async def second_client(redis_url: str) -> AsyncIterator[Redis]:
    client = await open_client(redis_url)
    yield client
    await client.aclose()


def planners(world: DeliveryWorld, second: Redis, clock: MovableClock) -> list[ChannelPlanner]:
    """The channel planners of two processes, each on its own Redis connection."""
    made = []
    for client in (world.redis, second):
        stores = Stores.over(client, world.keys)
        cutoff = timedelta(hours=6)
        made.append(
            ChannelPlanner(stores.channels, stores.digests, Outbox.of(stores), cutoff, clock)
        )
    return made


async def tick_all(scheduling: list[ChannelPlanner]) -> list[tuple[int, str]]:
    planned = []
    for planner in scheduling:
        planned += await planner.tick()
    return planned


async def test_posts_arrive_at_the_channels_time_exactly_once_and_a_kicked_bot_pauses(
    world: DeliveryWorld, second_client: Redis, clock: MovableClock
) -> None:
    date = world.digest.date  # 2025-07-21
    posted = await world.control.create_channel("AI Daily", username="ai_daily")
    lost = await world.control.create_channel("Other", username="other_chan")
    await world.control.create_private_chat(user_id=ADMIN, language_code="en")
    admin = ChannelAdmin(world.stores, AuditTrail(world.stores.audit), time(8), "Asia/Shanghai")
    bot = await world.bot()
    for name, fmt in (("@ai_daily", "compact"), ("@other_chan", "full")):
        request = AddRequest(name, "09:30", "full" if fmt == "full" else "compact")
        await admin.add("cli:test", bot, request, lang="en")
    scheduling = planners(world, second_client, clock)
    await world.pool(admin_ids=frozenset({ADMIN}))
    await world.pool(admin_ids=frozenset({ADMIN}))
    # The channel's admin removes the bot; the bot is not told before it posts.
    await world.control.set_bot_status(lost.chat_id, "kicked")

    clock.now = datetime(2025, 7, 21, 1, 29, 59, tzinfo=UTC)  # 09:29:59 in Shanghai
    assert await tick_all(scheduling) == []
    clock.now = datetime(2025, 7, 21, 1, 30, tzinfo=UTC)
    planned = await tick_all(scheduling) + await tick_all(scheduling)
    assert sorted(planned) == sorted([(posted.chat_id, date), (lost.chat_id, date)])
    progress = await world.finished(channel_batch(date))
    assert (progress.sent, progress.blocked, progress.failed) == (1, 1, 0)

    [post] = await world.control.bot_messages(posted.chat_id)
    assert post.text.startswith("2025.07.21 全球AI新闻速递")
    urls = [button["url"] for row in post.buttons for button in row]
    assert urls[0] == "https://t.me/briefbot_sandbox_bot?start=item_20250721_1"
    assert len(urls) == len(world.digest.items)
    assert await world.control.bot_messages(lost.chat_id) == []
    paused = await world.stores.channels.get(lost.chat_id)
    assert paused is not None and (paused.status, paused.reason) == ("paused", "refused")
    [alert] = await world.bot_texts(ADMIN)
    # In the bot's default language: this admin never wrote to it.
    assert alert.startswith("⚠️ 已暂停向 @other_chan 发布简报：Telegram 拒绝了发布")  # noqa: RUF001

    # Later that day, and a repeated task: nothing more is posted anywhere.
    clock.now = datetime(2025, 7, 21, 5, 0, tzinfo=UTC)
    assert await tick_all(scheduling) == []
    await enqueue_channel_post(world.outbox, date, posted.chat_id)
    progress = await world.finished(channel_batch(date))
    assert (progress.sent, progress.skipped) == (1, 1)
    assert len(await world.control.bot_messages(posted.chat_id)) == 1
    assert len(await world.bot_texts(ADMIN)) == 1  # told once

    # The next day: the removed channel and the paused one get nothing.
    await world.stores.digests.save(parse_digest(digest_text("2025-07-22"), "2025-07-22.md"))
    await admin.remove("cli:test", "@ai_daily", lang="en")
    clock.now = datetime(2025, 7, 22, 1, 30, tzinfo=UTC)
    assert await tick_all(scheduling) == []
    assert len(await world.control.bot_messages(posted.chat_id)) == 1
    assert await world.control.bot_messages(lost.chat_id) == []


async def test_a_late_digest_is_posted_when_it_arrives_in_the_channels_zone(
    world: DeliveryWorld, second_client: Redis, clock: MovableClock
) -> None:
    channel = await world.control.create_channel("Berlin Brief", username="berlin_brief")
    admin = ChannelAdmin(world.stores, AuditTrail(world.stores.audit), time(8), "Europe/Berlin")
    await admin.add("cli:test", await world.bot(), AddRequest("@berlin_brief"), lang="en")
    scheduling = planners(world, second_client, clock)
    await world.pool()
    # 08:00 in Berlin on 22 July (summer time): 06:00 UTC; that digest is not stored yet.
    clock.now = datetime(2025, 7, 22, 6, 0, tzinfo=UTC)
    assert await tick_all(scheduling) == []
    await world.stores.digests.save(parse_digest(digest_text("2025-07-22"), "2025-07-22.md"))
    clock.now = datetime(2025, 7, 22, 6, 20, tzinfo=UTC)
    assert await tick_all(scheduling) == [(channel.chat_id, "2025-07-22")]
    await world.finished(channel_batch("2025-07-22"))
    [post] = await world.control.bot_messages(channel.chat_id)
    assert post.buttons[0][0]["url"].endswith("?start=item_20250722_1")


async def test_the_schedulers_tick_plans_channel_posts(
    make_scheduling: Factory, redis: Redis, keys: Keys, clock: MovableClock
) -> None:
    stores = Stores.over(redis, keys)
    await stores.digests.save(parse_digest(digest_text("2025-07-21"), "2025-07-21.md"))
    channel = Channel(-1001, "AI Daily", "ai_daily", "09:30", "Asia/Shanghai", "compact",
                      "zh", "cli:test", 0)  # fmt: skip
    await stores.channels.save(channel)
    scheduling = make_scheduling(redis)
    clock.now = datetime(2025, 7, 21, 1, 30, tzinfo=UTC)
    await scheduling.tick()
    await scheduling.tick()
    tasks = [envelope(fields) for _, fields in await redis.xrange(keys.outbox())]
    assert [(kind, body["date"], body["chat"]) for kind, body in tasks] == [
        ("channel", "2025-07-21", -1001)
    ]
    await scheduling.stop()


def test_a_channel_that_took_the_right_to_post_is_gone_for_the_sender() -> None:
    refused = BadRequest("Need administrator rights in the channel chat")
    assert classify(refused).kind is ErrorKind.GONE


async def test_the_command_line_adds_lists_and_removes(
    world: DeliveryWorld, redis_url: str, tmp_path: Path
) -> None:
    await world.control.create_channel("AI Daily", username="ai_daily")
    await world.control.create_channel("Muted", username="muted_chan", can_post_messages=False)
    env = _env(world, redis_url, tmp_path)
    status, output = await _briefbot(env, "channels", "add", "@ai_daily", "full", "07:15")
    assert status == 0, output
    assert "Connected @ai_daily (AI Daily)" in output and "daily at 07:15" in output
    status, output = await _briefbot(env, "channels", "add", "@muted_chan")
    assert status == 1 and "may not post messages" in output, output
    status, output = await _briefbot(env, "channels", "add", "ai_daily")
    assert status == 2 and "expected @name or a chat id" in output, output
    status, output = await _briefbot(env, "channels", "list")
    assert "@ai_daily · AI Daily · daily at 07:15 (Asia/Shanghai) · full" in output, output
    status, output = await _briefbot(env, "channels", "remove", "@ai_daily")
    assert status == 0 and "disconnected @ai_daily" in output, output
    status, output = await _briefbot(env, "channels", "remove", "@ai_daily")
    assert status == 1 and "@ai_daily is not connected" in output, output
    actions = [(e.who.startswith("cli:"), e.action, e.outcome)
               for e in await AuditLog(world.redis, world.keys).recent(4)]  # fmt: skip
    assert actions == [(True, "channels.remove", "refused"), (True, "channels.remove", "done"),
                       (True, "channels.add", "refused"),
                       (True, "channels.add", "done")]  # fmt: skip


async def test_a_connected_group_that_became_a_supergroup_gets_its_post_there(
    world: DeliveryWorld,
) -> None:
    group = await world.control.create_group("读书会")
    admin = ChannelAdmin(world.stores, AuditTrail(world.stores.audit), time(8), "Asia/Shanghai")
    request = AddRequest(str(group.chat_id), "07:45", "compact", "en")
    await admin.add("cli:test", await world.bot(), request, lang="en")
    new_id = await world.control.upgrade_group(group.chat_id)
    await world.pool()
    await enqueue_channel_post(world.outbox, world.digest.date, group.chat_id)
    progress = await world.finished(channel_batch(world.digest.date))
    assert progress.sent == 1
    [post] = await world.control.bot_messages(new_id)
    assert post.buttons[0][0]["url"].endswith("?start=item_20250721_1")
    [moved] = await admin.list()
    assert (moved.chat_id, moved.push_time, moved.language) == (new_id, "07:45", "en")
    assert moved.last_date == world.digest.date
