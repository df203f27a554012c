"""The Redis side of the send limits: the global schedule, the flood pause, the shared
(adaptive) rate, the sends of the last seconds and each chat's pace, decided atomically for
every process by ``bucket.lua``, ``flood.lua`` and ``departed.lua``.

``bot.delivery.limits.limiter.RateLimiter`` says what the numbers mean (the rate, the
margin, how the rate adapts, each chat's pace, the verdicts); this store only runs the
scripts.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.errors import translate_errors
from bot.store.ledger import LEDGER_RETENTION_DAYS, ClaimResult, LedgerEntry
from bot.store.lua import load_script
from bot.store.subscriber import Subscriber

LEDGER_RETENTION_SECONDS = LEDGER_RETENTION_DAYS * 86400


@dataclass(frozen=True)
class SlotAsk:
    """One message that wants a slot: to ``chat_id``, at most one per ``pace_us`` to that
    chat. With ``date``, the delivery of that date's digest is claimed first (no slot
    unless granted); with ``read_reader`` too, the reader's record is read (no slot
    unless active)."""

    chat_id: int
    pace_us: int
    date: str | None = None
    read_reader: bool = False


@dataclass(frozen=True)
class Claimer:
    """Who claims (a sender's consumer name) and after how long a claim is stale."""

    name: str
    stale_after: float


@dataclass(frozen=True)
class Answer:
    """``bucket.lua``'s verdict for one ``SlotAsk``: the verdict and wait (µs), the claim
    (None when none was asked) and the reader (None when not read or not there)."""

    verdict: int
    wait_us: int
    claim: ClaimResult | None
    reader: Subscriber | None


@dataclass(frozen=True)
class Reserved:
    """What one ``bucket.lua`` call decided: an ``Answer`` per message, the effective rate
    (messages/s) and Redis's clock (µs) when it decided."""

    answers: list[Answer]
    rate: float
    decided_us: int


def _answer(ask: SlotAsk, values: Sequence[object]) -> Answer:
    verdict, wait_us, claimed, entry, record = values
    claim = None
    if int(cast(int, claimed)) >= 0:
        stored = LedgerEntry.from_json(ask.chat_id, str(entry))
        claim = ClaimResult(int(cast(int, claimed)) == 1, stored)
    fields = cast(list[str], record or [])
    reader = Subscriber.from_hash(ask.chat_id, dict(zip(fields[::2], fields[1::2], strict=True)))
    return Answer(int(cast(int, verdict)), int(cast(int, wait_us)), claim,
                  reader if fields else None)  # fmt: skip


class SendSlots:
    """The shared send schedule of one bot (one key prefix)."""

    def __init__(self, client: Redis, keys: Keys) -> None:
        self._client = client
        self._keys = keys
        self._bucket = load_script(client, "bucket")
        self._flood = load_script(client, "flood")
        self._departed = load_script(client, "departed")

    @translate_errors
    async def reserve(
        self, rules: Sequence[float], asks: Sequence[SlotAsk], claimer: Claimer | None = None
    ) -> Reserved:
        """One ``bucket.lua`` call for ``asks``, decided in order under ``rules`` (the
        script's first ARGV: configured rate, horizon µs, margin, fast climb, slow climb,
        probe doubling seconds, window, guard µs); ``claimer`` claims for the asks with a
        date (it must be given if any has one)."""
        keys = [self._keys.bucket(), self._keys.flood_pause(), self._keys.send_rate()]
        keys.append(self._keys.sends())
        name, stale_after = (claimer.name, claimer.stale_after) if claimer else ("", 0.0)
        args: list[str | int | float] = [*rules, name, time.time(), stale_after]
        args.append(LEDGER_RETENTION_SECONDS)
        for ask in asks:
            pace = self._keys.chat_pace(ask.chat_id)
            if ask.date is None:
                keys += (pace, pace, pace)  # claims and reads nothing
                args += (ask.pace_us, ask.chat_id, 0)
            else:
                keys += (pace, self._keys.sent(ask.date), self._keys.subscriber(ask.chat_id))
                args += (ask.pace_us, ask.chat_id, 2 if ask.read_reader else 1)
        *flat, scaled, decided_us = await self._bucket(keys=keys, args=args)
        answers = [
            _answer(ask, flat[i : i + 5])
            for ask, i in zip(asks, range(0, len(flat), 5), strict=True)
        ]
        return Reserved(answers, int(scaled) / 1000, int(decided_us))

    @translate_errors
    async def flood(self, millis: int, rules: Sequence[float]) -> tuple[bool, float]:
        """A 429: stop every sender for ``millis`` (a longer pause already running is
        kept) and, once per flood, lower the shared rate under ``rules`` (``flood.lua``'s
        ARGV after the pause). Whether it was lowered, and the effective rate."""
        keys = [self._keys.flood_pause(), self._keys.send_rate()]
        lowered, scaled = await self._flood(keys=keys, args=[millis, *rules])
        return bool(int(lowered)), int(scaled) / 1000

    @translate_errors
    async def departed(self, late: Sequence[tuple[int, int]]) -> None:
        """Report sends the receiver may have counted after their slot: (slot instant, when
        counted), both µs on Redis's clock, so the slots a second later leave room for them."""
        if late:
            args = [value for pair in late for value in pair]
            await self._departed(keys=[self._keys.sends()], args=args)

    @translate_errors
    async def paused_for_ms(self) -> int:
        """Milliseconds the flood pause still lasts (0 when there is none)."""
        return max(0, int(await self._client.pttl(self._keys.flood_pause())))
