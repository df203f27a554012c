"""The URL source: fetch ``DIGEST_URL`` for a date with conditional GETs and retries.

A 200 is parsed; a 304 or a 404 (not published yet) is nothing new and is never an alert.
5xx answers, timeouts and connection errors are retried with exponential backoff and full
jitter; if every attempt fails, the admins hear about it (once per distinct failure) and the
next poll tries again. ``ETag`` / ``Last-Modified`` of the last good body are kept in the
store (``UrlValidators``), so a restarted bot asks "changed since?" instead of downloading
every digest again.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date

import aiohttp

from bot.digest.categories import CategoryRules
from bot.digest.errors import DigestError
from bot.digest.parser import parse_digest
from bot.sources.found import MAX_DIGEST_BYTES, Found, too_large
from bot.store.url_validators import UrlValidators

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    """How hard one fetch tries: attempts, and the exponential backoff between them."""

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    timeout: float = 20.0

    def delay(self, attempt: int) -> float:
        """Full jitter: a random wait up to base * 2**attempt, so many bots do not retry in
        lockstep against a server that is already struggling."""
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))


@dataclass(frozen=True)
class Validators:
    """What the server said identifies the body we have: sent back as conditions."""

    etag: str | None
    last_modified: str | None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class _Retryable(Exception):
    """An answer worth asking again (5xx, 429, timeout, connection error)."""


class UrlSource:
    """Polls ``template.format(date=...)`` for the dates the poller asks about."""

    name = "url"

    def __init__(
        self,
        session: aiohttp.ClientSession,
        template: str,
        validators: UrlValidators,
        policy: RetryPolicy | None = None,
        rules: CategoryRules | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._rules = rules
        self._session = session
        self._template = template
        self._validators_store = validators
        self._policy = policy or RetryPolicy()
        self._sleep = sleep

    def url(self, day: date) -> str:
        """The digest URL of ``day``."""
        return self._template.format(date=day.isoformat())

    async def poll(self, dates: Sequence[date]) -> list[Found]:
        """Fetch every date; only new or changed bodies (and failures) come back."""
        found = await asyncio.gather(*(self.fetch(day) for day in dict.fromkeys(dates)))
        return [item for item in found if item is not None]

    async def acknowledge(self, found: Found) -> None:
        """Remember the validators of a body that was stored, for the next conditional GET."""
        if found.digest is None or not isinstance(found.token, tuple):
            return
        day, validators = found.token
        if isinstance(day, date) and isinstance(validators, Validators):
            kept = (validators.etag, validators.last_modified)
            await self._validators_store.put(day.isoformat(), kept)

    async def fetch(self, day: date) -> Found | None:
        """One date: a parsed digest, a failure to report, or None when nothing is new."""
        url = self.url(day)
        conditions = await self._validators(day)
        last_error = ""
        for attempt in range(self._policy.attempts):
            if attempt:
                await self._sleep(self._policy.delay(attempt - 1))
            try:
                return await self._get(day, url, conditions)
            except _Retryable as error:
                last_error = str(error)
                logger.warning("digest fetch %s failed (attempt %d): %s", url, attempt + 1, error)
        return Found(
            origin=url,
            digest=None,
            problems=(f"{url}: unreachable after {self._policy.attempts} attempts: {last_error}",),
        )

    async def _get(self, day: date, url: str, conditions: Validators | None) -> Found | None:
        headers = conditions.headers() if conditions else {}
        timeout = aiohttp.ClientTimeout(total=self._policy.timeout)
        try:
            async with self._session.get(url, headers=headers, timeout=timeout) as response:
                if response.status == 304 or response.status == 404:
                    logger.debug("digest %s: %s", url, response.status)
                    return None
                if response.status == 429 or response.status >= 500:
                    raise _Retryable(f"HTTP {response.status} {response.reason or ''}".strip())
                if response.status != 200:
                    reason = f"HTTP {response.status} {response.reason or ''}".strip()
                    return Found(origin=url, digest=None, problems=(f"{url}: {reason}",))
                body = await _read_at_most(response, MAX_DIGEST_BYTES + 1)
                validators = Validators(
                    response.headers.get("ETag"), response.headers.get("Last-Modified")
                )
        except (aiohttp.ClientError, TimeoutError) as error:
            raise _Retryable(type(error).__name__ + (f": {error}" if str(error) else "")) from error
        return self._parse(day, url, body, validators)

    def _parse(self, day: date, url: str, body: bytes, validators: Validators) -> Found:
        if len(body) > MAX_DIGEST_BYTES:
            return Found(origin=url, digest=None, problems=(too_large(url),))
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            problem = f"{url}:1: not UTF-8 text (byte {error.start})"
            return Found(origin=url, digest=None, problems=(problem,))
        try:
            digest = parse_digest(text, url, self._rules)
        except DigestError as error:
            return Found(origin=url, digest=None, problems=tuple(map(str, error.problems)))
        return Found(origin=url, digest=digest, token=(day, validators))

    async def _validators(self, day: date) -> Validators | None:
        kept = await self._validators_store.get(day.isoformat())
        return None if kept is None else Validators(*kept)


async def _read_at_most(response: aiohttp.ClientResponse, limit: int) -> bytes:
    """The body, or its first ``limit`` bytes or a little more when it is longer: enough to
    tell it is too long without holding all of it."""
    body = bytearray()
    async for chunk in response.content.iter_chunked(64 * 1024):
        body += chunk
        if len(body) >= limit:
            break
    return bytes(body)
