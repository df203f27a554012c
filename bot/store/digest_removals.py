"""Removing a digest published by mistake: it leaves what readers can open (the current
version and the list of dates) in one script call, while every version stays in the
archive's versions hash and the removal (which version, who, when) is kept, for the
audit. What readers already received is untouched (their messages and the ledger)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.clock import Clock, utc_now
from bot.store.errors import translate_errors
from bot.store.lua import load_script
from bot.store.redis_types import text_hash


@dataclass(frozen=True)
class Removal:
    """A removed digest: its date, the version removed, by whom, when (epoch seconds)."""

    date: str
    content_hash: str
    who: str
    at: float


class DigestRemovals:
    """Removes digests and lists the removed ones."""

    def __init__(self, client: Redis, keys: Keys, clock: Clock = utc_now) -> None:
        self._client = client
        self._keys = keys
        self._clock = clock
        self._remove = load_script(client, "remove_digest")

    @translate_errors
    async def remove(self, date: str, who: str) -> Removal | None:
        """Remove the current digest of ``date``; None when there is none."""
        at = round(self._clock().timestamp(), 3)
        removed = await self._remove(
            keys=[
                self._keys.digest(date),
                self._keys.digest_dates(),
                self._keys.digests_removed(),
            ],
            args=[date, who, at],
        )
        return Removal(date, str(removed), who, at) if removed else None

    @translate_errors
    async def all(self) -> list[Removal]:
        """Every removal, newest date first."""
        raw = text_hash(await self._client.hgetall(self._keys.digests_removed()))
        removals = []
        for date, text in raw.items():
            data = json.loads(text)
            removals.append(
                Removal(date, str(data.get("hash", "")), str(data.get("who", "")),
                        float(data.get("at", 0)))
            )  # fmt: skip
        return sorted(removals, key=lambda removal: removal.date, reverse=True)
