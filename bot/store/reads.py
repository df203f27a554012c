"""Read state: which items each reader opened, and how many readers opened each item.

Marks expire ``READ_RETENTION_DAYS`` after the last mark of that reader and date, which
bounds memory (one small set per reader and day) and is far more than ``/unread`` looks
back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.errors import translate_errors
from bot.store.lua import load_script

READ_RETENTION_DAYS = 90


class ReadState:
    """Read marks per (chat, date) and per-item reader counts per date."""

    def __init__(self, client: Redis, keys: Keys) -> None:
        self._client = client
        self._keys = keys
        self._mark = load_script(client, "mark_read")

    async def mark_read(self, chat_id: int, date: str, number: int) -> bool:
        """Mark one item read; True when it was unread (the item's count grew by one)."""
        return await self.mark_all_read(chat_id, date, [number]) == 1

    @translate_errors
    async def mark_all_read(self, chat_id: int, date: str, numbers: Iterable[int]) -> int:
        """Mark several items read at once; returns how many were unread."""
        args = [int(number) for number in numbers]
        if not args:
            return 0
        added = await self._mark(
            keys=[self._keys.read(chat_id, date), self._keys.read_counts(date)],
            args=[READ_RETENTION_DAYS * 86400, *args],
        )
        return int(added)

    @translate_errors
    async def read_items(self, chat_id: int, date: str) -> set[int]:
        """The item numbers this chat has read in the digest of ``date``."""
        members = await self._client.smembers(self._keys.read(chat_id, date))
        return {int(member) for member in members}

    async def unread(self, chat_id: int, date: str, all_numbers: Iterable[int]) -> list[int]:
        """The numbers of ``all_numbers`` this chat has not read, in the given order."""
        read = await self.read_items(chat_id, date)
        return [number for number in all_numbers if number not in read]

    @translate_errors
    async def unread_recent(
        self, chat_id: int, dates_with_numbers: Mapping[str, Sequence[int]]
    ) -> dict[str, list[int]]:
        """Unread items over several dates (the last N days) in one round trip; dates
        with nothing unread are left out."""
        dates = list(dates_with_numbers)
        async with self._client.pipeline(transaction=False) as pipe:
            for date in dates:
                pipe.smembers(self._keys.read(chat_id, date))
            replies: list[set[str]] = await pipe.execute()
        result: dict[str, list[int]] = {}
        for date, members in zip(dates, replies, strict=True):
            read = {int(member) for member in members}
            unread = [n for n in dates_with_numbers[date] if n not in read]
            if unread:
                result[date] = unread
        return result

    @translate_errors
    async def read_counts(self, date: str) -> dict[int, int]:
        """Item number -> how many distinct readers opened it."""
        counts = await self._client.hgetall(self._keys.read_counts(date))
        return {int(number): int(count) for number, count in counts.items()}
