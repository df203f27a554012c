"""The limiter's rules against a real Redis, read on Redis's own clock (the instants every
process shares), so no figure depends on how fast this machine runs:
- never bunched: no one-second window ever holds more than the rate, whoever asks;
- never late: a slot woken up for too late is given up;
- a rate that adapts: a 429 lowers the shared rate once per flood, for every process, and
  the rate climbs back while no 429 comes."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time

import pytest
from redis.asyncio import Redis

from bot.delivery.limits.limiter import (
    DECREASE,
    GUARD_SECONDS,
    KNEE,
    KNEE_CLIMBING,
    SAFETY_MARGIN,
    SLOT_VALID_SECONDS,
    RateLimiter,
    Slot,
    SlotVerdict,
)
from bot.keys import Keys
from bot.store.send_slots import SendSlots


async def granted_instants(limiter: RateLimiter, chats: range) -> list[int]:
    """Redis-clock instants (µs) of one slot per chat, asking as a sender does."""
    instants = []
    for chat in chats:
        while True:
            slot = await limiter.acquire(chat)
            if slot.verdict is SlotVerdict.GRANTED:
                instants.append(slot.redis_at_us)
                break
            await asyncio.sleep(slot.wait)
    return instants


def busiest_second(instants: list[int]) -> int:
    """The most instants in any one-second interval (closed: both ends count)."""
    ordered = sorted(instants)
    most, start = 0, 0
    for end, instant in enumerate(ordered):
        while ordered[start] < instant - 1_000_000:
            start += 1
        most = max(most, end - start + 1)
    return most


async def test_no_second_holds_more_than_the_rate_across_processes(
    redis: Redis, keys: Keys
) -> None:
    rate = 20
    processes = [RateLimiter(SendSlots(redis, keys), rate) for _ in range(2)]
    # Eight senders in each of two processes, 70 messages in all (3.5 s at 20/s).
    lanes = [range(base * 100, base * 100 + 5) for base in range(1, 15)]
    found = await asyncio.gather(
        *(granted_instants(processes[i % 2], chats) for i, chats in enumerate(lanes))
    )
    instants = sorted(t for lane in found for t in lane)
    assert len(instants) == 70
    assert busiest_second(instants) <= rate
    # Any rate+1 consecutive slots span the second plus the margin's room for lateness.
    room = 1 / (1 - SAFETY_MARGIN) - 1
    spans = [b - a for a, b in zip(instants, instants[rate:], strict=False)]
    # (less a microsecond per slot: the schedule is stored in whole microseconds)
    assert min(spans) >= (1 + room) * 1e6 - rate - 1


async def test_a_batch_of_slots_is_spaced_at_the_rate_less_the_margin(
    redis: Redis, keys: Keys
) -> None:
    slots = await RateLimiter(SendSlots(redis, keys), rate=1000).acquire_many(list(range(1, 201)))
    assert {s.verdict for s in slots} == {SlotVerdict.GRANTED}  # 200 slots fit 250 ms
    gaps = {b.redis_at_us - a.redis_at_us for a, b in itertools.pairwise(slots)}
    assert gaps <= {1025, 1026}  # 1 ms / (1 - margin), whole microseconds
    assert busiest_second([s.redis_at_us for s in slots]) == 200


def test_a_sender_that_wakes_too_late_gives_its_slot_up(
    redis: Redis, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = RateLimiter(SendSlots(redis, keys), rate=30)
    now = time.monotonic()
    assert limiter.on_time(Slot(SlotVerdict.GRANTED, 0.0, now + 1))  # not due yet: fine
    with caplog.at_level(logging.INFO, "bot.delivery.limits.limiter"):
        assert not limiter.on_time(Slot(SlotVerdict.GRANTED, 0.0, now - 2 * SLOT_VALID_SECONDS))
    assert limiter.late_slots == 1
    assert "gave it up" in caplog.text


async def test_a_429_lowers_the_rate_of_every_process_once_per_flood(
    redis: Redis, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    one, other = (RateLimiter(SendSlots(redis, keys), rate=50) for _ in range(2))
    with caplog.at_level(logging.WARNING, "bot.delivery.limits.limiter"):
        assert await one.flood(0.3) == pytest.approx(50 * DECREASE)
        # 429s of messages already in flight come back during the pause: not lowered again.
        assert await other.flood(0.2) == pytest.approx(50 * DECREASE)
        assert await one.flood(0.3) == pytest.approx(50 * DECREASE)
    assert caplog.text.count("429 from Telegram") == 1
    assert "the shared rate is now 40.0/s (configured 50/s)" in caplog.text
    paused = await other.acquire(7)
    assert paused.verdict is SlotVerdict.FLOOD_PAUSE
    assert other.effective_rate == pytest.approx(50 * DECREASE)
    # After the pause the other process sends at the lowered rate (or a little above it,
    # climbing back), never at the configured one.
    await asyncio.sleep(paused.wait)
    slots = await other.acquire_many([1, 2, 3])
    assert [s.verdict for s in slots] == [SlotVerdict.GRANTED] * 3
    gap = slots[1].redis_at_us - slots[0].redis_at_us
    assert gap > 1e6 / (50 * (1 - SAFETY_MARGIN)) + 100  # slower than 50/s less the margin
    # Another 429 once the pause is over is a new flood: lowered again.
    assert await other.flood(0.01) < 50 * DECREASE


async def test_the_rate_climbs_back_while_no_429_comes(redis: Redis, keys: Keys) -> None:
    limiter = RateLimiter(SendSlots(redis, keys), rate=30)
    await limiter.flood(0.01)
    # Fast climbing back ends at the knee, just under the rate that drew the 429.
    assert float(await redis.hget(keys.send_rate(), "knee")) == pytest.approx(30 * KNEE)
    await asyncio.sleep(0.02)
    first = (await limiter.acquire(1), limiter.effective_rate)[1]
    assert first < 30
    await asyncio.sleep(0.05)
    await limiter.acquire(2)
    assert first < limiter.effective_rate < 30
    # A 429 on the way back up says the knee was too high: the next one is lower still.
    climbing = float(await redis.hget(keys.send_rate(), "rate"))
    await limiter.flood(0.01)
    knee = float(await redis.hget(keys.send_rate(), "knee"))
    assert knee <= climbing * KNEE_CLIMBING + 0.5  # (it climbed a little since it was read)
    await asyncio.sleep(0.02)  # the pause is over
    # Long without a 429 (its stored time set back ten minutes): the configured rate
    # again, and the shared state is gone.
    stamp = await redis.hget(keys.send_rate(), "at")
    await redis.hset(keys.send_rate(), "at", str(int(stamp) - 600_000_000))
    await limiter.acquire(3)
    assert limiter.effective_rate == 30
    assert not await redis.exists(keys.send_rate())


async def test_the_effective_rate_is_logged_when_it_changes(
    redis: Redis, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = RateLimiter(SendSlots(redis, keys), rate=30)
    await limiter.flood(0.01)
    await asyncio.sleep(0.02)
    stamp = await redis.hget(keys.send_rate(), "at")
    await redis.hset(keys.send_rate(), "at", str(int(stamp) - 600_000_000))
    with caplog.at_level(logging.INFO, "bot.delivery.limits.limiter"):
        await limiter.acquire(1)
    assert "send rate now 30.0/s (configured 30/s)" in caplog.text


async def test_a_late_send_moves_the_slots_a_second_after_it(redis: Redis, keys: Keys) -> None:
    limiter = RateLimiter(SendSlots(redis, keys), rate=10)
    [first] = await limiter.acquire_many([1])
    # Its request left 200 ms after its slot (what the transport saw): reported.
    limiter.departed(first, first.at + 0.2, first.at + 0.2)
    await limiter.drain()
    later = await granted_instants(limiter, range(2, 12))
    sent = [first.redis_at_us + 200_000, *later]  # when each message left
    # The 10th slot after it would have been 10 intervals after it (1.026 s), when the
    # second before it held the 9 slots between and the late send too: 11 in one second.
    # It moved back to a second (and the guard) after the 10th latest send as sent.
    interval = 1e6 / (10 * (1 - SAFETY_MARGIN))
    assert later[9] >= later[0] + 1e6 + GUARD_SECONDS * 1e6 - 1
    assert later[9] - first.redis_at_us > 10 * interval + 50_000
    assert busiest_second(sent) <= 10
    # The slots before it were not held back.
    assert later[8] - later[0] <= 8 * interval + 8


async def test_a_send_answered_late_moves_the_slots_a_second_after_it(
    redis: Redis, keys: Keys
) -> None:
    limiter = RateLimiter(SendSlots(redis, keys), rate=10)
    quick, first = await limiter.acquire_many([1, 2])
    limiter.departed(quick, quick.at, quick.at + 0.001)  # a round trip of 1 ms: on time
    # The next request left on time but its answer took 200 ms: the receiver may have
    # counted it as late as 199 ms after its slot (all but the quickest round trip).
    limiter.departed(first, first.at, first.at + 0.2)
    await limiter.drain()
    later = await granted_instants(limiter, range(3, 14))
    counted = first.redis_at_us + 199_000
    # On the receiver's clock it came after the first slot that follows it: the tenth
    # message after that one moved back to a second (and the guard) after it.
    assert later[0] < counted < later[1]
    assert later[10] >= counted + 1e6 + GUARD_SECONDS * 1e6 - 1
    assert busiest_second([quick.redis_at_us, counted, *later]) <= 10


async def test_a_slot_read_late_from_redis_is_still_at_its_moment(redis: Redis, keys: Keys) -> None:
    limiter = RateLimiter(SendSlots(redis, keys), rate=1000)
    for chat in range(1, 6):  # a few quick round trips: Redis's clock is known
        await limiter.acquire(chat)
    # The process gets busy for 50 ms after a few turns of its event loop: at some point
    # the request is written and Redis answers while nobody reads.
    for turns in range(1, 6):
        asking = asyncio.create_task(limiter.acquire(10 + turns))
        for _ in range(turns):
            await asyncio.sleep(0)
        time.sleep(0.05)  # noqa: ASYNC251 (the point: a process too busy to read)
        slot = await asking
        before = time.monotonic()
        seconds, micros = await redis.time()
        after = time.monotonic()
        # Where the slot's Redis instant falls on our clock, read through this TIME call.
        moment = slot.redis_at_us / 1e6 - (seconds + micros / 1e6) + (before + after) / 2
        # Read as "when the answer was read, plus the wait", it would be up to 50 ms late.
        assert abs(slot.at - moment) < 0.005 + (after - before)
