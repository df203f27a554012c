"""The Redis side of the send limits: the global schedule, the flood pause and each chat's
pace, decided atomically for every process by ``bucket.lua``.

``bot.delivery.limits.limiter.RateLimiter`` says what the numbers mean (the rate, each
chat's pace, the verdicts); this store only runs the script and the pause commands.
"""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.errors import translate_errors
from bot.store.lua import load_script


class SendSlots:
    """The shared send schedule of one bot (one key prefix)."""

    def __init__(self, client: Redis, keys: Keys) -> None:
        self._client = client
        self._keys = keys
        self._bucket = load_script(client, "bucket")

    @translate_errors
    async def reserve(
        self, interval_us: int, horizon_us: int, chat_paces_us: Sequence[tuple[int, int]]
    ) -> list[tuple[int, int]]:
        """One ``bucket.lua`` call for one message to each chat of ``chat_paces_us``
        (chat id, microseconds between two messages to it): ``(verdict, wait_us)`` each,
        decided in order with sends ``interval_us`` apart overall."""
        keys = [self._keys.bucket(), self._keys.flood_pause()]
        keys.extend(self._keys.chat_pace(chat) for chat, _ in chat_paces_us)
        args = [interval_us, horizon_us, *(pace for _, pace in chat_paces_us)]
        flat = await self._bucket(keys=keys, args=args)
        return [(int(flat[i]), int(flat[i + 1])) for i in range(0, len(flat), 2)]

    @translate_errors
    async def pause(self, millis: int) -> None:
        """Stop every sender for ``millis``; a longer pause already running is kept."""
        key = self._keys.flood_pause()
        remaining = await self._client.pttl(key)
        if remaining < millis:
            await self._client.set(key, "1", px=millis)

    @translate_errors
    async def paused_for_ms(self) -> int:
        """Milliseconds the flood pause still lasts (0 when there is none)."""
        return max(0, int(await self._client.pttl(self._keys.flood_pause())))
