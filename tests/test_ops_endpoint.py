"""The ops endpoint as an operator and Prometheus see it, over real HTTP: ``/healthz`` says
200 while Redis answers and 503 within 15 s of it going away (200 again once it is back,
the process alive throughout); ``/metrics`` counters move when a push runs."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import signal
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from bot.app import polling
from bot.cli.run import build_bot_process
from bot.keys import Keys
from bot.ops.server import serving_ops
from bot.runtime import running
from bot.settings import Secret, Settings
from bot.store.embedded import EmbeddedRedis
from bot.webhook_server import serve_webhook
from tests.fixtures.bot_process import bot_env, start_briefbot
from tests.fixtures.delivery import DeliveryWorld
from tests.fixtures.reader_bot import ChatDriver

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def ops_endpoint(env: dict[str, str], process: str = "worker") -> AsyncIterator[str]:
    """A runtime on ``env`` serving its ops endpoint; yields the endpoint's base URL."""
    port = free_port()
    settings = Settings.from_env({**env, "OPS_LISTEN": "127.0.0.1", "OPS_PORT": str(port)})
    async with running(settings) as runtime, serving_ops(runtime, process):
        yield f"http://127.0.0.1:{port}"


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def healthz(base: str) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.get(f"{base}/healthz") as response:
        return response.status, await response.json()


async def healthy_within(base: str, seconds: float) -> bool:
    """Whether /healthz answers 200 within ``seconds`` (asked every 0.2 s)."""
    for _ in range(int(seconds / 0.2)):
        with contextlib.suppress(aiohttp.ClientError):
            if (await healthz(base))[0] == 200:
                return True
        await asyncio.sleep(0.2)
    return False


async def scrape(base: str) -> Samples:
    status, text = await get(f"{base}/metrics")
    assert status == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_count_what_a_push_did(
    world: DeliveryWorld, redis_env: dict[str, str], keys: Keys
) -> None:
    chats = await world.readers(4)
    gone = await world.readers(1)
    await world.control.set_faults(missing_chats=gone, error_burst=1, methods=["sendMessage"])
    async with ops_endpoint({**redis_env, "BRIEFBOT_PREFIX": keys.prefix}) as base:
        before = await scrape(base)
        await world.pool()
        push_id = await world.push([*chats, *gone])
        progress = await world.finished(push_id)
        assert (progress.sent, progress.blocked) == (4, 1)
        after = await scrape(base)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("briefbot_messages_sent_total", kind="push") == 4
    assert moved("briefbot_tasks_total", kind="push", outcome="sent") == 4
    assert moved("briefbot_tasks_total", kind="push", outcome="blocked") == 1
    assert moved("briefbot_send_failures_total", reason="gone") == 1
    assert moved("briefbot_send_failures_total", reason="transient") == 1  # the 502
    assert moved("briefbot_send_retries_total") == 1
    # Every reader's push time (08:00 in Shanghai on the digest's date) is long past; the
    # lag is taken when a digest is ready to go, so the vanished chat's counts too.
    assert moved("briefbot_delivery_lag_seconds_count") == 5
    assert moved("briefbot_delivery_lag_seconds_bucket", le="3600.0") == 0
    # The shared state, read from Redis at the scrape.
    assert value(after, "briefbot_subscribers", status="active") == 5  # counted at the 1st
    assert value(after, "briefbot_outbox_depth") == 0
    assert value(after, "briefbot_outbox_oldest_age_seconds") == 0
    assert value(after, "briefbot_redis_up") == 1
    assert 0 < value(after, "briefbot_digest_age_seconds") < 600
    assert value(after, "briefbot_bot_api_last_success_timestamp_seconds") > time.time() - 60


async def test_healthz_reports_the_process_and_its_state(
    world: DeliveryWorld, redis_env: dict[str, str], keys: Keys
) -> None:
    chats = await world.readers(2)
    async with ops_endpoint({**redis_env, "BRIEFBOT_PREFIX": keys.prefix}) as base:
        await world.pool()
        await world.finished(await world.push(chats))
        status, body = await healthz(base)
    assert status == 200
    assert body["status"] == "ok" and body["process"] == "worker"
    assert body["redis"]["ok"] and 0 < body["redis"]["ping_seconds"] < 3
    assert body["digest"]["date"] == world.digest.date
    assert 0 <= body["digest"]["age_seconds"] < 600
    assert body["outbox"] == {"depth": 0, "pending": 0, "oldest_age_seconds": None}
    assert body["last_delivery"]["outcome"] == "sent"
    assert body["bot_api"]["age_seconds"] < 60
    assert body["scheduler_lease"] == {"holder": None}  # no scheduler runs here


async def test_healthz_is_503_while_redis_is_away_and_200_when_it_is_back(
    tmp_path: Path,
) -> None:
    server = EmbeddedRedis(tmp_path / "data")
    url = await asyncio.to_thread(server.start)
    try:
        async with ops_endpoint({"REDIS_URL": url, "BRIEFBOT_PREFIX": "ops-outage"}) as base:
            assert (await healthz(base))[0] == 200
            await asyncio.to_thread(server.stop)
            started = time.monotonic()
            status, body = await healthz(base)
            assert status == 503
            assert time.monotonic() - started < 15
            assert body["status"] == "unavailable" and body["redis"]["ok"] is False
            assert "Redis" in body["redis"]["error"]
            metrics_status, metrics = await get(f"{base}/metrics")
            assert metrics_status == 200 and "briefbot_redis_up 0.0" in metrics

            assert await asyncio.to_thread(server.start) == url
            assert await healthy_within(base, 15)
    finally:
        await asyncio.to_thread(server.stop)


async def test_briefbot_worker_serves_its_endpoint_and_stops_on_sigterm(
    world: DeliveryWorld, redis_env: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    env = bot_env(
        Settings.from_env(
            {
                **redis_env,
                "TELEGRAM_API_BASE_URL": world.sandbox.bot_api_base_url,
                "TELEGRAM_BOT_TOKEN": world.bot_token,
                "BRIEFBOT_PREFIX": world.keys.prefix,
            }
        ),
        OPS_LISTEN="127.0.0.1",
        OPS_PORT=str(port),
    )
    process = await start_briefbot(env, tmp_path, "worker")
    try:
        base = f"http://127.0.0.1:{port}"
        assert await healthy_within(base, 30)
        _, body = await healthz(base)
        assert body["process"] == "worker"
        assert body["bot_api"]["last_success"] is not None  # the senders' getMe
        _, text = await get(f"{base}/metrics")
        assert "# TYPE briefbot_messages_sent_total counter" in text
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0


async def test_handler_latency_is_observed_per_command(private_chat: ChatDriver) -> None:
    def handled(command: str) -> float:
        count = REGISTRY.get_sample_value(
            "briefbot_handler_duration_seconds_count", {"command": command}
        )
        return count or 0.0

    start, help_ = handled("start"), handled("help")
    await private_chat.ask("/start")
    await private_chat.ask("/help")
    await private_chat.ask("/start")
    assert (handled("start") - start, handled("help") - help_) == (2, 1)


async def test_briefbot_run_by_polling_serves_its_endpoint(bot_settings: Settings) -> None:
    port = free_port()
    settings = dataclasses.replace(bot_settings, ops_listen="127.0.0.1", ops_port=port)
    async with polling(build_bot_process(settings), poll_seconds=1.0):
        base = f"http://127.0.0.1:{port}"
        assert await healthy_within(base, 15)
        _, body = await healthz(base)
        assert body["process"] == "run"
        assert body["bot_api"]["last_success"] is not None  # getMe, getUpdates
    with pytest.raises(aiohttp.ClientConnectionError):  # stopped with the bot
        await healthz(base)


async def test_in_webhook_mode_the_endpoint_shares_the_webhook_port(
    bot_settings: Settings,
) -> None:
    port = free_port()
    settings = dataclasses.replace(
        bot_settings,
        webhook_url=f"http://127.0.0.1:{port}/telegram/hook",
        webhook_secret=Secret("s3cret-for-tests_only"),
        webhook_listen="127.0.0.1",
        webhook_port=port,
        ops_listen="127.0.0.1",
        ops_port=port,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve_webhook(build_bot_process(settings), settings, stop))
    try:
        base = f"http://127.0.0.1:{port}"
        assert await healthy_within(base, 15)
        assert (await healthz(base))[1]["process"] == "run"
        status, text = await get(f"{base}/metrics")
        assert status == 200 and "briefbot_redis_up 1.0" in text
    finally:
        stop.set()
        await task
