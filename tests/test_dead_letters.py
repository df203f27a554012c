"""The dead-letter stream: retried dead letters go back into the outbox once each, even
when several retries run at the same moment, and their push counts the new outcome in place
of the failure."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.stores import Stores


async def test_concurrent_retries_put_each_dead_letter_back_once(redis: Redis, keys: Keys) -> None:
    stores = Stores.over(redis, keys)
    await stores.outbox.ensure_group()
    await stores.progress.add_enqueued("p1", 2)
    await stores.progress.count("p1", "failed", 2)
    first = await stores.dead_letters.add('{"task": 1}', "boom", 3, "sender")
    second = await stores.dead_letters.add('{"task": 2}', "boom", 3, "sender")
    letters = [(first, "p1"), (second, "p1")]
    answers = await asyncio.gather(*(stores.dead_letters.requeue(letters) for _ in range(5)))
    assert sorted(entry for answer in answers for entry in answer) == sorted([first, second])
    assert await stores.dead_letters.count() == 0
    assert await stores.outbox.backlog() == 2  # once each
    progress = await stores.progress.get("p1")
    assert (progress.enqueued, progress.failed) == (2, 0)  # the new outcomes count instead
    assert await stores.dead_letters.requeue(letters) == []  # gone: nothing to do
    assert await stores.dead_letters.get(first) is None
