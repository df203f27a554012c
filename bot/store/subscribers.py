"""Subscribers: one hash per chat, an index of every chat, and the due index.

Each change is one WATCH/MULTI transaction over the chat's hash, the ``subs`` index and
the ``due`` sorted set, so a crash or an outage never leaves a subscriber half-written
(e.g. active but unscheduled). The ``subs`` index holds every known chat with score 0, so
``ZRANGEBYLEX`` pages through all of them in a stable order: streaming, no duplicates,
no ``KEYS``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar, cast

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from bot.keys import Keys
from bot.services.errors import NotSubscribed
from bot.settings import Settings
from bot.store.clock import Clock, utc_now
from bot.store.errors import store_errors, translate_errors
from bot.store.lua import load_script
from bot.store.next_push import NextInstants, next_push_instant
from bot.store.redis_types import start_multi, text_hash, text_list
from bot.store.subscriber import (
    STATUSES,
    Format,
    Language,
    PushTime,
    Status,
    Subscriber,
    validate_categories,
    validate_chat_id,
    validate_format,
    validate_keywords,
    validate_language,
    validate_push_time,
    validate_thread_id,
    validate_zone,
)

T = TypeVar("T")

PAGE = 1000
PUT_BATCH = 500
Change = Callable[[Subscriber | None], Subscriber | None]
BeforeAfter = tuple[Subscriber | None, Subscriber | None]


@dataclass(frozen=True)
class SubscriberDefaults:
    """The settings a new subscriber starts with."""

    tz: str = "Asia/Shanghai"
    push_time: str = "08:00"
    format: Format = "compact"
    language: Language = "zh"

    @classmethod
    def from_settings(cls, settings: Settings) -> SubscriberDefaults:
        """``BOT_TIMEZONE`` and ``DEFAULT_PUSH_TIME``."""
        return cls(
            tz=settings.bot_timezone.key,
            push_time=settings.default_push_time.strftime("%H:%M"),
        )


class SubscriberStore:
    """Subscribe, change settings and statuses, and iterate over every subscriber."""

    def __init__(
        self,
        client: Redis,
        keys: Keys,
        defaults: SubscriberDefaults | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self._client = client
        self._keys = keys
        self._defaults = defaults or SubscriberDefaults()
        self._clock = clock
        self._put = load_script(client, "put_subscribers")
        self._get_many = load_script(client, "get_subscribers")
        self._get_fields = load_script(client, "get_fields")

    @property
    def defaults(self) -> SubscriberDefaults:
        """The settings a new subscriber starts with."""
        return self._defaults

    # --- reading -----------------------------------------------------------------------
    @translate_errors
    async def get(self, chat_id: int) -> Subscriber | None:
        """The chat's record (any status), or None when it never subscribed."""
        fields = await self._client.hgetall(self._keys.subscriber(chat_id))
        return Subscriber.from_hash(chat_id, text_hash(fields)) if fields else None

    @translate_errors
    async def get_many(self, chat_ids: Sequence[int]) -> list[Subscriber | None]:
        """``get`` for each of ``chat_ids`` in one script call, in order."""
        if not chat_ids:
            return []
        keys = [self._keys.subscriber(chat_id) for chat_id in chat_ids]
        answers = await self._get_many(keys=keys)
        return [
            Subscriber.from_hash(chat_id, dict(zip(flat[::2], flat[1::2], strict=True)))
            if flat
            else None
            for chat_id, flat in zip(chat_ids, answers, strict=True)
        ]

    @translate_errors
    async def count(self) -> int:
        """How many chats have a record (every status)."""
        return int(await self._client.zcard(self._keys.subscribers()))

    async def iter_chat_ids(self, page: int = PAGE) -> AsyncIterator[int]:
        """Every known chat id, streamed in pages (lexicographic order of the id)."""
        low = "-"
        while True:
            with store_errors():
                members = text_list(
                    await self._client.zrangebylex(
                        self._keys.subscribers(), low, "+", start=0, num=page
                    )
                )
            for member in members:
                yield int(member)
            if len(members) < page:
                return
            low = f"({members[-1]}"

    def iter_all(self, page: int = PAGE) -> AsyncIterator[Subscriber]:
        """Every subscriber record, streamed: one pipelined HGETALL per page."""
        return self._paged(self._load, page)

    def iter_push_times(self, page: int = PAGE) -> AsyncIterator[PushTime]:
        """Every subscriber's status and push time, streamed: what a push's audience needs,
        one script call per page (reading whole records cost a push more CPU than a tenth
        of its sending)."""
        return self._paged(self._push_times, page)

    async def _paged(
        self, load: Callable[[Sequence[int]], Awaitable[list[T]]], page: int
    ) -> AsyncIterator[T]:
        """What ``load`` reads of every subscriber, a page of chat ids at a time."""
        batch: list[int] = []
        async for chat_id in self.iter_chat_ids(page):
            batch.append(chat_id)
            if len(batch) == page:
                for found in await load(batch):
                    yield found
                batch = []
        for found in await load(batch):
            yield found

    @translate_errors
    async def _push_times(self, chat_ids: Sequence[int]) -> list[PushTime]:
        if not chat_ids:
            return []
        keys = [self._keys.subscriber(chat_id) for chat_id in chat_ids]
        rows = await self._get_fields(keys=keys, args=["status", "tz", "time"])
        # A chat deleted between the index page and this read has no record (0).
        return [
            PushTime.from_fields(chat_id, *row)
            for chat_id, row in zip(chat_ids, rows, strict=True)
            if row
        ]

    @translate_errors
    async def _load(self, chat_ids: Sequence[int]) -> list[Subscriber]:
        if not chat_ids:
            return []
        async with self._client.pipeline(transaction=False) as pipe:
            for chat_id in chat_ids:
                pipe.hgetall(self._keys.subscriber(chat_id))
            rows: list[dict[str, str]] = await pipe.execute()
        # A chat deleted between the index page and its HGETALL has an empty row.
        return [Subscriber.from_hash(c, row) for c, row in zip(chat_ids, rows, strict=True) if row]

    async def count_by_status(self) -> dict[Status, int]:
        """How many subscribers have each status (streams over every record)."""
        counts: dict[Status, int] = dict.fromkeys(STATUSES, 0)
        batch: list[int] = []
        async for chat_id in self.iter_chat_ids():
            batch.append(chat_id)
            if len(batch) == PAGE:
                await self._count_statuses(batch, counts)
                batch = []
        await self._count_statuses(batch, counts)
        return counts

    @translate_errors
    async def _count_statuses(self, chat_ids: list[int], counts: dict[Status, int]) -> None:
        async with self._client.pipeline(transaction=False) as pipe:
            for chat_id in chat_ids:
                pipe.hget(self._keys.subscriber(chat_id), "status")
            for status in await pipe.execute():
                if status in counts:
                    counts[cast(Status, status)] += 1

    # --- changing ----------------------------------------------------------------------
    async def subscribe(
        self, chat_id: int, *, language: Language | None = None, thread_id: int | None = None
    ) -> tuple[Subscriber, bool]:
        """Make the chat an active subscriber; returns (record, created). Idempotent: an
        active chat stays as it is; a stopped, paused or blocked one becomes active again
        with its old settings. ``language`` only applies to a new record; ``thread_id``
        (the forum topic /start came from, None for the chat itself) is where pushes go
        from now on."""
        validate_chat_id(chat_id)
        topic = validate_thread_id(thread_id)

        def change(old: Subscriber | None) -> Subscriber:
            if old is not None:
                return dataclasses.replace(old, status="active", thread_id=topic)
            return Subscriber(
                chat_id=chat_id,
                status="active",
                tz=self._defaults.tz,
                push_time=self._defaults.push_time,
                format=self._defaults.format,
                categories=(),
                language=language or self._defaults.language,
                subscribed_at=int(self._clock().timestamp()),
                thread_id=topic,
            )

        old, new = await self._change(chat_id, change)
        assert new is not None
        return new, old is None

    async def unsubscribe(self, chat_id: int) -> Subscriber | None:
        """/stop: no more pushes; the settings are kept for a later /start."""
        return await self._set_status(chat_id, "stopped")

    async def pause(self, chat_id: int) -> Subscriber | None:
        """/pause: no pushes until ``resume``."""
        return await self._set_status(chat_id, "paused")

    async def resume(self, chat_id: int) -> Subscriber | None:
        """Back to active (from paused, blocked or stopped), rescheduled from now."""
        return await self._set_status(chat_id, "active")

    async def mark_blocked(self, chat_id: int) -> Subscriber | None:
        """Delivery found the bot blocked or the chat gone: stop pushing to it."""
        return await self._set_status(chat_id, "blocked")

    async def _set_status(self, chat_id: int, status: Status) -> Subscriber | None:
        """Set the status of an existing record; None when the chat has none."""

        def change(old: Subscriber | None) -> Subscriber | None:
            return None if old is None else dataclasses.replace(old, status=status)

        return (await self._change(chat_id, change))[1]

    async def update(
        self,
        chat_id: int,
        *,
        tz: str | None = None,
        push_time: str | None = None,
        format: str | None = None,
        categories: Sequence[str] | None = None,
        language: str | None = None,
        keywords: Sequence[str] | None = None,
    ) -> Subscriber:
        """Change settings (None = keep). Raises ``InvalidSetting`` (message fit for the
        user) before writing anything, ``NotSubscribed`` when the chat has no record. A
        new time zone or push time reschedules the next push in the same transaction."""
        new_tz = None if tz is None else validate_zone(tz)
        new_time = None if push_time is None else validate_push_time(push_time)
        new_format = None if format is None else validate_format(format)
        new_categories = None if categories is None else validate_categories(list(categories))
        new_language = None if language is None else validate_language(language)
        new_keywords = None if keywords is None else validate_keywords(list(keywords))

        def change(old: Subscriber | None) -> Subscriber | None:
            if old is None:
                return None
            return dataclasses.replace(
                old,
                tz=new_tz or old.tz,
                push_time=new_time or old.push_time,
                format=new_format or old.format,
                categories=old.categories if new_categories is None else new_categories,
                language=new_language or old.language,
                keywords=old.keywords if new_keywords is None else new_keywords,
            )

        new = (await self._change(chat_id, change))[1]
        if new is None:
            raise NotSubscribed(chat_id)
        return new

    @translate_errors
    async def put_many(self, subscribers: Sequence[Subscriber]) -> int:
        """Write whole records (``subscribers import``): each batch of ``PUT_BATCH`` is
        one Lua call, so a record, its index entry and its due entry change together.
        ``subscribed_at`` 0 keeps the stored one (or now, for a new record)."""
        now = self._clock()
        instants = NextInstants(now)
        for start in range(0, len(subscribers), PUT_BATCH):
            batch = subscribers[start : start + PUT_BATCH]
            records = [
                (
                    str(s.chat_id),
                    str(instants.score(s.tz, s.push_time)) if s.status == "active" else "",
                    s.status,
                    s.tz,
                    s.push_time,
                    s.format,
                    s.categories_json,
                    s.language,
                    str(s.subscribed_at or ""),
                    s.keywords_json,
                    "" if s.thread_id is None else str(s.thread_id),
                )
                for s in batch
            ]
            keys = [self._keys.subscribers(), self._keys.due()]
            keys.extend(self._keys.subscriber(s.chat_id) for s in batch)
            await self._put(
                keys=keys, args=[int(now.timestamp()), json.dumps(records, ensure_ascii=False)]
            )
        return len(subscribers)

    @translate_errors
    async def migrate(self, old_chat_id: int, new_chat_id: int) -> Subscriber | None:
        """A group became a supergroup: move the record and its schedule to the new id.
        Read marks are not moved (they age out). Returns the moved record, or None when
        the old chat had none. An existing record of the new id wins over the old one."""
        old_key = self._keys.subscriber(old_chat_id)
        new_key = self._keys.subscriber(new_chat_id)
        validate_chat_id(new_chat_id)

        async def move(pipe: Pipeline) -> Subscriber | None:
            old_fields = await pipe.hgetall(old_key)
            # HLEN, not EXISTS: the cluster pipeline splits multi-key commands such as
            # EXISTS by slot and returns the pipeline instead of the reply while watching.
            new_exists = await pipe.hlen(new_key) > 0
            score = await pipe.zscore(self._keys.due(), str(old_chat_id))
            start_multi(pipe)
            self._queue_delete(pipe, old_chat_id)
            if not old_fields or new_exists:
                return None
            moved = dataclasses.replace(
                Subscriber.from_hash(old_chat_id, text_hash(old_fields)), chat_id=new_chat_id
            )
            pipe.hset(new_key, mapping=moved.to_hash())
            pipe.zadd(self._keys.subscribers(), {str(new_chat_id): 0})
            if score is not None:
                pipe.zadd(self._keys.due(), {str(new_chat_id): score})
            return moved

        result: Subscriber | None = await self._client.transaction(
            move, old_key, new_key, value_from_callable=True
        )
        return result

    @translate_errors
    async def _change(self, chat_id: int, change: Change) -> BeforeAfter:
        """Apply ``change`` to the chat's record in one WATCH/MULTI transaction (retried
        when another process changed the record meanwhile); returns (before, after)."""
        key = self._keys.subscriber(chat_id)

        async def apply(pipe: Pipeline) -> BeforeAfter:
            fields = await pipe.hgetall(key)
            old = Subscriber.from_hash(chat_id, text_hash(fields)) if fields else None
            new = change(old)
            start_multi(pipe)
            if new is not None and new != old:
                reschedule = (
                    old is None
                    or old.status != new.status
                    or (old.tz, old.push_time) != (new.tz, new.push_time)
                )
                self._queue_write(pipe, new, self._clock(), reschedule=reschedule)
            return old, new if new is not None else old

        result: BeforeAfter = await self._client.transaction(apply, key, value_from_callable=True)
        return result

    def _queue_write(
        self, pipe: Pipeline, subscriber: Subscriber, now: datetime, *, reschedule: bool
    ) -> None:
        """Queue the record, its index entry and (when ``reschedule``) its due entry."""
        chat = str(subscriber.chat_id)
        pipe.hset(self._keys.subscriber(subscriber.chat_id), mapping=subscriber.to_hash())
        pipe.zadd(self._keys.subscribers(), {chat: 0})
        if subscriber.status != "active":
            pipe.zrem(self._keys.due(), chat)
        elif reschedule:
            instant = next_push_instant(now, subscriber.zone, subscriber.clock)
            pipe.zadd(self._keys.due(), {chat: int(instant.timestamp())})

    def _queue_delete(self, pipe: Pipeline, chat_id: int) -> None:
        pipe.delete(self._keys.subscriber(chat_id))
        pipe.zrem(self._keys.subscribers(), str(chat_id))
        pipe.zrem(self._keys.due(), str(chat_id))
