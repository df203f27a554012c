"""``python -m bot.healthcheck``, the container's HEALTHCHECK, against a real HTTP server
that answers ``/healthz`` as the ops endpoint does (200 healthy, 503 not)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.healthcheck import probe


@pytest.fixture
async def ops_port() -> AsyncIterator[tuple[int, list[int]]]:
    """A server on a free port whose /healthz answers the status the test puts first in
    the list (the list is shared with the test)."""
    statuses = [200]

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"ok": statuses[0] == 200}, status=statuses[0])

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield port, statuses
    await runner.cleanup()


async def test_a_healthy_endpoint_passes_and_an_unhealthy_one_fails(
    ops_port: tuple[int, list[int]],
) -> None:
    port, statuses = ops_port
    env = {"OPS_PORT": str(port), "OPS_LISTEN": "0.0.0.0"}
    assert await asyncio.to_thread(probe, env) == (0, '/healthz 200: {"ok": true}')
    statuses[0] = 503
    assert await asyncio.to_thread(probe, env) == (1, '/healthz 503: {"ok": false}')


async def test_the_probe_as_the_container_runs_it(ops_port: tuple[int, list[int]]) -> None:
    port, statuses = ops_port
    statuses[0] = 503
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.healthcheck",
        env={"OPS_PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert (process.returncode, out, err) == (1, b"", b'/healthz 503: {"ok": false}\n')


def test_no_answer_fails_and_names_the_address() -> None:
    status, line = probe({"OPS_PORT": "1", "OPS_LISTEN": "127.0.0.1"})
    assert status == 1
    assert line.startswith("no answer from http://127.0.0.1:1/healthz: ")


def test_an_endpoint_turned_off_passes_and_a_bad_port_fails() -> None:
    assert probe({"OPS_PORT": "0"}) == (0, "OPS_PORT=0: the ops endpoint is off, nothing to check")
    assert probe({"OPS_PORT": "80a"}) == (1, "OPS_PORT '80a' is not a port number")
