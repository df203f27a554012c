"""The due index: a sorted set of each active subscriber's next push instant.

The scheduler asks ``due(now)`` for the chats whose instant has come, pushes to them, and
``reschedule``s them to their next local push time. Settings changes reschedule in the
same MULTI as the change itself (see ``SubscriberStore``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import cast

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.errors import translate_errors
from bot.store.lua import load_script
from bot.store.next_push import NextInstants
from bot.store.redis_types import text_list

RESCHEDULE_BATCH = 500
Schedule = tuple[str, str, str]  # status, time zone, push time of one record


class DueIndex:
    """Reads and reschedules the ``due`` sorted set (chat id -> UTC epoch seconds)."""

    def __init__(self, client: Redis, keys: Keys) -> None:
        self._client = client
        self._keys = keys
        self._read = load_script(client, "read_schedules")
        self._reschedule = load_script(client, "reschedule")

    @translate_errors
    async def due(self, now: datetime, limit: int = 1000) -> list[int]:
        """Up to ``limit`` chat ids whose next push instant is at or before ``now``,
        earliest first. They stay in the index until rescheduled."""
        if now.tzinfo is None:
            raise ValueError("now must be an aware datetime (a naive one would be local time)")
        members = await self._client.zrangebyscore(
            self._keys.due(), "-inf", now.timestamp(), start=0, num=limit
        )
        return [int(member) for member in text_list(members)]

    @translate_errors
    async def due_scheduled(self, now: datetime, limit: int) -> list[tuple[int, datetime]]:
        """Like ``due``, with each chat's scheduled instant (the index's score)."""
        rows = await self._client.zrangebyscore(
            self._keys.due(), "-inf", now.timestamp(), start=0, num=limit, withscores=True
        )
        return [
            (int(member), datetime.fromtimestamp(float(score), UTC))
            for member, score in cast(list[tuple[str, float]], rows)
        ]

    @translate_errors
    async def drop(self, chat_ids: Sequence[int]) -> None:
        """Take chats out of the index (records it cannot schedule)."""
        if chat_ids:
            await self._client.zrem(self._keys.due(), *map(str, chat_ids))

    @translate_errors
    async def schedules(self, chat_ids: Sequence[int]) -> list[Schedule]:
        """Status, time zone and push time of each chat's record ('' when missing), in
        one script call."""
        return await self._schedules([self._keys.subscriber(chat_id) for chat_id in chat_ids])

    async def _schedules(self, hashes: list[str]) -> list[Schedule]:
        flat = text_list(await self._read(keys=hashes))
        return [(flat[i], flat[i + 1], flat[i + 2]) for i in range(0, len(flat), 3)]

    @translate_errors
    async def next_instant(self, chat_id: int) -> datetime | None:
        """The chat's scheduled push instant, or None when it is not scheduled."""
        score = await self._client.zscore(self._keys.due(), str(chat_id))
        return None if score is None else datetime.fromtimestamp(score, UTC)

    @translate_errors
    async def count(self) -> int:
        """How many chats are scheduled (the active subscribers)."""
        return int(await self._client.zcard(self._keys.due()))

    async def reschedule(self, chat_id: int, after: datetime) -> datetime | None:
        """Schedule the chat's first push time after ``after``; returns it, or None when
        the chat is not an active subscriber (it is then removed from the index)."""
        await self.reschedule_many([chat_id], after)
        return await self.next_instant(chat_id)

    @translate_errors
    async def reschedule_many(self, chat_ids: Sequence[int], after: datetime) -> int:
        """Reschedule many chats (e.g. everything just pushed) in batches; returns how
        many were scheduled. Each chat's instant is computed from its current settings
        and written only if those settings did not change meanwhile."""
        written = 0
        instants = NextInstants(after)
        for start in range(0, len(chat_ids), RESCHEDULE_BATCH):
            batch = chat_ids[start : start + RESCHEDULE_BATCH]
            hashes = [self._keys.subscriber(chat_id) for chat_id in batch]
            entries = []
            for chat_id, (_, tz, at) in zip(batch, await self._schedules(hashes), strict=True):
                # A record without settings gets 0: the script finds it inactive.
                score = instants.score(tz, at) if tz and at else 0
                entries.append((str(chat_id), str(score), tz, at))
            written += int(
                await self._reschedule(keys=[self._keys.due(), *hashes], args=[json.dumps(entries)])
            )
        return written
