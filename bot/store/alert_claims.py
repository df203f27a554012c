"""Which admin alerts already went out: the first process to claim an alert's dedupe key
(SET NX with expiry) sends it, however many processes see the same problem."""

from __future__ import annotations

from typing import Final

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.errors import translate_errors

DEDUPE_SECONDS: Final = 7 * 24 * 3600


class AlertClaims:
    """Dedupe keys of admin alerts, one bot (one key prefix)."""

    def __init__(self, client: Redis, keys: Keys) -> None:
        self._client = client
        self._keys = keys

    @translate_errors
    async def claim(self, dedupe_key: str) -> bool:
        """True for the first caller (in any process) within ``DEDUPE_SECONDS``."""
        key = self._keys.alert_once(dedupe_key)
        return bool(await self._client.set(key, "1", nx=True, ex=DEDUPE_SECONDS))
