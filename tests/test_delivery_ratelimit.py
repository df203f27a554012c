"""The shared limiter in Redis: slots spaced at the global rate whoever asks, one message
a second per private chat and one per three seconds per group, and a flood pause that
holds back everyone."""

from __future__ import annotations

import asyncio
import time

import pytest
from redis.asyncio import Redis

from bot.delivery.limits.limiter import SAFETY_MARGIN, RateLimiter, SlotVerdict
from bot.keys import Keys
from bot.store.send_slots import SendSlots


async def _send_times(limiter: RateLimiter, chats: range) -> list[float]:
    """When each chat's message would go out, honouring every answer of the limiter."""
    times = []
    for chat in chats:
        granted = False
        while not granted:
            slot = await limiter.acquire(chat)
            granted = slot.verdict is SlotVerdict.GRANTED
            await asyncio.sleep(slot.wait)  # the reserved slot, or when to ask again
        times.append(time.monotonic())
    return times


async def test_two_processes_together_stay_at_the_global_rate(redis: Redis, keys: Keys) -> None:
    one, two = (
        RateLimiter(SendSlots(redis, keys), rate=50),
        RateLimiter(SendSlots(redis, keys), rate=50),
    )
    first, second = await asyncio.gather(
        _send_times(one, range(1, 31)), _send_times(two, range(101, 131))
    )
    times = sorted(first + second)
    elapsed = times[-1] - times[0]
    # 60 messages at 50/s: 59 gaps of 20 ms; never faster (slower only by timer delays,
    # which a loaded machine stretches, hence the loose upper bound).
    assert 59 / 50 * 0.95 <= elapsed <= 59 / 50 * 2
    per_window = max(sum(1 for t in times if start <= t < start + 0.5) for start in times)
    assert per_window <= 26  # 25 in any half second, plus timer jitter at the edge


async def test_a_private_chat_gets_one_message_a_second_and_a_group_one_per_three(
    redis: Redis, keys: Keys
) -> None:
    # The wait is counted from the first slot: it shrinks by however long the machine took
    # between the two calls (a loaded CI machine may take well over 100 ms).
    limiter = RateLimiter(SendSlots(redis, keys), rate=1000)
    started = time.monotonic()
    assert (await limiter.acquire(42)).verdict is SlotVerdict.GRANTED
    again = await limiter.acquire(42)
    between = time.monotonic() - started
    assert again.verdict is SlotVerdict.CHAT_NOT_READY
    assert 1 - between - 0.01 <= again.wait <= 1.01  # its slot may lie 1 ms ahead
    assert (await limiter.acquire(43)).verdict is SlotVerdict.GRANTED  # others are not held up

    started = time.monotonic()
    assert (await limiter.acquire(-100)).verdict is SlotVerdict.GRANTED
    group = await limiter.acquire(-100)
    between = time.monotonic() - started
    assert group.verdict is SlotVerdict.CHAT_NOT_READY
    assert 3 - between - 0.01 <= group.wait <= 3.01


async def test_a_flood_pause_holds_back_every_chat_until_it_ends(redis: Redis, keys: Keys) -> None:
    limiter, other_process = (
        RateLimiter(SendSlots(redis, keys), rate=30),
        RateLimiter(SendSlots(redis, keys), rate=30),
    )
    started = time.monotonic()
    await limiter.flood(0.3)
    await limiter.flood(0.1)  # a shorter pause never cuts a longer one short
    slot = await other_process.acquire(7)
    between = time.monotonic() - started
    assert slot.verdict is SlotVerdict.FLOOD_PAUSE
    # The rest of the longer pause (the shorter one would leave under 0.1 s).
    assert 0.3 - between - 0.01 <= slot.wait <= 0.3
    await asyncio.sleep(slot.wait)
    assert (await other_process.acquire(7)).verdict is SlotVerdict.GRANTED


async def test_a_rate_must_be_positive(redis: Redis, keys: Keys) -> None:
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(SendSlots(redis, keys), rate=0)


async def test_acquire_many_decides_in_order_as_single_acquires_would(
    redis: Redis, keys: Keys
) -> None:
    limiter = RateLimiter(SendSlots(redis, keys), rate=10)  # slots 100 ms apart, 250 ms horizon
    slots = await limiter.acquire_many([1, 2, 1, -5, 3, 4])
    assert [s.verdict for s in slots] == [
        SlotVerdict.GRANTED,
        SlotVerdict.GRANTED,
        SlotVerdict.CHAT_NOT_READY,  # chat 1 already has this batch's message
        SlotVerdict.GRANTED,
        SlotVerdict.BUSY,  # the next free slot lies beyond the horizon
        SlotVerdict.BUSY,
    ]
    # 100 ms apart, stretched by the safety margin: 1 / (10 * (1 - margin)) s.
    interval = 0.1 / (1 - SAFETY_MARGIN)
    expected = [0, interval, 2 * interval]
    assert [slots[i].wait for i in (0, 1, 3)] == pytest.approx(expected, abs=1e-6)
    assert 0.9 <= slots[2].wait <= 1.01
    # The third slot (3 intervals ahead) comes within the 250 ms horizon that much later.
    assert 3 * interval - 0.25 - 0.01 <= slots[4].wait <= 3 * interval - 0.25
    assert await limiter.acquire_many([]) == []


async def test_acquire_many_holds_every_chat_during_a_flood_pause(redis: Redis, keys: Keys) -> None:
    limiter = RateLimiter(SendSlots(redis, keys), rate=30)
    await limiter.flood(0.5)
    slots = await limiter.acquire_many([1, 2, -3])
    assert {s.verdict for s in slots} == {SlotVerdict.FLOOD_PAUSE}
    assert all(0 < s.wait <= 0.5 for s in slots)  # what is left of the pause
