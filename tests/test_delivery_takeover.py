"""Several senders on one push: they share it, and when one dies mid-push another takes
over its tasks, so nobody misses the digest and duplicates stay within what was in flight."""

from __future__ import annotations

import dataclasses

from tests.fixtures.delivery import FAST, DeliveryWorld


async def test_two_pools_share_one_push_and_each_reader_gets_it_once(
    world: DeliveryWorld,
) -> None:
    chats = await world.readers(40)
    await world.control.set_faults(latency_ms=20)
    first, second = await world.pool(), await world.pool()
    progress = await world.finished(await world.push(chats))
    assert (progress.enqueued, progress.sent) == (40, 40)
    assert first.delivered > 0 and second.delivered > 0
    assert first.delivered + second.delivered == 40
    for chat in chats:
        assert len(await world.bot_texts(chat)) == 1


async def test_a_sender_that_dies_mid_push_is_taken_over(world: DeliveryWorld) -> None:
    chats = await world.readers(60)
    await world.control.set_faults(latency_ms=100)
    config = dataclasses.replace(FAST, concurrency=4)
    doomed = await world.pool(config=config)
    push_id = await world.push(chats)
    await world.sent_at_least(push_id, 10)
    await doomed.abort()  # no acknowledgement, claims left behind, tasks pending
    assert await world.outbox.stream.pending() > 0

    await world.control.set_faults(latency_ms=0)
    rescuer = await world.pool(config=config)
    progress = await world.finished(push_id)
    assert rescuer.delivered > 0
    assert progress.handled == 60 and progress.failed == 0
    counts = [len(await world.bot_texts(chat)) for chat in chats]
    assert min(counts) == 1  # nobody misses the digest
    duplicates = sum(counts) - len(chats)
    assert duplicates <= config.concurrency  # only what was in flight at the crash
    assert await world.outbox.stream.backlog() == 0


async def test_a_stopped_sender_acknowledges_what_it_finished_and_leaves_the_rest(
    world: DeliveryWorld,
) -> None:
    chats = await world.readers(30)
    await world.control.set_faults(latency_ms=50)
    config = dataclasses.replace(FAST, concurrency=2)
    leaving = await world.pool(config=config)
    push_id = await world.push(chats)
    await world.sent_at_least(push_id, 4)
    await leaving.stop()
    world.pools.remove(leaving)
    stopped_at = await world.outbox.progress.get(push_id)
    assert stopped_at.sent == leaving.delivered  # everything it finished is counted
    assert not stopped_at.finished

    await world.pool(config=config)
    progress = await world.finished(push_id)
    assert progress.sent == 30
    for chat in chats:
        assert len(await world.bot_texts(chat)) == 1  # a clean stop leaves no duplicates
