"""The scheduler lease: one holder at a time, taken over after the holder stops renewing,
and never renewed or released by a process that lost it."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.lease import Lease


async def test_only_one_process_holds_the_lease(redis: Redis, keys: Keys) -> None:
    first = Lease(redis, keys, ttl_seconds=5, holder="first")
    second = Lease(redis, keys, ttl_seconds=5, holder="second")

    assert await first.acquire_or_renew()
    assert not await second.acquire_or_renew()
    assert await first.acquire_or_renew()  # renewing our own lease keeps it
    assert await second.current_holder() == "first"


async def test_a_dead_holder_is_taken_over_after_expiry(redis: Redis, keys: Keys) -> None:
    dead = Lease(redis, keys, ttl_seconds=0.3, holder="dead")
    alive = Lease(redis, keys, ttl_seconds=0.3, holder="alive")
    assert await dead.acquire_or_renew()
    assert not await alive.acquire_or_renew()

    await asyncio.sleep(0.45)  # the holder stopped renewing: the lease expires

    assert await alive.acquire_or_renew()
    assert await alive.current_holder() == "alive"
    # The old holder comes back: it must not renew or drop the new holder's lease.
    assert not await dead.acquire_or_renew()
    await dead.release()
    assert await alive.current_holder() == "alive"


async def test_renewal_keeps_the_lease_past_its_first_expiry(redis: Redis, keys: Keys) -> None:
    holder = Lease(redis, keys, ttl_seconds=0.6, holder="holder")
    other = Lease(redis, keys, ttl_seconds=0.6, holder="other")
    # Renewed every 0.25 s, the lease is still the holder's at 0.75 s; without renewal it
    # would be free from 0.6 s, and the last check would hand it to the other process.
    for _ in range(3):
        assert await holder.acquire_or_renew()
        await asyncio.sleep(0.25)
        assert not await other.acquire_or_renew()
    assert await other.current_holder() == "holder"


async def test_release_hands_over_at_once(redis: Redis, keys: Keys) -> None:
    leaving = Lease(redis, keys, ttl_seconds=30, holder="leaving")
    staying = Lease(redis, keys, ttl_seconds=30, holder="staying")
    assert await leaving.acquire_or_renew()
    await leaving.release()
    assert not leaving.held
    assert await staying.acquire_or_renew()


async def test_two_jobs_of_one_process_asking_at_once_both_hold_it(
    redis: Redis, keys: Keys
) -> None:
    lease = Lease(redis, keys, ttl_seconds=5, holder="process")
    assert await asyncio.gather(lease.acquire_or_renew(), lease.acquire_or_renew()) == [
        True,
        True,
    ]
    assert lease.held
