"""Every error kind of the Bot API, injected by the sandbox, and what readers and admins
then see: nothing lost, nobody pestered twice, every outcome counted."""

from __future__ import annotations

import dataclasses

from bot.delivery.senders.deliverer import DeliveryPolicy
from bot.store.dead_letters import DeadLetters
from tests.fixtures.delivery import FAST, DeliveryWorld


async def test_a_429_pauses_every_sender_then_everything_lands(world: DeliveryWorld) -> None:
    chats = await world.readers(60)
    # Telegram's 30/s is enforced, but the bot believes it may send 200/s: it provokes a
    # 429 once the sandbox's burst of 30 is spent, and must then hold back both pools
    # (two processes) for retry_after, not just the task that got the 429.
    await world.control.set_faults(global_rate=30, retry_after=1)
    config = dataclasses.replace(FAST, concurrency=2)
    await world.pool(rate=200, config=config)
    await world.pool(rate=200, config=config)
    progress = await world.finished(await world.push(chats))
    assert (progress.sent, progress.failed) == (60, 0)
    for chat in chats:
        assert len(await world.bot_texts(chat)) == 1
    too_many = (await world.control.counters())["too_many_requests"]
    # A pause costs at most the 4 sends already in flight (2 pools x 2 slots), and one
    # pause refills the sandbox's bucket for the other 30: at most two rounds. Senders
    # that only deferred the refused task would go on sending during the pause and
    # collect a 429 for each of the 30 readers left.
    assert 1 <= too_many <= 2 * 4


async def test_blocked_and_vanished_chats_are_marked_blocked_and_skipped_later(
    world: DeliveryWorld,
) -> None:
    chats = await world.readers(4)
    blocked, vanished, *fine = chats
    await world.control.block(blocked)
    await world.control.set_faults(missing_chats=[vanished])
    await world.pool()
    progress = await world.finished(await world.push(chats, "first"))
    assert (progress.sent, progress.blocked) == (2, 2)
    for chat in fine:
        assert len(await world.bot_texts(chat)) == 1
    for chat in (blocked, vanished):
        subscriber = await world.subscribers.get(chat)
        assert subscriber is not None and subscriber.status == "blocked"
        assert await world.bot_texts(chat) == []
    # A later push never tries them again.
    await world.control.unblock(blocked)
    requests_before = (await world.control.counters())["requests"].get("sendMessage", 0)
    progress = await world.finished(await world.push(chats, "second"))
    assert (progress.sent, progress.skipped) == (0, 4)  # 2 delivered already, 2 blocked
    assert (await world.control.counters())["requests"].get("sendMessage", 0) == requests_before


async def test_an_upgraded_group_is_moved_and_gets_the_digest_at_its_new_id(
    world: DeliveryWorld,
) -> None:
    (group,) = await world.readers(1, groups=True)
    supergroup = await world.control.upgrade_group(group)
    await world.pool()
    progress = await world.finished(await world.push([group]))
    assert progress.sent == 1
    assert await world.subscribers.get(group) is None
    moved = await world.subscribers.get(supergroup)
    assert moved is not None and moved.status == "active"
    texts = await world.bot_texts(supergroup)
    assert len(texts) == 1 and world.digest.title in texts[0]


async def test_a_burst_of_5xx_is_retried_and_delivered(world: DeliveryWorld) -> None:
    chats = await world.readers(6)
    await world.control.set_faults(error_burst=8, error_status=502, methods=["sendMessage"])
    await world.pool()
    progress = await world.finished(await world.push(chats))
    assert (progress.sent, progress.failed) == (6, 0)
    assert (await world.control.counters())["status_codes"].get("502") == 8
    for chat in chats:
        assert len(await world.bot_texts(chat)) == 1
    assert await DeadLetters(world.redis, world.keys).count() == 0


async def test_persistent_5xx_dead_letters_and_alerts_the_admins_once(
    world: DeliveryWorld,
) -> None:
    admin = (await world.control.create_private_chat(first_name="Admin")).chat_id
    chats = await world.readers(3)
    await world.control.set_faults(error_burst=1000, error_status=500, methods=["sendMessage"])
    config = dataclasses.replace(
        FAST, policy=DeliveryPolicy(retry_seconds=0.3, backoff_base=0.01, backoff_cap=0.02)
    )
    # Two pools (two processes) hit the failure; the admins still hear of it once.
    await world.pool(config=config, admin_ids=frozenset({admin}))
    await world.pool(config=config, admin_ids=frozenset({admin}))
    progress = await world.finished(await world.push(chats, "doomed"))
    assert (progress.sent, progress.failed) == (0, 3)
    letters = [letter async for letter in DeadLetters(world.redis, world.keys)]
    assert sorted(str(chat) in letter.task for chat in chats for letter in letters).count(True) == 3
    assert all("Internal Server Error" in letter.reason for letter in letters)
    assert all(letter.attempts >= 2 for letter in letters)  # retried within the budget

    await world.control.reset_faults()
    alerts = await world.control.wait_for_messages(admin, 1)
    assert len(alerts) == 1
    assert "doomed" in alerts[0].text and "死信" in alerts[0].text
    for chat in chats:
        assert await world.bot_texts(chat) == []


async def test_a_bad_outbox_entry_is_dead_lettered_and_the_rest_delivered(
    world: DeliveryWorld,
) -> None:
    chats = await world.readers(3)
    await world.outbox.stream.ensure_group()
    await world.redis.xadd(world.keys.outbox(), {"task": '{"v": 99, "kind": "push"}'})
    await world.redis.xadd(world.keys.outbox(), {"junk": "x"})
    await world.pool()
    progress = await world.finished(await world.push(chats))
    assert progress.sent == 3
    reasons = [letter.reason async for letter in DeadLetters(world.redis, world.keys)]
    assert len(reasons) == 2
    assert any("unsupported task version" in r for r in reasons)
    assert any("no 'task' field" in r for r in reasons)
    assert await world.outbox.stream.backlog() == 0
