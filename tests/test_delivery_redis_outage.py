"""Redis going away between a send and its ledger record (issue 10, finding 2): the reader
who got the message is counted delivered, gets nothing twice, lands in no dead letter, the
admins hear nothing, and a later push of the date sends them nothing.

Each test runs its own embedded Redis (a real server it may stop and start again on the
same socket); the outage is injected by the transport right after Telegram (the sandbox)
answered a ``sendMessage`` and before the sender sees the answer, so the record that
follows meets a stopped Redis every time, not by luck of timing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from bot.delivery.kinds.push import enqueue_push, enqueue_push_for_active
from bot.digest.parser import load_digest
from bot.keys import Keys
from bot.store.dead_letters import DeadLetters
from bot.store.digests import DigestArchive
from bot.store.embedded import EmbeddedRedis
from bot.store.errors import StoreUnavailable
from bot.store.progress import BatchProgress
from bot.transport import AiohttpRequest
from sandbox import Sandbox, SandboxControl
from tests.fixtures.delivery import EXAMPLE, DeliveryWorld, store_long_digest
from tests.fixtures.redis_server import open_client
from tests.test_delivery_cli import _briefbot, _env

OUTAGE_SECONDS = 1.5  # longer than the Redis client's own retries (about 0.4 s)


class OutageAfterSends(AiohttpRequest):
    """The real transport; after the listed ``sendMessage`` answers (1-based), Redis is
    stopped before the answer reaches the sender and (unless ``restart`` is False: the
    test starts it) started again a moment later."""

    def __init__(self, server: EmbeddedRedis, after: set[int], *, restart: bool = True) -> None:
        super().__init__(16)
        self._server = server
        self._after = after
        self._restart_by_itself = restart
        self.sends = 0
        self.outages = 0
        self._restarts: list[asyncio.Task[None]] = []

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        answer = await super().do_request(url, method, *args, **kwargs)
        if url.endswith("/sendMessage") and answer[0] == 200:
            self.sends += 1
            if self.sends in self._after:
                await asyncio.to_thread(self._server.stop)
                self.outages += 1
                if self._restart_by_itself:
                    self._restarts.append(asyncio.create_task(self._restart()))
        return answer

    async def _restart(self) -> None:
        await asyncio.sleep(OUTAGE_SECONDS)
        await asyncio.to_thread(self._server.start)

    async def restarted(self) -> None:
        await asyncio.gather(*self._restarts)


async def finished(world: DeliveryWorld, batch_id: str, within: float) -> BatchProgress:
    """The batch's counters once every task has an outcome, asked through the outages."""
    async with asyncio.timeout(within):
        while True:
            try:
                state = await world.outbox.progress.get(batch_id)
            except StoreUnavailable:
                state = None
            if state is not None and state.finished:
                return state
            await asyncio.sleep(0.05)


@pytest.fixture
async def own_redis(tmp_path: Path) -> AsyncIterator[EmbeddedRedis]:
    """An embedded Redis only this test uses (so it may stop it)."""
    server = EmbeddedRedis(tmp_path / "redis")
    server.start()
    yield server
    await asyncio.to_thread(server.stop)


@pytest.fixture
async def outage_world(
    own_redis: EmbeddedRedis,
    sandbox: Sandbox,
    sandbox_control: SandboxControl,
    bot_token: str,
    key_prefix: str,
) -> AsyncIterator[DeliveryWorld]:
    assert own_redis.url is not None
    client: Redis = await open_client(own_redis.url)
    keys = Keys(key_prefix)
    digest = load_digest(EXAMPLE)
    await DigestArchive(client, keys).save(digest)
    async with AsyncExitStack() as stack:
        world = DeliveryWorld(
            client, own_redis.url, keys, sandbox, sandbox_control, bot_token, digest, stack
        )
        yield world
        for pool in world.pools:
            await pool.stop(grace=1.0)
    await client.aclose()


async def test_redis_restarted_between_sends_and_records_costs_no_reader_and_no_duplicate(
    outage_world: DeliveryWorld, own_redis: EmbeddedRedis
) -> None:
    world = outage_world
    admin = (await world.control.create_private_chat(first_name="Admin")).chat_id
    digest = await store_long_digest(world.redis, world.keys)
    compact = await world.readers(24)
    full = await world.readers(4, format="full")  # two messages each
    chats = compact + full
    # Two restarts in the push: after the 3rd and the 15th message Telegram accepted.
    request = OutageAfterSends(own_redis, after={3, 15})
    await world.pool(admin_ids=frozenset({admin}), request=request)
    await enqueue_push(world.outbox, digest.date, chats, "outage")
    progress = await finished(world, "outage", within=60)
    await request.restarted()
    assert request.outages == 2

    assert (progress.sent, progress.failed, progress.skipped) == (len(chats), 0, 0)
    assert await DeadLetters(world.redis, world.keys).count() == 0
    for chat in compact:
        assert len(await world.bot_texts(chat)) == 1, chat
    for chat in full:
        first, second = await world.bot_texts(chat)  # each part, once
        assert first.startswith(digest.title) and "第2条" in second
    # The ledger holds exactly the messages each reader has: nothing to send again.
    for chat in chats:
        entry = await world.stores.ledger.get(digest.date, chat)
        sent_ids = tuple(m.message_id for m in await world.control.bot_messages(chat))
        assert entry is not None and entry.sent and entry.message_ids == sent_ids
    again = await enqueue_push_for_active(world.outbox, world.stores, digest.date, "again")
    assert again == 0
    await asyncio.sleep(0.5)
    assert await world.bot_texts(admin) == []  # no false alert


async def test_redis_away_between_the_parts_of_a_full_digest_sends_each_part_once(
    outage_world: DeliveryWorld, own_redis: EmbeddedRedis
) -> None:
    world = outage_world
    digest = await store_long_digest(world.redis, world.keys)
    (chat,) = await world.readers(1, format="full")
    # Redis stops right after the first part went out, before the re-claim for the next.
    request = OutageAfterSends(own_redis, after={1})
    await world.pool(request=request)
    await enqueue_push(world.outbox, digest.date, [chat], "parts")
    progress = await finished(world, "parts", within=30)
    await request.restarted()
    assert (progress.sent, progress.failed) == (1, 0)
    messages = await world.control.bot_messages(chat)
    first, second = (m.text for m in messages)  # both parts, neither twice
    assert first.startswith(digest.title) and "第2条" in second
    entry = await world.stores.ledger.get(digest.date, chat)
    assert entry is not None and entry.message_ids == tuple(m.message_id for m in messages)


async def test_push_wait_rides_out_a_redis_restart_and_reports_every_delivery(
    outage_world: DeliveryWorld, own_redis: EmbeddedRedis, tmp_path: Path
) -> None:
    world = outage_world
    chats = await world.readers(20)
    await world.control.set_faults(latency_ms=150)  # the push lasts a few seconds
    assert own_redis.url is not None
    env = _env(world, own_redis.url, tmp_path, SENDER_CONCURRENCY="2")
    push = asyncio.create_task(_briefbot(env, "push", "2025-07-21", "--now", "--wait"))
    await world.control.wait_for_messages(chats[0], 1, timeout=30)
    await asyncio.to_thread(own_redis.stop)
    await asyncio.sleep(OUTAGE_SECONDS)
    await asyncio.to_thread(own_redis.start)
    status, output = await push
    assert status == 0, output
    assert "waiting for it to come back" in output
    assert "20 sent, 0 failed" in output
    for chat in chats:
        assert len(await world.bot_texts(chat)) == 1


async def test_a_sender_stopped_before_it_could_record_records_on_its_way_out(
    outage_world: DeliveryWorld, own_redis: EmbeddedRedis
) -> None:
    world = outage_world
    (chat,) = await world.readers(1)
    pool = await world.pool(request=OutageAfterSends(own_redis, after={1}, restart=False))
    await world.push([chat], "stopped")
    await world.control.wait_for_messages(chat, 1, timeout=10)
    await asyncio.sleep(1.0)  # its record has failed; it retries 2 s after that
    await asyncio.to_thread(own_redis.start)
    await pool.stop(grace=1.0)  # SIGTERM before that retry: it records on its way out
    await world.pool()  # would take the task over (reclaim after 1 s) and send it again
    progress = await finished(world, "stopped", within=20)
    assert (progress.sent, progress.skipped) == (1, 0)
    assert len(await world.bot_texts(chat)) == 1
