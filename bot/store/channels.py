"""The channels and groups an admin connected (``/channels add``): where the day's digest
is posted at a set time, in the channel's own format and language. A channel has no read
state and no categories: everyone there sees the same post.

Each channel is one hash and one entry in the index; a change of an existing record
(paused, posted) is a WATCH/MULTI transaction that writes nothing when the channel was
removed meanwhile, so a late delivery never brings a removed channel back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from bot.keys import Keys
from bot.store.clock import Clock, utc_now
from bot.store.errors import translate_errors
from bot.store.redis_types import HashFields, start_multi, text_hash, text_list
from bot.store.subscriber import FORMATS, LANGUAGES, Format, Language, LocalPushTime

ChannelStatus = Literal["active", "paused"]


@dataclass(frozen=True)
class Channel(LocalPushTime):
    """A connected channel or group: where (``chat_id``, its title and @username), when
    (``push_time`` in ``tz``), how (``format``, ``language``), whether it is ``active``
    (``paused`` with a ``reason`` when the bot lost the right to post), and its last post."""

    chat_id: int
    title: str
    username: str | None
    push_time: str
    tz: str
    format: Format
    language: Language
    added_by: str
    added_at: int
    status: ChannelStatus = "active"
    reason: str = ""
    last_date: str | None = None
    last_at: int | None = None

    @property
    def name(self) -> str:
        """How admins call it: ``@username``, else its title, else its id."""
        return f"@{self.username}" if self.username else (self.title or str(self.chat_id))

    def to_hash(self) -> HashFields:
        return {
            "title": self.title,
            "username": self.username or "",
            "time": self.push_time,
            "tz": self.tz,
            "format": self.format,
            "language": self.language,
            "who": self.added_by,
            "added_at": str(self.added_at),
            "status": self.status,
            "reason": self.reason,
            "last_date": self.last_date or "",
            "last_at": "" if self.last_at is None else str(self.last_at),
        }

    @classmethod
    def from_hash(cls, chat_id: int, fields: dict[str, str]) -> Channel:
        """Rebuild from ``to_hash``; damaged values fall back to safe defaults."""
        fmt, language = fields.get("format", "compact"), fields.get("language", "zh")
        last_at = fields.get("last_at", "")
        return cls(
            chat_id=chat_id,
            title=fields.get("title", ""),
            username=fields.get("username") or None,
            push_time=fields.get("time", "08:00"),
            tz=fields.get("tz", "UTC"),
            format=fmt if fmt in FORMATS else "compact",
            language=language if language in LANGUAGES else "zh",
            added_by=fields.get("who", ""),
            added_at=int(fields.get("added_at", "0") or 0),
            status="paused" if fields.get("status") == "paused" else "active",
            reason=fields.get("reason", ""),
            last_date=fields.get("last_date") or None,
            last_at=int(last_at) if last_at.isdigit() else None,
        )


class ChannelStore:
    """Connected channels by chat id, and the index of them."""

    def __init__(self, client: Redis, keys: Keys, clock: Clock = utc_now) -> None:
        self._client = client
        self._keys = keys
        self._clock = clock

    def now(self) -> int:
        """The store clock's epoch seconds (what ``added_at`` and ``last_at`` hold)."""
        return int(self._clock().timestamp())

    @translate_errors
    async def save(self, channel: Channel) -> None:
        """Connect ``channel``, or replace its settings when it is connected already."""
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.hset(self._keys.channel(channel.chat_id), mapping=channel.to_hash())
            pipe.zadd(self._keys.channels(), {str(channel.chat_id): channel.added_at}, nx=True)
            await pipe.execute()

    @translate_errors
    async def get(self, chat_id: int) -> Channel | None:
        fields = text_hash(await self._client.hgetall(self._keys.channel(chat_id)))
        return Channel.from_hash(chat_id, fields) if fields else None

    @translate_errors
    async def all(self) -> list[Channel]:
        """Every connected channel, oldest first (a handful: one round trip for all)."""
        ids = [
            int(raw) for raw in text_list(await self._client.zrange(self._keys.channels(), 0, -1))
        ]
        if not ids:
            return []
        async with self._client.pipeline(transaction=False) as pipe:
            for chat_id in ids:
                pipe.hgetall(self._keys.channel(chat_id))
            replies = await pipe.execute()
        channels = []
        for chat_id, reply in zip(ids, replies, strict=True):
            fields = text_hash(reply)
            if fields:
                channels.append(Channel.from_hash(chat_id, fields))
        return channels

    @translate_errors
    async def remove(self, chat_id: int) -> Channel | None:
        """Disconnect; the channel as it was, or None when it was not connected."""
        key = self._keys.channel(chat_id)
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.hgetall(key)
            pipe.delete(key, self._keys.channel_planned(chat_id))
            pipe.zrem(self._keys.channels(), str(chat_id))
            fields, _, _ = await pipe.execute()
        found = text_hash(fields)
        return Channel.from_hash(chat_id, found) if found else None

    @translate_errors
    async def migrate(self, old_id: int, new_id: int) -> Channel | None:
        """Move a connected group to its new id (it became a supergroup); the channel at
        its new id, or None when ``old_id`` is not connected (or moved already)."""
        old_key, new_key = self._keys.channel(old_id), self._keys.channel(new_id)
        index = self._keys.channels()

        async def apply(pipe: Pipeline) -> Channel | None:
            fields = text_hash(await pipe.hgetall(old_key))
            score = await pipe.zscore(index, str(old_id))
            planned = await pipe.get(self._keys.channel_planned(old_id))
            start_multi(pipe)
            if not fields:
                return None
            moved = dataclasses.replace(Channel.from_hash(old_id, fields), chat_id=new_id)
            pipe.delete(old_key, self._keys.channel_planned(old_id))
            pipe.zrem(index, str(old_id))
            pipe.hset(new_key, mapping=moved.to_hash())
            pipe.zadd(index, {str(new_id): score or moved.added_at})
            if planned is not None:
                pipe.set(self._keys.channel_planned(new_id), planned)
            return moved

        result: Channel | None = await self._client.transaction(
            apply, old_key, value_from_callable=True
        )
        return result

    async def pause(self, chat_id: int, reason: str) -> tuple[Channel | None, bool]:
        """Stop posting to the channel (the bot lost its rights): (the channel, whether
        this call paused it; False when it was paused already or is not connected)."""
        before, after = await self._change(
            chat_id, lambda old: dataclasses.replace(old, status="paused", reason=reason)
        )
        return after, before is not None and before.status == "active"

    async def resume(self, chat_id: int) -> Channel | None:
        """Post again (the bot is back with its rights); None when not connected."""
        _, after = await self._change(
            chat_id, lambda old: dataclasses.replace(old, status="active", reason="")
        )
        return after

    async def posted(self, chat_id: int, date: str) -> Channel | None:
        """Note the post of ``date`` (what ``/channels`` shows as the last post)."""
        now = self.now()
        _, after = await self._change(
            chat_id, lambda old: dataclasses.replace(old, last_date=date, last_at=now)
        )
        return after

    @translate_errors
    async def plan_once(self, chat_id: int, date: str) -> bool:
        """Whether the post of ``date`` is to be enqueued now: True the first time it is
        asked for a date (atomic, whatever the number of planners)."""
        previous = await self._client.set(self._keys.channel_planned(chat_id), date, get=True)
        return previous != date

    @translate_errors
    async def _change(
        self, chat_id: int, change: Callable[[Channel], Channel]
    ) -> tuple[Channel | None, Channel | None]:
        """(before, after) of applying ``change`` to a connected channel; nothing is
        written for one not connected (or removed meanwhile)."""
        key = self._keys.channel(chat_id)

        async def apply(pipe: Pipeline) -> tuple[Channel | None, Channel | None]:
            fields = text_hash(await pipe.hgetall(key))
            start_multi(pipe)
            if not fields:
                return None, None
            old = Channel.from_hash(chat_id, fields)
            new = change(old)
            pipe.hset(key, mapping=new.to_hash())
            return old, new

        result: tuple[Channel | None, Channel | None] = await self._client.transaction(
            apply, key, value_from_callable=True
        )
        return result
