"""Broadcasts: an admin's message to many readers, and its own delivery ledger.

``broadcast:{id}`` holds the text (Telegram HTML, checked before it is stored), the
audience filters and the state: ``draft`` (previewed, waiting for Send), ``sending``
(enqueued; the senders deliver it), ``cancelled``. Moving from one state to the next is
atomic (``broadcast_state.lua``), so a Send pressed twice starts one broadcast.
``broadcast:{id}:sent`` is its ledger, kept by the same scripts as a push's
(``claim_many``, ``record_sent``, ``release``): a reader gets one copy however often a
task is retried, reclaimed or enqueued again.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Final, Literal, cast, get_args

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.clock import Clock, utc_now
from bot.store.errors import translate_errors
from bot.store.ledger import ClaimResult, LedgerEntry
from bot.store.lua import load_script
from bot.store.redis_types import HashFields, text_hash

State = Literal["draft", "sending", "cancelled"]
STATES: Final[tuple[State, ...]] = get_args(State)
_STATES: Final[dict[str, State]] = {state: state for state in STATES}
KEEP_SECONDS: Final = 30 * 86400  # a broadcast and its ledger, after its last change


def broadcast_batch(broadcast_id: str) -> str:
    """The delivery batch whose progress counts a broadcast's tasks."""
    return f"broadcast-{broadcast_id}"


@dataclass(frozen=True)
class Broadcast:
    """One broadcast. ``lang`` / ``category`` narrow the audience ("" = everyone);
    ``chat`` and ``status_message`` locate the admin's status message (0 = none: the
    command line)."""

    broadcast_id: str
    text: str
    lang: str
    category: str
    state: State
    who: str
    created_at: float
    audience: int = 0
    chat: int = 0
    status_message: int = 0

    @property
    def batch_id(self) -> str:
        """The delivery batch whose progress counts its tasks."""
        return broadcast_batch(self.broadcast_id)


def _broadcast(broadcast_id: str, fields: dict[str, str]) -> Broadcast:
    return Broadcast(
        broadcast_id,
        fields.get("text", ""),
        fields.get("lang", ""),
        fields.get("category", ""),
        _STATES.get(fields.get("state", ""), "cancelled"),
        fields.get("who", ""),
        float(fields.get("created_at", 0) or 0),
        int(fields.get("audience", 0) or 0),
        int(fields.get("chat", 0) or 0),
        int(fields.get("status_message", 0) or 0),
    )


class BroadcastStore:
    """Broadcast records and their ledgers."""

    def __init__(self, client: Redis, keys: Keys, clock: Clock = utc_now) -> None:
        self._client = client
        self._keys = keys
        self._clock = clock
        self._state = load_script(client, "broadcast_state")
        self._claim = load_script(client, "claim_many")
        self._record = load_script(client, "record_sent")
        self._release = load_script(client, "release")

    @translate_errors
    async def create(
        self, text: str, *, lang: str, category: str, who: str, audience: int, chat: int = 0
    ) -> Broadcast:
        """Store a new draft; the broadcast with its fresh id."""
        broadcast_id = secrets.token_hex(4)
        now = round(self._clock().timestamp(), 3)
        fields = {
            "text": text,
            "lang": lang,
            "category": category,
            "state": "draft",
            "who": who,
            "created_at": str(now),
            "audience": str(audience),
            "chat": str(chat),
        }
        key = self._keys.broadcast(broadcast_id)
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=cast(HashFields, fields))
            pipe.expire(key, KEEP_SECONDS)
            pipe.zadd(self._keys.broadcasts(), {broadcast_id: now})
            await pipe.execute()
        return _broadcast(broadcast_id, fields)

    @translate_errors
    async def get(self, broadcast_id: str) -> Broadcast | None:
        """The broadcast, or None (unknown, or expired)."""
        fields = text_hash(await self._client.hgetall(self._keys.broadcast(broadcast_id)))
        return _broadcast(broadcast_id, fields) if fields else None

    @translate_errors
    async def latest(self) -> Broadcast | None:
        """The newest broadcast still stored, or None."""
        ids = await self._client.zrevrange(self._keys.broadcasts(), 0, 0)
        return await self.get(str(ids[0])) if ids else None

    @translate_errors
    async def move(self, broadcast_id: str, from_state: State, to_state: State) -> str:
        """Move the broadcast from ``from_state`` to ``to_state`` if it is in it; returns
        the state it was in ("" when unknown): the caller won only when that is
        ``from_state``."""
        previous = await self._state(
            keys=[self._keys.broadcast(broadcast_id)], args=[from_state, to_state]
        )
        return str(previous)

    @translate_errors
    async def set_status_message(self, broadcast_id: str, chat: int, message_id: int) -> None:
        """Where the admin's status message of the broadcast is."""
        await self._client.hset(
            self._keys.broadcast(broadcast_id),
            mapping={"chat": str(chat), "status_message": str(message_id)},
        )

    # --- the broadcast's ledger ----------------------------------------------------------
    @translate_errors
    async def claim(
        self, broadcast_id: str, chat_id: int, claimer: str, stale_after: float
    ) -> ClaimResult:
        """Claim sending the broadcast to ``chat_id`` (the delivery ledger's rule: free,
        own, or another sender's stale claim)."""
        [(granted, raw)] = await self._claim(
            keys=[self._keys.broadcast_sent(broadcast_id)],
            args=[claimer, self._clock().timestamp(), stale_after, KEEP_SECONDS, chat_id],
        )
        return ClaimResult(bool(int(granted)), LedgerEntry.from_json(chat_id, raw))

    @translate_errors
    async def record(self, broadcast_id: str, chat_id: int, message_id: int) -> None:
        """The broadcast reached ``chat_id`` as ``message_id``."""
        entry = {"state": "sent", "at": self._clock().timestamp(), "message_ids": [message_id]}
        await self._record(
            keys=[self._keys.broadcast_sent(broadcast_id)],
            args=[KEEP_SECONDS, chat_id, json.dumps(entry)],
        )

    @translate_errors
    async def release(self, broadcast_id: str, chat_id: int, claimer: str) -> bool:
        """Give back ``claimer``'s claim (the reader is gone, or the send failed)."""
        released = await self._release(
            keys=[self._keys.broadcast_sent(broadcast_id)], args=[chat_id, claimer]
        )
        return bool(int(released))

    @translate_errors
    async def entry(self, broadcast_id: str, chat_id: int) -> LedgerEntry | None:
        """The chat's ledger entry for the broadcast, or None."""
        raw = await self._client.hget(self._keys.broadcast_sent(broadcast_id), str(chat_id))
        return None if raw is None else LedgerEntry.from_json(chat_id, str(raw))
