"""The ``ETag`` / ``Last-Modified`` of the last good body fetched from ``DIGEST_URL`` per
date, so the next poll (in any process, after a restart) asks with a conditional GET."""

from __future__ import annotations

import json
import logging

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.errors import translate_errors

logger = logging.getLogger(__name__)

Validators = tuple[str | None, str | None]  # (ETag, Last-Modified)


class UrlValidators:
    """One hash: date -> JSON ``{"etag": ..., "last_modified": ...}``."""

    def __init__(self, client: Redis, keys: Keys) -> None:
        self._client = client
        self._keys = keys

    @translate_errors
    async def get(self, date: str) -> Validators | None:
        """The validators kept for ``date``; None when there are none or they are
        unreadable (the next fetch is then a plain GET)."""
        raw = await self._client.hget(self._keys.url_validators(), date)
        if raw is None:
            return None
        try:
            record = json.loads(raw)
            return record.get("etag"), record.get("last_modified")
        except (ValueError, AttributeError):
            logger.warning("ignoring unreadable URL validators for %s", date)
            return None

    @translate_errors
    async def put(self, date: str, validators: Validators) -> None:
        """Keep the validators of a body that was stored."""
        etag, last_modified = validators
        record = {"etag": etag, "last_modified": last_modified}
        await self._client.hset(self._keys.url_validators(), date, json.dumps(record))
