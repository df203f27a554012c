"""Group commit: requests that many sender slots make at about the same moment go to
Redis together, as one call, instead of one round trip each.

A slot awaits ``Coalescer.submit(item)`` as it would await the single call. The first
request starts a flush task that yields once (so every slot ready in the same turn of the
event loop joins), then runs the batch function on everything queued; requests that arrive
while a batch is in Redis form the next batch. Each caller gets its own result, or the
batch's exception (a Redis outage reaches every caller as it would have alone).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")

MAX_BATCH = 256  # items per call; bounds one script's run time in Redis


class Coalescer(Generic[In, Out]):
    """Batches ``submit`` calls into calls of ``run_batch`` (one result per item, in order)."""

    def __init__(self, run_batch: Callable[[Sequence[In]], Awaitable[Sequence[Out]]]) -> None:
        self._run_batch = run_batch
        self._queued: list[tuple[In, asyncio.Future[Out]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def submit(self, item: In) -> Out:
        """``item``'s result, computed in a batch with whatever else is asked meanwhile."""
        future: asyncio.Future[Out] = asyncio.get_running_loop().create_future()
        self._queued.append((item, future))
        if self._flusher is None:
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def drain(self) -> None:
        """Wait until every queued request has been answered (on shutdown)."""
        if self._flusher is not None:
            await asyncio.shield(self._flusher)

    async def _flush(self) -> None:
        try:
            await asyncio.sleep(0)  # let every slot that is ready in this turn join
            while self._queued:
                batch, self._queued = self._queued[:MAX_BATCH], self._queued[MAX_BATCH:]
                await self._answer(batch)
        finally:
            self._flusher = None
            for _, future in self._queued:  # only left when this task was cancelled
                future.cancel()
            self._queued = []

    async def _answer(self, batch: list[tuple[In, asyncio.Future[Out]]]) -> None:
        """Run one batch and hand each caller its result (a cancelled caller gets none)."""
        try:
            results = await self._run_batch([item for item, _ in batch])
        except BaseException as error:
            for _, future in batch:
                if future.done():
                    continue
                if isinstance(error, Exception):
                    future.set_exception(error)
                else:
                    future.cancel()  # the flush itself was cancelled (shutdown)
            if not isinstance(error, Exception):
                raise
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)
