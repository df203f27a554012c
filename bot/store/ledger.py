"""The delivery ledger: at most one delivery of a date's digest per chat.

``sent:{date}`` maps a chat id to a JSON entry: ``claimed`` (by whom, when) while a
sender works on it, then ``sent`` (message ids, content hash, when). A sender claims
before it sends and records after; a retried or duplicated task finds the entry and does
nothing. A claim older than ``stale_after`` is taken over (its sender died), so a crash
loses nothing and duplicates are bounded by what was in flight. The ledger is also what
a correction edits: ``deliveries(date)`` lists every message sent for that date.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.clock import Clock, utc_now
from bot.store.errors import store_errors, translate_errors
from bot.store.lua import load_script
from bot.store.redis_types import text_hash, text_list

LEDGER_RETENTION_DAYS = 30
EntryState = Literal["claimed", "sent"]
Parts = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Variant:
    """What a reader's messages were rendered as: format, language and categories (sorted;
    empty = all). Recorded with each delivery so a correction re-renders exactly what the
    reader got, even after they changed their settings; absent in records written before
    it existed (a correction then falls back to the reader's current settings)."""

    format: str
    language: str
    categories: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()  # the /filter terms (``+word`` / ``-word``)

    def to_json(self) -> dict[str, object]:
        """The ledger's JSON form."""
        return {
            "format": self.format,
            "language": self.language,
            "categories": list(self.categories),
            "keywords": list(self.keywords),
        }

    @classmethod
    def from_json(cls, data: object) -> Variant | None:
        """The variant of a stored entry; None when absent or unreadable."""
        if not isinstance(data, dict):
            return None
        return cls(
            str(data.get("format", "compact")),
            str(data.get("language", "zh")),
            _texts(data.get("categories")),
            _texts(data.get("keywords")),
        )


@dataclass(frozen=True)
class LedgerEntry:
    """One chat's delivery of one date: a live claim, or the messages that were sent."""

    chat_id: int
    state: EntryState
    at: float
    claimer: str | None = None
    message_ids: tuple[int, ...] = ()
    content_hash: str | None = None
    variant: Variant | None = None
    # Which parts of the digest each message shows ("head", "i3", "end"), once a correction
    # edited them: the messages keep the split of the version first sent.
    parts: Parts | None = None

    @property
    def sent(self) -> bool:
        """True once the messages went out."""
        return self.state == "sent"

    @classmethod
    def from_json(cls, chat_id: int, text: str) -> LedgerEntry:
        """Parse a stored entry."""
        data: dict[str, Any] = json.loads(text)
        return cls(
            chat_id=chat_id,
            state="sent" if data.get("state") == "sent" else "claimed",
            at=float(data.get("at", 0)),
            claimer=data.get("claimer"),
            # cjson encodes an empty Lua table as {}; we only ever store lists of ids.
            message_ids=tuple(int(i) for i in data.get("message_ids") or ()),
            content_hash=data.get("content_hash"),
            variant=Variant.from_json(data.get("variant")),
            parts=_parts(data.get("parts")),
        )

    def payload(self) -> dict[str, object]:
        """The stored JSON of a ``sent`` entry."""
        payload: dict[str, object] = {
            "state": "sent",
            "at": self.at,
            "message_ids": list(self.message_ids),
            "content_hash": self.content_hash,
        }
        if self.variant is not None:
            payload["variant"] = self.variant.to_json()
        if self.parts is not None:
            payload["parts"] = [list(part) for part in self.parts]
        return payload


def _texts(data: object) -> tuple[str, ...]:
    return tuple(str(value) for value in data) if isinstance(data, list) else ()


def _parts(data: object) -> Parts | None:
    if not isinstance(data, list) or not all(isinstance(part, list) for part in data):
        return None
    return tuple(tuple(str(key) for key in part) for part in data)


@dataclass(frozen=True)
class Sent:
    """What one delivery sent, to record in the ledger."""

    date: str
    chat_id: int
    message_ids: tuple[int, ...]
    content_hash: str
    variant: Variant | None = None
    parts: Parts | None = None


@dataclass(frozen=True)
class ClaimResult:
    """``granted``: the caller may send. ``entry``: the entry now stored (the caller's
    own claim, or the one that refused it)."""

    granted: bool
    entry: LedgerEntry


class DeliveryLedger:
    """Claims, records and lists deliveries per (date, chat)."""

    def __init__(self, client: Redis, keys: Keys, clock: Clock = utc_now) -> None:
        self._client = client
        self._keys = keys
        self._clock = clock
        self._claim_many = load_script(client, "claim_many")
        self._record = load_script(client, "record_sent")
        self._release = load_script(client, "release")

    async def claim(self, date: str, chat_id: int, claimer: str, stale_after: float) -> ClaimResult:
        """Atomically claim the delivery of ``date`` to ``chat_id`` for ``claimer``:
        granted when there is no entry, the entry is the claimer's own claim, or another
        claimer's claim older than ``stale_after`` seconds (its sender died)."""
        [result] = await self.claim_many([(date, chat_id)], claimer, stale_after)
        return result

    @translate_errors
    async def claim_many(
        self, items: Sequence[tuple[str, int]], claimer: str, stale_after: float
    ) -> list[ClaimResult]:
        """``claim`` for each (date, chat) of ``items`` in one atomic script call (what
        the senders use for the tasks they start together); results in ``items``' order.
        The same chat twice is granted twice to the same claimer, as ``claim`` would."""
        if not items:
            return []
        answers = await self._claim_many(
            keys=[self._keys.sent(date) for date, _ in items],
            args=[
                claimer,
                self._clock().timestamp(),
                stale_after,
                LEDGER_RETENTION_DAYS * 86400,
                *(chat for _, chat in items),
            ],
        )
        return [
            ClaimResult(bool(int(granted)), LedgerEntry.from_json(chat, raw))
            for (_, chat), (granted, raw) in zip(items, answers, strict=True)
        ]

    async def record_sent(
        self, date: str, chat_id: int, message_ids: Sequence[int], content_hash: str
    ) -> LedgerEntry:
        """Record what was sent (also after a correction edited it: the new hash)."""
        [entry] = await self.record_many([Sent(date, chat_id, tuple(message_ids), content_hash)])
        return entry

    @translate_errors
    async def record_many(self, deliveries: Sequence[Sent]) -> list[LedgerEntry]:
        """``record_sent`` for many deliveries in one atomic script call; the stored
        entries in ``deliveries``' order."""
        at = self._clock().timestamp()
        entries: list[LedgerEntry] = []
        keys: list[str] = []
        args: list[str | int] = [LEDGER_RETENTION_DAYS * 86400]
        for sent in deliveries:
            ids = tuple(int(i) for i in sent.message_ids)
            entry = LedgerEntry(
                sent.chat_id, "sent", at, None, ids, sent.content_hash, sent.variant, sent.parts
            )
            entries.append(entry)
            keys.append(self._keys.sent(sent.date))
            args.extend((sent.chat_id, json.dumps(entry.payload(), ensure_ascii=False)))
        if keys:
            await self._record(keys=keys, args=args)
        return entries

    @translate_errors
    async def release(self, date: str, chat_id: int, claimer: str) -> bool:
        """Give back ``claimer``'s claim after a failed send; False when it was not (or
        no longer) theirs."""
        released = await self._release(keys=[self._keys.sent(date)], args=[chat_id, claimer])
        return bool(int(released))

    @translate_errors
    async def get(self, date: str, chat_id: int) -> LedgerEntry | None:
        """The chat's entry for ``date``, or None."""
        raw = await self._client.hget(self._keys.sent(date), str(chat_id))
        return None if raw is None else LedgerEntry.from_json(chat_id, str(raw))

    async def deliveries(self, date: str, count: int = 1000) -> AsyncIterator[LedgerEntry]:
        """Every entry of ``date`` (claimed and sent), streamed with HSCAN. HSCAN may
        return an entry twice while Redis resizes the hash; editing twice is harmless."""
        key = self._keys.sent(date)
        cursor = 0
        while True:
            with store_errors():
                cursor, page = await self._client.hscan(key, cursor, count=count)
            for chat, raw in text_hash(page).items():
                yield LedgerEntry.from_json(int(chat), str(raw))
            if cursor == 0:
                return

    @translate_errors
    async def undelivered(self, date: str, chat_ids: Sequence[int]) -> list[int]:
        """The chats of ``chat_ids`` that have no delivery of ``date`` recorded (no entry,
        or only a claim), in order; one HMGET."""
        if not chat_ids:
            return []
        raw = text_list(await self._client.hmget(self._keys.sent(date), [str(c) for c in chat_ids]))
        return [
            chat_id
            for chat_id, entry in zip(chat_ids, raw, strict=True)
            if entry is None or not LedgerEntry.from_json(chat_id, entry).sent
        ]

    @translate_errors
    async def count(self, date: str) -> int:
        """How many chats have an entry for ``date`` (sent, or claimed right now)."""
        return int(await self._client.hlen(self._keys.sent(date)))
