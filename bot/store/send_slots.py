"""The Redis side of the send limits: the global schedule, the flood pause, the shared
(adaptive) rate, the sends of the last seconds and each chat's pace, decided atomically for
every process by ``bucket.lua``, ``flood.lua`` and ``departed.lua``.

``bot.delivery.limits.limiter.RateLimiter`` says what the numbers mean (the rate, the
margin, how the rate adapts, each chat's pace, the verdicts); this store only runs the
scripts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.errors import translate_errors
from bot.store.lua import load_script


@dataclass(frozen=True)
class Reserved:
    """What one ``bucket.lua`` call decided: ``(verdict, wait_us)`` per message, the
    effective rate (messages/s) and Redis's clock (µs) when it decided."""

    answers: list[tuple[int, int]]
    rate: float
    decided_us: int


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
        self, rules: Sequence[float], chat_paces_us: Sequence[tuple[int, int]]
    ) -> Reserved:
        """One ``bucket.lua`` call for one message to each chat of ``chat_paces_us``
        (chat id, microseconds between two messages to it), decided in order under
        ``rules`` (the script's ARGV before the paces: configured rate, horizon µs,
        margin, fast climb, slow climb, probe doubling seconds, window, guard µs)."""
        keys = [self._keys.bucket(), self._keys.flood_pause(), self._keys.send_rate()]
        keys.append(self._keys.sends())
        keys.extend(self._keys.chat_pace(chat) for chat, _ in chat_paces_us)
        args = [*rules, *(pace for _, pace in chat_paces_us)]
        *flat, scaled, decided_us = (
            int(value) for value in await self._bucket(keys=keys, args=args)
        )
        answers = list(zip(flat[::2], flat[1::2], strict=True))
        return Reserved(answers, scaled / 1000, decided_us)

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
        """Report sends that left after their slot: (slot instant, when sent), both µs on
        Redis's clock, so the slots a second later leave room for them."""
        if late:
            args = [value for pair in late for value in pair]
            await self._departed(keys=[self._keys.sends()], args=args)

    @translate_errors
    async def paused_for_ms(self) -> int:
        """Milliseconds the flood pause still lasts (0 when there is none)."""
        return max(0, int(await self._client.pttl(self._keys.flood_pause())))
