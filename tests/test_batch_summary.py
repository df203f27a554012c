"""The one summary line a finished batch gets, as a log collector reads it: ``briefbot
worker`` with ``LOG_FORMAT=json`` (a real process, the test's Redis, the sandbox), every
line parsed as JSON; and once per finish however many senders there are."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.delivery.queue.batch_summary import summarise_if_finished
from tests.fixtures.delivery import DeliveryWorld, process_env


async def _worker_log(
    world: DeliveryWorld, tmp_path: Path, chats: list[int]
) -> tuple[list[dict[str, Any]], str]:
    """What a ``briefbot worker`` with ``LOG_FORMAT=json`` logged while it sent one push to
    ``chats``: its JSON lines, parsed, and the push id."""
    env = process_env(world, tmp_path, LOG_FORMAT="json", LOG_LEVEL="INFO")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "worker",
        env=env, cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        push_id = await world.push(chats, "manual-2025-07-21-summary")
        await world.finished(push_id, within=30)
        await asyncio.sleep(0.5)  # the worker's log line follows its last acknowledgement
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 40)
    assert process.returncode == 0, stderr.decode()
    lines = [line for line in stderr.decode().splitlines() if line.startswith("{")]
    return [json.loads(line) for line in lines], push_id


async def test_a_finished_push_logs_one_json_summary_with_its_counts(
    world: DeliveryWorld, tmp_path: Path
) -> None:
    chats = await world.readers(4)
    gone = await world.readers(1)
    await world.control.set_faults(missing_chats=gone, methods=["sendMessage"])
    records, push_id = await _worker_log(world, tmp_path, [*chats, *gone])

    summaries = [r for r in records if r.get("batch_id") == push_id and "delivered" in r]
    assert len(summaries) == 1, records
    (line,) = summaries
    assert line["level"] == "INFO"
    assert line["kind"] == "push"
    assert (line["enqueued"], line["delivered"], line["failed"], line["blocked"]) == (5, 4, 0, 1)
    assert line["skipped"] == 0
    assert line["duration_seconds"] > 0 and line["rate_per_second"] > 0
    assert line["message"].startswith(f"push {push_id} finished: 4 of 5 delivered, 0 failed")
    # Counts only: no line at INFO carries what the readers were sent.
    headline = world.digest.items[0].title
    texts = [text for chat in chats for text in await world.bot_texts(chat)]
    assert headline in texts[0]
    assert not any(headline in json.dumps(r, ensure_ascii=False) for r in records)


async def test_a_batch_that_finishes_again_is_summarised_again_and_each_time_once(
    world: DeliveryWorld, caplog: pytest.LogCaptureFixture
) -> None:
    # A scheduled push gains readers as their mornings come: each finish is one line.
    caplog.set_level(logging.INFO, logger="bot.delivery.summary")
    progress = world.outbox.progress
    first, second = await world.readers(2)
    await world.pool()
    await world.pool()  # two senders: still one line per finish
    push_id = await world.push([first], "scheduled-2025-07-21")
    await world.finished(push_id)
    await world.push([second], push_id)
    await world.finished(push_id)
    await asyncio.sleep(0.3)  # any late acknowledgement flushed
    assert not await summarise_if_finished(progress, push_id, "push")  # logged already
    lines = [r for r in caplog.records if getattr(r, "batch_id", None) == push_id]
    assert [(r.enqueued, r.delivered) for r in lines] == [(1, 1), (2, 2)]  # type: ignore[attr-defined]
    for chat in (first, second):
        assert len(await world.bot_texts(chat)) == 1
