"""A per-reader token bucket that slows down a reader who floods the bot with commands.

It lives in process memory on purpose: only one process receives updates (the one that
polls, or the webhook), so there is nothing to share, and a Redis round trip for every
incoming update would cost more than the check itself.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass


class ThrottleVerdict(enum.Enum):
    """What to do with one incoming update."""

    ALLOW = "allow"
    WARN = "warn"  # over the limit for the first time: answer politely once
    DROP = "drop"  # still over the limit: ignore silently until the bucket refills


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


class ReaderThrottle:
    """``burst`` updates at once, then ``rate`` per second, per reader."""

    def __init__(
        self,
        rate: float = 2.0,
        burst: int = 6,
        clock: Callable[[], float] = time.monotonic,
        max_readers: int = 100_000,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._max_readers = max_readers
        self._buckets: dict[int, _Bucket] = {}

    def __len__(self) -> int:
        """How many readers are being tracked."""
        return len(self._buckets)

    def check(self, reader_id: int) -> ThrottleVerdict:
        """Take one token for ``reader_id`` and say whether the update may go through."""
        now = self._clock()
        bucket = self._buckets.get(reader_id)
        if bucket is None:
            self._forget_idle(now)
            bucket = self._buckets[reader_id] = _Bucket(tokens=float(self.burst), updated=now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.warned = False
            return ThrottleVerdict.ALLOW
        if bucket.warned:
            return ThrottleVerdict.DROP
        bucket.warned = True
        return ThrottleVerdict.WARN

    def _forget_idle(self, now: float) -> None:
        """Drop full buckets when the table grows large, so memory stays bounded."""
        if len(self._buckets) < self._max_readers:
            return
        refill_seconds = self.burst / self.rate
        idle = [k for k, b in self._buckets.items() if now - b.updated >= refill_seconds]
        for reader_id in idle:
            del self._buckets[reader_id]
