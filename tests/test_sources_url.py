"""The URL source against a small real HTTP server: 200 with validators, 304 on a
conditional GET (also after a restart), 404 as "not out yet", retries on 500 and timeouts."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from redis.asyncio import Redis

from bot.keys import Keys
from bot.sources.url import RetryPolicy, UrlSource
from bot.store.url_validators import UrlValidators
from tests.fixtures.scheduling import broken_digest_text, digest_text

DAY = date(2025, 7, 22)
FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02, timeout=0.5)


@dataclass
class DigestServer:
    """Serves ``/digests/{date}.md`` with an ETag; can fail or hang the next requests."""

    bodies: dict[str, str] = field(default_factory=dict)
    failures: int = 0
    hangs: int = 0
    requests: list[dict[str, str]] = field(default_factory=list)

    def etag(self, day: str) -> str:
        """The current body's entity tag."""
        return '"' + hashlib.sha256(self.bodies[day].encode()).hexdigest()[:16] + '"'

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append(dict(request.headers))
        if self.hangs:
            self.hangs -= 1
            await asyncio.sleep(2)
        if self.failures:
            self.failures -= 1
            return web.Response(status=500, text="upstream is down")
        body = self.bodies.get(request.match_info["date"])
        if body is None:
            return web.Response(status=404)
        etag = self.etag(request.match_info["date"])
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304)
        headers = {"ETag": etag, "Last-Modified": "Tue, 22 Jul 2025 01:00:00 GMT"}
        return web.Response(text=body, headers=headers, content_type="text/markdown")


@pytest.fixture
async def server() -> AsyncIterator[tuple[DigestServer, str]]:
    digests = DigestServer()
    app = web.Application()
    app.router.add_get("/digests/{date}.md", digests.handle)
    test_server = TestServer(app)
    await test_server.start_server()
    yield digests, str(test_server.make_url("/digests/")) + "{date}.md"
    await test_server.close()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


async def test_conditional_get_after_a_stored_fetch_even_after_restart(
    server: tuple[DigestServer, str], session: aiohttp.ClientSession, redis: Redis, keys: Keys
) -> None:
    digests, template = server
    digests.bodies["2025-07-22"] = digest_text("2025-07-22")
    source = UrlSource(session, template, UrlValidators(redis, keys), FAST)

    [found] = await source.poll([DAY])
    assert found.digest is not None and found.digest.date == "2025-07-22"
    await source.acknowledge(found)

    assert await source.poll([DAY]) == []  # 304: nothing new
    restarted = UrlSource(session, template, UrlValidators(redis, keys), FAST)
    assert await restarted.poll([DAY]) == []  # the validators survived in Redis

    first, again, after_restart = digests.requests
    assert "If-None-Match" not in first
    for conditional in (again, after_restart):
        assert conditional["If-None-Match"] == digests.etag("2025-07-22")
        assert conditional["If-Modified-Since"] == "Tue, 22 Jul 2025 01:00:00 GMT"

    digests.bodies["2025-07-22"] = digest_text("2025-07-22", title="更正")
    [changed] = await restarted.poll([DAY])
    assert changed.digest is not None and changed.digest.title == "更正"


async def test_not_published_yet_is_quiet(
    server: tuple[DigestServer, str], session: aiohttp.ClientSession, redis: Redis, keys: Keys
) -> None:
    _, template = server
    assert await UrlSource(session, template, UrlValidators(redis, keys), FAST).poll([DAY]) == []


async def test_server_errors_and_timeouts_are_retried(
    server: tuple[DigestServer, str], session: aiohttp.ClientSession, redis: Redis, keys: Keys
) -> None:
    digests, template = server
    digests.bodies["2025-07-22"] = digest_text("2025-07-22")
    digests.failures, digests.hangs = 1, 1

    [found] = await UrlSource(session, template, UrlValidators(redis, keys), FAST).poll([DAY])

    assert found.digest is not None and found.digest.date == "2025-07-22"
    assert len(digests.requests) == 3  # hang (timed out), 500, then the body


async def test_a_server_that_keeps_failing_is_reported(
    server: tuple[DigestServer, str], session: aiohttp.ClientSession, redis: Redis, keys: Keys
) -> None:
    digests, template = server
    digests.failures = 10
    url = template.format(date="2025-07-22")

    [found] = await UrlSource(session, template, UrlValidators(redis, keys), FAST).poll([DAY])

    assert found.digest is None
    assert found.problems == (
        f"{url}: unreachable after 3 attempts: HTTP 500 Internal Server Error",
    )
    assert len(digests.requests) == 3


async def test_an_invalid_body_is_reported_and_fetched_again(
    server: tuple[DigestServer, str], session: aiohttp.ClientSession, redis: Redis, keys: Keys
) -> None:
    digests, template = server
    digests.bodies["2025-07-22"] = broken_digest_text("2025-07-22")
    source = UrlSource(session, template, UrlValidators(redis, keys), FAST)
    url = template.format(date="2025-07-22")

    [found] = await source.poll([DAY])
    assert found.digest is None
    assert found.problems == (f"{url}:15: item 2 comes where item 1 was due: item 1 is missing",)
    await source.acknowledge(found)

    # No validators were kept for a refused body: once it is fixed, the fix is fetched.
    digests.bodies["2025-07-22"] = digest_text("2025-07-22")
    [fixed] = await source.poll([DAY])
    assert fixed.digest is not None


async def test_a_huge_body_is_refused_without_reading_it_all(
    server: tuple[DigestServer, str], session: aiohttp.ClientSession, redis: Redis, keys: Keys
) -> None:
    digests, template = server
    digests.bodies["2025-07-22"] = digest_text("2025-07-22") + "x" * 3_000_000

    [found] = await UrlSource(session, template, UrlValidators(redis, keys), FAST).poll([DAY])

    assert found.digest is None
    assert found.problems == (
        f"{template.format(date='2025-07-22')}: larger than 2 MB, not a digest",
    )
