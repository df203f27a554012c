"""Broadcasts through the delivery engine, real Redis and the sandbox: each active reader
gets exactly one copy, blocked and stopped readers none, the audience narrows by language
and category, a cancel stops the rest, and a sender killed mid-broadcast is taken over
with duplicates bounded by what was in flight."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from bot.delivery.kinds.broadcast import enqueue_broadcast
from bot.delivery.kinds.broadcast_audience import broadcast_audience
from bot.digest.categories import CategoryRules
from bot.services.audit import AuditTrail
from bot.services.broadcasts import BroadcastService
from bot.services.refusal import Refused
from bot.store.audit import AuditLog
from tests.fixtures.delivery import FAST, DeliveryWorld

TEXT = '<b>Notice</b>: the digest moves to 07:30 · <a href="https://example.com/n">why</a>'
SEEN = "Notice: the digest moves to 07:30 · why"


def service(world: DeliveryWorld) -> BroadcastService:
    return BroadcastService(
        world.stores, CategoryRules.default(), AuditTrail(AuditLog(world.redis, world.keys))
    )


async def start(world: DeliveryWorld, text: str = TEXT, **filters: str) -> tuple[str, int]:
    broadcasts = service(world)
    draft = await broadcasts.prepare("42", text, lang="en", **filters)
    return draft.broadcast_id, await broadcasts.send("42", draft.broadcast_id, lang="en")


async def test_every_active_reader_gets_one_copy_and_blocked_or_stopped_ones_none(
    world: DeliveryWorld,
) -> None:
    chats = await world.readers(30)
    blocked, stopped, reached = chats[:5], chats[5:10], chats[10:]
    for chat in blocked:
        await world.control.block(chat)  # they blocked the bot: Telegram answers 403
    for chat in stopped[:3]:
        await world.subscribers.unsubscribe(chat)  # /stop before the broadcast
    broadcast_id, count = await start(world)
    assert count == 27  # the three who stopped first are not in the audience
    for chat in stopped[3:]:
        await world.subscribers.unsubscribe(chat)  # /stop after it was enqueued
    await world.pool()
    progress = await world.finished(f"broadcast-{broadcast_id}")
    assert (progress.sent, progress.blocked, progress.skipped, progress.failed) == (20, 5, 2, 0)
    for chat in reached:
        [message] = await world.control.bot_messages(chat)
        assert message.text == SEEN
        assert {e["type"] for e in message.entities} == {"bold", "text_link"}
    for chat in (*blocked, *stopped):
        assert await world.bot_texts(chat) == []
    for chat in blocked:
        subscriber = await world.subscribers.get(chat)
        assert subscriber is not None and subscriber.status == "blocked"

    # Enqueued again (a rerun, a replayed task): the ledger sends nothing twice.
    await enqueue_broadcast(world.outbox, broadcast_id, iter_async(reached))
    again = await world.finished(f"broadcast-{broadcast_id}")
    assert again.skipped == progress.skipped + len(reached)
    for chat in reached:
        assert len(await world.bot_texts(chat)) == 1


async def iter_async(chats: list[int]) -> AsyncIterator[int]:
    for chat in chats:
        yield chat


async def test_the_audience_narrows_by_language_and_category(world: DeliveryWorld) -> None:
    chinese = await world.readers(3)
    english = await world.readers(2, language="en")
    hardware = await world.readers(2, categories=("硬件前沿",))
    other = await world.readers(2, categories=("资本动态",))
    rules = CategoryRules.default()
    only_en = [c async for c in broadcast_audience(world.subscribers, rules, "en", "")]
    assert sorted(only_en) == sorted(english)
    by_alias = [c async for c in broadcast_audience(world.subscribers, rules, "", "hardware")]
    # Who chose the category (by an alias here) and who chose none (they get every item).
    assert sorted(by_alias) == sorted([*chinese, *english, *hardware])
    assert not set(by_alias) & set(other)
    broadcast_id, count = await start(world, audience_lang="en")
    assert count == 2
    await world.pool()
    await world.finished(f"broadcast-{broadcast_id}")
    for chat in english:
        assert await world.bot_texts(chat) == [SEEN]
    for chat in chinese:
        assert await world.bot_texts(chat) == []


async def test_a_cancel_stops_what_is_not_sent_yet(world: DeliveryWorld) -> None:
    chats = await world.readers(40)
    await world.control.set_faults(latency_ms=100)
    broadcast_id, _ = await start(world)
    await world.pool(config=dataclasses.replace(FAST, concurrency=2))
    await world.sent_at_least(f"broadcast-{broadcast_id}", 2)
    cancelled = await service(world).cancel("42", broadcast_id, lang="en")
    assert cancelled.state == "cancelled"
    progress = await world.finished(f"broadcast-{broadcast_id}")
    assert progress.skipped > 0 and progress.sent < 40
    received = [len(await world.bot_texts(chat)) for chat in chats]
    assert sum(received) == progress.sent  # the skipped ones got nothing
    entries = await AuditLog(world.redis, world.keys).recent(5)
    assert [(e.action, e.outcome) for e in entries][:1] == [("broadcast.cancel", "done")]


async def test_a_sender_killed_mid_broadcast_is_taken_over_without_missing_anyone(
    world: DeliveryWorld,
) -> None:
    chats = await world.readers(60)
    await world.control.set_faults(latency_ms=100)
    config = dataclasses.replace(FAST, concurrency=4)
    doomed = await world.pool(config=config)
    broadcast_id, _ = await start(world)
    batch = f"broadcast-{broadcast_id}"
    await world.sent_at_least(batch, 10)
    await doomed.abort()  # as kill -9: claims left behind, tasks pending
    await world.control.set_faults(latency_ms=0)
    rescuer = await world.pool(config=config)
    progress = await world.finished(batch)
    assert rescuer.delivered > 0
    assert progress.handled == 60 and progress.failed == 0
    counts = [len(await world.bot_texts(chat)) for chat in chats]
    assert min(counts) == 1  # nobody missed
    assert sum(counts) - len(chats) <= config.concurrency  # only what was in flight
    assert await world.outbox.stream.backlog() == 0


async def test_a_second_send_is_refused_and_audited(world: DeliveryWorld) -> None:
    await world.readers(2)
    broadcast_id, count = await start(world)
    broadcasts = service(world)
    with pytest.raises(Refused) as refused:
        await broadcasts.send("43", broadcast_id, lang="en")
    assert refused.value.message == "This broadcast is sending already; it is not sent again."
    [entry, *_] = await AuditLog(world.redis, world.keys).recent(5)
    assert (entry.who, entry.action, entry.outcome) == ("43", "broadcast.send", "refused")
    assert entry.details["broadcast"] == broadcast_id
    assert (await world.outbox.progress.get(f"broadcast-{broadcast_id}")).enqueued == count
