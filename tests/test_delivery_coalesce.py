"""Group commit: calls made by many slots at once become one batch call, and each caller
still gets its own answer, or the batch's error."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.delivery.senders.coalesce import Coalescer


class Doubler:
    """A batch function that records the batches it was called with."""

    def __init__(self, fail: Exception | None = None, delay: float = 0) -> None:
        self.batches: list[list[int]] = []
        self.fail = fail
        self.delay = delay

    async def __call__(self, items: Sequence[int]) -> list[int]:
        self.batches.append(list(items))
        await asyncio.sleep(self.delay)
        if self.fail is not None:
            raise self.fail
        return [item * 2 for item in items]


async def test_calls_made_together_go_in_one_batch_and_each_caller_gets_its_answer() -> None:
    double = Doubler()
    coalescer = Coalescer(double)
    answers = await asyncio.gather(*(coalescer.submit(n) for n in range(10)))
    assert answers == [n * 2 for n in range(10)]
    assert double.batches == [list(range(10))]


async def test_calls_made_while_a_batch_is_in_flight_form_the_next_batch() -> None:
    double = Doubler(delay=0.05)
    coalescer = Coalescer(double)
    first = asyncio.gather(*(coalescer.submit(n) for n in range(3)))
    await asyncio.sleep(0.01)  # the first batch is in flight now
    second = asyncio.gather(*(coalescer.submit(n) for n in range(3, 5)))
    assert await first == [0, 2, 4]
    assert await second == [6, 8]
    assert double.batches == [[0, 1, 2], [3, 4]]


async def test_a_failed_batch_raises_its_error_in_every_caller_and_the_next_batch_works() -> None:
    double = Doubler(fail=ConnectionError("redis is down"))
    coalescer = Coalescer(double)
    results = await asyncio.gather(*(coalescer.submit(n) for n in range(3)), return_exceptions=True)
    assert [str(r) for r in results] == ["redis is down"] * 3
    double.fail = None
    assert await coalescer.submit(7) == 14


async def test_a_cancelled_caller_does_not_disturb_the_others() -> None:
    double = Doubler(delay=0.05)
    coalescer = Coalescer(double)
    calls = [asyncio.create_task(coalescer.submit(n)) for n in range(3)]
    await asyncio.sleep(0.01)
    calls[1].cancel()
    await coalescer.drain()
    assert calls[0].result() == 0 and calls[2].result() == 4
    with pytest.raises(asyncio.CancelledError):
        await calls[1]
