"""The digest archive: every parsed digest by date, and every version by content hash.

``digest:{date}`` holds the current version; ``digest:{date}:versions`` keeps every
version ever stored, keyed by content hash, so the hash recorded in the delivery ledger
always names the exact text a reader got, even after a correction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as Date
from typing import Literal, cast

from redis.asyncio import Redis

from bot.digest.model import Digest
from bot.keys import Keys
from bot.store.clock import Clock, utc_now
from bot.store.errors import translate_errors
from bot.store.lua import load_script
from bot.store.redis_types import text_hash, text_list

SaveStatus = Literal["new", "unchanged", "changed", "held", "ignored", "superseded"]
CorrectionState = Literal["pending", "applied", "ignored"]
EPOCH = Date(1970, 1, 1)


@dataclass(frozen=True)
class SaveResult:
    """What ``DigestArchive.save`` did. ``previous_hash`` is set when ``changed``."""

    status: SaveStatus
    date: str
    content_hash: str
    previous_hash: str | None
    version: int


class DigestArchive:
    """Stores and loads parsed digests (JSON from ``Digest.to_json``)."""

    def __init__(self, client: Redis, keys: Keys, clock: Clock = utc_now) -> None:
        self._client = client
        self._keys = keys
        self._clock = clock
        self._save = load_script(client, "save_digest")
        self._hashes = load_script(client, "current_hashes")

    async def save(self, digest: Digest) -> SaveResult:
        """Store ``digest`` as its date's current version (atomic; idempotent)."""
        return await self._store(digest, offer=False)

    async def offer(self, digest: Digest) -> SaveResult:
        """Store ``digest`` as ``save`` does, except a changed version of a date already
        delivered (or being pushed): that one is kept among the versions and ``held``
        (pending) for an admin to apply, ``ignored`` if an admin ignored it before, or
        ``superseded`` if it was current once and corrected since (the file a /correct
        fixed); what readers see does not change."""
        return await self._store(digest, offer=True)

    @translate_errors
    async def _store(self, digest: Digest, offer: bool) -> SaveResult:
        day_number = (Date.fromisoformat(digest.date) - EPOCH).days
        keys = [
            self._keys.digest(digest.date),
            self._keys.digest_versions(digest.date),
            self._keys.digest_dates(),
            self._keys.digests_removed(),
        ]
        if offer:
            keys += [self._keys.sent(digest.date), self._keys.corrections(digest.date)]
        status, previous, version = await self._save(
            keys=keys,
            args=[
                digest.to_json(),
                digest.content_hash,
                digest.date,
                day_number,
                int(self._clock().timestamp()),
            ],
        )
        return SaveResult(
            status=cast(SaveStatus, status),
            date=digest.date,
            content_hash=digest.content_hash,
            previous_hash=previous or None,
            version=int(version),
        )

    @translate_errors
    async def load(self, date: str) -> Digest | None:
        """The current version of the digest of ``date``, or None. A stored value this
        version cannot read raises ``DigestJsonError``."""
        text = await self._client.hget(self._keys.digest(date), "json")
        return None if text is None else Digest.from_json(text)

    @translate_errors
    async def load_version(self, date: str, content_hash: str) -> Digest | None:
        """The version of ``date`` with ``content_hash`` (e.g. what a reader was sent)."""
        text = await self._client.hget(self._keys.digest_versions(date), content_hash)
        return None if text is None else Digest.from_json(text)

    @translate_errors
    async def set_correction_state(
        self, date: str, content_hash: str, state: CorrectionState
    ) -> None:
        """Mark a changed version of ``date`` applied or ignored by an admin."""
        await self._client.hset(self._keys.corrections(date), content_hash, state)

    @translate_errors
    async def correction_states(self, date: str) -> dict[str, str]:
        """Content hash -> state of every changed version of ``date`` held for an admin."""
        return text_hash(await self._client.hgetall(self._keys.corrections(date)))

    @translate_errors
    async def current_hash(self, date: str) -> str | None:
        """The content hash of the current version of ``date``, without loading it."""
        value = await self._client.hget(self._keys.digest(date), "hash")
        return None if value is None else str(value)

    @translate_errors
    async def current_hashes(self, dates: Sequence[str]) -> list[str | None]:
        """``current_hash`` of each of ``dates`` in one script call, in order."""
        if not dates:
            return []
        values = await self._hashes(keys=[self._keys.digest(date) for date in dates])
        return [str(value) or None for value in values]

    @translate_errors
    async def version_hashes(self, date: str) -> list[str]:
        """The content hashes of every version stored for ``date``."""
        return text_list(await self._client.hkeys(self._keys.digest_versions(date)))

    @translate_errors
    async def dates(self, limit: int = 30) -> list[str]:
        """Stored digest dates, newest first."""
        if limit <= 0:
            return []
        return text_list(await self._client.zrevrange(self._keys.digest_dates(), 0, limit - 1))

    @translate_errors
    async def all_dates(self) -> list[str]:
        """Every stored digest date, newest first."""
        return text_list(await self._client.zrevrange(self._keys.digest_dates(), 0, -1))

    async def latest(self) -> Digest | None:
        """The newest stored digest, or None when the archive is empty."""
        newest = await self.dates(1)
        return await self.load(newest[0]) if newest else None
