"""The outbox stream: delivery tasks in one Redis Stream read by the consumer group
``senders``.

Producers ``add`` encoded tasks in pipelined batches. Senders ``read`` new entries,
``finish`` them when they have an outcome (acknowledged entries are deleted, so the stream
holds only work in progress), ``touch`` the entries they still hold so they are not taken
from a live sender, ``hand_back`` what they hold when they stop, and ``reclaim`` entries
that sat unacknowledged longer than the reclaim timeout: the pending entries of a sender
that died. What an entry means is the delivery
engine's business (``bot.delivery.queue.tasks``); this store only moves fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, cast

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from bot.keys import Keys
from bot.store.errors import translate_errors
from bot.store.lua import load_script
from bot.store.progress import KEEP_SECONDS, Outcome

GROUP: Final = "senders"


@dataclass(frozen=True)
class Entry:
    """One stream entry as read by a sender: its id and raw fields."""

    entry_id: str
    fields: dict[str, str]


def entries_of(reply: object) -> list[Entry]:
    """Stream entries from an XREADGROUP / XAUTOCLAIM / XRANGE reply of a decoding client;
    entries deleted meanwhile (``(None, None)`` on Redis 6.2) are left out."""
    rows = cast(list[tuple[str | None, dict[str, str] | None]], reply or [])
    return [Entry(entry_id, fields) for entry_id, fields in rows if entry_id and fields]


class OutboxStream:
    """The outbox stream of one bot (one key prefix)."""

    def __init__(self, client: Redis, keys: Keys) -> None:
        self._client = client
        self._keys = keys
        self._stream = keys.outbox()
        self._ack = load_script(client, "ack")
        self._add = load_script(client, "add_entries")
        self._hand_back = load_script(client, "hand_back")

    @translate_errors
    async def ensure_group(self) -> None:
        """Create the stream and its consumer group if they do not exist yet. The group
        starts at the stream's beginning, so tasks enqueued before it are not skipped."""
        try:
            await self._client.xgroup_create(self._stream, GROUP, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    @translate_errors
    async def add(self, entries: Sequence[dict[str, str]]) -> None:
        """Append entries (their fields), in one script call (a pipeline of XADDs cost the
        producer more than the whole rest of enqueueing a push)."""
        if not entries:
            return
        args: list[str | int] = []
        for fields in entries:
            args.append(len(fields))
            for name, value in fields.items():
                args += (name, value)
        await self._add(keys=[self._stream], args=args)

    @translate_errors
    async def read(self, consumer: str, count: int, block_ms: int) -> list[Entry]:
        """Up to ``count`` new entries for ``consumer``; waits up to ``block_ms`` for one."""
        answer = await self._client.xreadgroup(
            GROUP, consumer, {self._stream: ">"}, count=count, block=block_ms
        )
        if not answer:
            return []
        # decode_responses clients answer a list of [stream, entries] pairs (RESP2).
        return entries_of(cast(Any, answer)[0][1])

    @translate_errors
    async def reclaim(self, consumer: str, min_idle_ms: int, count: int) -> list[Entry]:
        """Take over up to ``count`` entries nobody has touched for ``min_idle_ms``."""
        answer = await self._client.xautoclaim(
            self._stream, GROUP, consumer, min_idle_ms, start_id="0-0", count=count
        )
        return entries_of(answer[1])

    @translate_errors
    async def touch(self, consumer: str, entry_ids: Sequence[str]) -> None:
        """Reset the idle time of entries ``consumer`` still holds (waiting for a chat's
        pace or a retry), so ``reclaim`` elsewhere does not mistake them for abandoned."""
        if entry_ids:
            await self._client.xclaim(
                self._stream, GROUP, consumer, 0, list(entry_ids), justid=True
            )

    @translate_errors
    async def finish(self, batch_id: str, outcomes: Sequence[tuple[str, Outcome]]) -> int:
        """Acknowledge and delete entries of batch ``batch_id`` and count each outcome in
        its progress, atomically and once per entry (an entry two senders both finished
        counts once). Returns how many entries this call acknowledged."""
        if not outcomes:
            return 0
        args: list[str | int] = [GROUP, KEEP_SECONDS]
        for entry_id, outcome in outcomes:
            args += (entry_id, outcome)
        keys = [self._stream, self._keys.push_progress(batch_id)]
        return int(await self._ack(keys=keys, args=args))

    @translate_errors
    async def hand_back(self, consumer: str, entry_ids: Sequence[str]) -> int:
        """Give entries ``consumer`` holds but will not finish (it is stopping) back to the
        stream as new entries, so another sender reads them now rather than reclaiming
        them after the reclaim timeout. Returns how many were handed back."""
        if not entry_ids:
            return 0
        args = [GROUP, consumer, *entry_ids]
        return int(await self._hand_back(keys=[self._stream], args=args))

    @translate_errors
    async def ack(self, entry_ids: Sequence[str]) -> None:
        """Acknowledge and delete entries that belong to no batch (undecodable ones)."""
        if entry_ids:
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.xack(self._stream, GROUP, *entry_ids)
                pipe.xdel(self._stream, *entry_ids)
                await pipe.execute()

    @translate_errors
    async def pending(self) -> int:
        """Entries read by some sender and not acknowledged yet."""
        try:
            summary = await self._client.xpending(self._stream, GROUP)
        except ResponseError:  # no stream or group yet
            return 0
        return int(summary["pending"])

    @translate_errors
    async def backlog(self) -> int:
        """Entries in the stream (waiting or pending)."""
        return int(await self._client.xlen(self._stream))
