"""The ledger of a correction's edits: at most one round of edits per (date, corrected
version, chat), across every sender process.

``edits:{date}:{hash}`` maps a chat to an entry like the delivery ledger's (the same
scripts): ``claimed`` while a sender edits that chat's messages, then ``sent``. Applying
the same correction twice finds ``sent`` and edits nothing; a claim older than
``stale_after`` belongs to a dead sender and is taken over (editing a message again to the
same text is answered "message is not modified", so a takeover costs a request, never a
wrong message). Finishing also rewrites the chat's delivery record to the corrected
version, in the same script call, so a later correction starts from what the chat shows.
"""

from __future__ import annotations

import json

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.clock import Clock, utc_now
from bot.store.errors import translate_errors
from bot.store.ledger import LEDGER_RETENTION_DAYS, ClaimResult, LedgerEntry
from bot.store.lua import load_script


class EditLedger:
    """Claims and records a correction's edits per chat."""

    def __init__(self, client: Redis, keys: Keys, clock: Clock = utc_now) -> None:
        self._client = client
        self._keys = keys
        self._clock = clock
        self._claim = load_script(client, "claim_many")
        self._record = load_script(client, "record_sent")
        self._release = load_script(client, "release")

    @translate_errors
    async def claim(
        self, date: str, content_hash: str, chat_id: int, claimer: str, stale_after: float
    ) -> ClaimResult:
        """Claim editing ``chat_id``'s messages of ``date`` to version ``content_hash``."""
        [(granted, raw)] = await self._claim(
            keys=[self._keys.edits(date, content_hash)],
            args=[
                claimer,
                self._clock().timestamp(),
                stale_after,
                LEDGER_RETENTION_DAYS * 86400,
                chat_id,
            ],
        )
        return ClaimResult(bool(int(granted)), LedgerEntry.from_json(chat_id, raw))

    @translate_errors
    async def finish(
        self, date: str, content_hash: str, edited: tuple[int, ...], delivery: LedgerEntry
    ) -> None:
        """Record the chat's edits for version ``content_hash`` as done and its delivery
        record as ``delivery`` (what its messages show now: the corrected version, its
        variant and parts), atomically."""
        chat = delivery.chat_id
        done = {"state": "sent", "at": self._clock().timestamp(), "message_ids": list(edited)}
        await self._record(
            keys=[self._keys.edits(date, content_hash), self._keys.sent(date)],
            args=[
                LEDGER_RETENTION_DAYS * 86400,
                chat,
                json.dumps(done),
                chat,
                json.dumps(delivery.payload(), ensure_ascii=False),
            ],
        )

    @translate_errors
    async def release(self, date: str, content_hash: str, chat_id: int, claimer: str) -> bool:
        """Give back ``claimer``'s claim (the chat is gone or the edit failed for good)."""
        released = await self._release(
            keys=[self._keys.edits(date, content_hash)], args=[chat_id, claimer]
        )
        return bool(int(released))

    @translate_errors
    async def done(self, date: str, content_hash: str) -> int:
        """How many chats have an entry for this correction (done, or being edited)."""
        return int(await self._client.hlen(self._keys.edits(date, content_hash)))

    @translate_errors
    async def done_among(self, date: str, content_hash: str, chat_ids: list[int]) -> list[bool]:
        """For each of ``chat_ids``: whether this correction finished its edits (one HMGET)."""
        if not chat_ids:
            return []
        raw = await self._client.hmget(
            self._keys.edits(date, content_hash), [str(c) for c in chat_ids]
        )
        return [
            value is not None and LedgerEntry.from_json(chat, str(value)).sent
            for chat, value in zip(chat_ids, raw, strict=True)
        ]
