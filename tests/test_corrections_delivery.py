"""A correction of a delivered digest, end to end through the sandbox with real Redis:
every delivered message that shows a changed item is edited in place (compact: the
headline list; full: the message holding the item), no other message is touched, a
rerun edits nothing, a reader pushed later gets the corrected text, and a sender killed
in the middle leaves the rest to another."""

from __future__ import annotations

import dataclasses

from prometheus_client import REGISTRY

from bot.digest.model import Digest
from bot.store.digests import DigestArchive
from sandbox import ChatMessage
from tests.fixtures.corrections import item, long_digest, service, with_item
from tests.fixtures.delivery import FAST, DeliveryWorld

NEW_TITLE = "更正：京东与美团的竞争延伸到具身智能"


async def _delivered(world: DeliveryWorld, example: Digest) -> tuple[Digest, dict[str, list[int]]]:
    """The long digest pushed to compact, full and hardware-only full readers."""
    digest = long_digest(example)
    await DigestArchive(world.redis, world.keys).save(digest)
    readers = {
        "compact": await world.readers(5),
        "full": await world.readers(5, format="full"),
        # Item 7 is not in 硬件前沿: these readers never saw it.
        "hardware": await world.readers(3, format="full", categories=["硬件前沿"]),
    }
    await world.pool()
    progress = await world.finished(await world.push([c for g in readers.values() for c in g]))
    assert progress.sent == 13
    return digest, readers


def _holding(messages: list[ChatMessage], text: str) -> list[int]:
    return [i for i, m in enumerate(messages) if text in m.text]


async def test_every_message_showing_the_item_is_edited_and_no_other(
    world: DeliveryWorld,
) -> None:
    digest, readers = await _delivered(world, world.digest)
    old_title = item(digest, 7).title
    full_before = await world.control.bot_messages(readers["full"][0])
    assert len(full_before) >= 3  # the full format takes several messages
    (holding,) = _holding(full_before, old_title)
    corrected = with_item(digest, 7, title=NEW_TITLE)
    corrections = service(world)

    preview = await corrections.preview(corrected)
    assert [(c.part, c.item, c.after) for c in preview.changes] == [("headline", 7, NEW_TITLE)]
    assert (preview.count.messages, preview.count.chats) == (10, 10)  # 5 compact + 5 full
    edited_before = _edited_metric()
    applied = await corrections.apply(corrected, "cli:test")
    assert applied.enqueued == 10
    progress = await world.finished(applied.batch_id)
    assert (progress.sent, progress.failed, progress.blocked) == (10, 0, 0)
    assert _edited_metric() - edited_before == 10  # what /metrics shows an operator

    for chat in readers["compact"]:
        (message,) = await world.control.bot_messages(chat)
        assert len(message.history) == 1  # edited once, in place
        assert NEW_TITLE in message.text and old_title not in message.text
        assert message.reply_markup == message.history[0]["reply_markup"]  # buttons kept
    for chat in readers["full"]:
        messages = await world.control.bot_messages(chat)
        assert len(messages) == len(full_before)  # nothing sent, only edited
        assert [len(m.history) for m in messages] == [
            1 if i == holding else 0 for i in range(len(messages))
        ]
        assert NEW_TITLE in messages[holding].text
    for chat in readers["hardware"]:
        assert all(not m.history for m in await world.control.bot_messages(chat))

    # Applying the same correction again edits nothing.
    assert (await corrections.preview(corrected)).nothing_to_do
    again = await corrections.apply(corrected, "cli:test")
    assert again.enqueued == 0
    for chat in readers["compact"] + readers["full"]:
        assert max(len(m.history) for m in await world.control.bot_messages(chat)) == 1

    # A reader pushed later gets the corrected text in the first place.
    (late,) = await world.readers(1)
    await world.finished(await world.push([late], "late-push"))
    (message,) = await world.control.bot_messages(late)
    assert NEW_TITLE in message.text and not message.history


async def test_a_summary_correction_leaves_compact_messages_alone(world: DeliveryWorld) -> None:
    digest, readers = await _delivered(world, world.digest)
    corrected = with_item(digest, 7, summary=("更正后的摘要。",))
    corrections = service(world)
    assert (await corrections.preview(corrected)).count.chats == 5  # only the full readers
    applied = await corrections.apply(corrected, "cli:test", notify=True)
    await world.finished(applied.batch_id)
    for chat in readers["compact"] + readers["hardware"]:
        messages = await world.control.bot_messages(chat)
        assert all(not m.history for m in messages)
    for chat in readers["full"]:
        messages = await world.control.bot_messages(chat)
        assert sum(len(m.history) for m in messages) == 1
        assert any("更正后的摘要。" in m.text for m in messages)
        # --notify: one short notice after the edits.
        assert (
            messages[-1].text
            == "更正：2025-07-21 简报的第 7 条已更新，上面的消息已改为更正后的内容。"
        )


async def test_a_second_correction_edits_from_what_the_reader_shows(
    world: DeliveryWorld,
) -> None:
    digest, readers = await _delivered(world, world.digest)
    corrections = service(world, settle_seconds=0)
    first = with_item(digest, 7, title=NEW_TITLE)
    await world.finished((await corrections.apply(first, "1")).batch_id)
    second = with_item(first, 2, title="第二次更正")  # item 2 is in 硬件前沿 too
    assert (await corrections.preview(second)).count.messages == 13
    await world.finished((await corrections.apply(second, "1")).batch_id)
    for chat in readers["hardware"]:  # never saw item 7: edited once, for item 2
        messages = await world.control.bot_messages(chat)
        assert sum(len(m.history) for m in messages) == 1
        assert not any(NEW_TITLE in m.text for m in messages)
    for chat in readers["full"]:
        messages = await world.control.bot_messages(chat)
        assert sum(len(m.history) for m in messages) == 2
        assert any("第二次更正" in m.text for m in messages)
        assert any(NEW_TITLE in m.text for m in messages)


async def test_a_deleted_message_or_a_blocked_chat_does_not_fail_the_correction(
    world: DeliveryWorld,
) -> None:
    digest, readers = await _delivered(world, world.digest)
    deleted = readers["compact"][0]
    (message,) = await world.control.bot_messages(deleted)
    bot = await world.bot()
    await bot.delete_message(deleted, message.message_id)  # as if the reader deleted it
    blocked = readers["full"][0]
    await world.control.block(blocked)  # edits are refused with 403 as sends are
    corrections = service(world, settle_seconds=0)
    applied = await corrections.apply(with_item(digest, 7, title=NEW_TITLE), "1")
    progress = await world.finished(applied.batch_id)
    # Gone is not a failure: the deleted one is skipped, the refused one blocked.
    assert (progress.sent, progress.skipped, progress.blocked, progress.failed) == (8, 1, 1, 0)
    subscriber = await world.subscribers.get(blocked)
    assert subscriber is not None and subscriber.status == "blocked"
    assert await world.stores.dead_letters.count() == 0


async def test_a_sender_killed_mid_correction_is_taken_over(world: DeliveryWorld) -> None:
    digest = long_digest(world.digest)
    await DigestArchive(world.redis, world.keys).save(digest)
    chats = await world.readers(40) + await world.readers(20, format="full")
    await world.pool()
    await world.finished(await world.push(chats))
    for pool in world.pools:
        await pool.stop()
    world.pools.clear()

    await world.control.set_faults(latency_ms=100)
    config = dataclasses.replace(FAST, concurrency=4)
    doomed = await world.pool(config=config)
    corrections = service(world, settle_seconds=0)
    corrected = with_item(digest, 7, title=NEW_TITLE)
    applied = await corrections.apply(corrected, "1")
    await world.sent_at_least(applied.batch_id, 10)
    await doomed.abort()  # claims left behind, tasks pending

    await world.control.set_faults(latency_ms=0)
    await world.pool(config=config)
    progress = await world.finished(applied.batch_id)
    assert progress.handled == 60 and progress.failed == 0
    for chat in chats:
        messages = await world.control.bot_messages(chat)
        # Everybody's message is corrected, once (a repeated edit is "not modified").
        assert sum(NEW_TITLE in m.text for m in messages) == 1
        assert sum(len(m.history) for m in messages) == 1
    edits = (await world.control.counters())["requests"].get("editMessageText", 0)
    assert edits - 60 <= config.concurrency  # only what was in flight was sent twice
    assert (await corrections.apply(corrected, "1")).enqueued == 0


async def test_a_correction_during_the_push_reaches_the_rest_of_it(world: DeliveryWorld) -> None:
    digest = long_digest(world.digest)
    await DigestArchive(world.redis, world.keys).save(digest)
    chats = await world.readers(30)
    await world.pool(rate=2.0)  # 15 s for the push: the correction lands in its middle
    push_id = await world.push(chats)
    await world.sent_at_least(push_id, 5)
    corrections = service(world)  # settles like the real one: the senders see it
    corrected = with_item(digest, 7, title=NEW_TITLE)
    applied_hash = corrected.content_hash
    applied = await corrections.apply(corrected, "1")
    await world.finished(push_id, within=40)
    await world.finished(applied.batch_id, within=40)
    for chat in chats:
        (message,) = await world.control.bot_messages(chat)
        assert NEW_TITLE in message.text  # sent corrected, or edited after
        assert len(message.history) <= 1
    # Tasks a sender had already rendered (claimed) when the correction came are edited
    # once their push is recorded; the ledger names the corrected version for everyone.
    for chat in chats:
        entry = await world.stores.ledger.get(digest.date, chat)
        assert entry is not None and entry.content_hash == applied_hash


def _edited_metric() -> float:
    """``briefbot_messages_edited_total{kind="edit"}`` of this process, as /metrics has it."""
    value = REGISTRY.get_sample_value("briefbot_messages_edited_total", {"kind": "edit"})
    return value or 0.0
