"""Logs as an operator reads them: readable lines by default, one JSON object per line with
``LOG_FORMAT=json`` (briefbot's own lines and those of the libraries it uses alike), the
event's fields as JSON fields, never the token, never a reader's text at INFO."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.logs import configure_logging
from bot.settings import Settings
from sandbox import SandboxControl
from tests.fixtures.bot_process import bot_env, start_briefbot
from tests.fixtures.scheduling import Scene, at

TOKEN = "7000000001:AAHsandboxTokenForBriefbotTests_0000"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    saved = root.handlers[:], root.level, sys.excepthook, threading.excepthook
    unraisable = sys.unraisablehook
    yield
    root.handlers[:], level, sys.excepthook, threading.excepthook = saved
    sys.unraisablehook = unraisable
    root.setLevel(level)
    logging.captureWarnings(False)


@pytest.mark.usefixtures("restore_logging")
def test_text_lines_are_readable() -> None:
    stream = io.StringIO()
    configure_logging("INFO", (), stream=stream)
    logging.getLogger("bot.delivery").info("push %s: %d sent", "p-1", 3, extra={"push_id": "p-1"})
    (line,) = stream.getvalue().splitlines()
    assert line.endswith(" INFO bot.delivery: push p-1: 3 sent")


@pytest.mark.usefixtures("restore_logging")
def test_a_json_line_holds_the_event_fields_and_the_traceback() -> None:
    stream = io.StringIO()
    configure_logging("INFO", (TOKEN,), log_format="json", stream=stream)
    log = logging.getLogger("bot.delivery")
    log.info(
        "push %s done\nin two lines",
        "p-1",
        extra={"push_id": "p-1", "chats": 1200, "rate": 29.5, "url": f"/bot{TOKEN}/x"},
    )
    try:
        raise ValueError(f"bad /bot{TOKEN}/sendMessage")
    except ValueError:
        log.exception("send failed", extra={"chat_id": 42})
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["level"] == "INFO"
    assert first["logger"] == "bot.delivery"
    assert first["message"] == "push p-1 done\nin two lines"
    assert first["time"].endswith("+00:00")
    assert (first["push_id"], first["chats"], first["rate"]) == ("p-1", 1200, 29.5)
    assert first["url"] == "/bot[REDACTED]/x"
    assert second["level"] == "ERROR"
    assert second["chat_id"] == 42
    assert second["exception"].endswith("ValueError: bad /bot[REDACTED]/sendMessage")
    assert TOKEN not in stream.getvalue()


@pytest.mark.usefixtures("restore_logging")
async def test_a_scheduler_tick_carries_its_counts_as_fields(scene: Scene) -> None:
    stream = io.StringIO()
    configure_logging("INFO", (), log_format="json", stream=stream)
    scene.clock.now = at("2025-07-20 13:00")
    for chat_id in (1, 2):
        await scene.reader(chat_id, "Asia/Shanghai")
    await scene.publish("2025-07-21")
    scene.clock.now = at("2025-07-21 00:00")
    await scene.planner.tick()
    (tick,) = [
        entry
        for entry in map(json.loads, stream.getvalue().splitlines())
        if entry["message"].startswith("scheduler tick")
    ]
    assert tick["logger"] == "bot.scheduler.planner"
    assert tick["enqueued"] == {"2025-07-21": 2}
    assert (tick["missed"], tick["gave_up"]) == (0, 0)


async def test_a_real_bot_process_writes_only_json_lines(
    bot_settings: Settings, sandbox_control: SandboxControl, redis: Redis, tmp_path: Path
) -> None:
    env = bot_env(
        bot_settings,
        SCHEDULER_TICK_SECONDS="0.5",
        LOG_LEVEL="DEBUG",  # every library's lines, not only briefbot's
        LOG_FORMAT="json",
    )
    process = await start_briefbot(env, tmp_path, "run")
    reader_text = "/tz 秘密の時間帯 Mars/Olympus"
    try:
        chat = await sandbox_control.create_private_chat(first_name="Op", language_code="en")
        await sandbox_control.send_text(chat.chat_id, "/start", chat.user_id)
        await sandbox_control.wait_for_messages(chat.chat_id, 1, timeout=30)
        await sandbox_control.send_text(chat.chat_id, reader_text, chat.user_id)
        await sandbox_control.wait_for_messages(chat.chat_id, 2, timeout=30)
        await asyncio.sleep(1.5)  # a few scheduler runs
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    assert stdout == b""
    entries = [json.loads(line) for line in stderr.decode().splitlines()]
    assert all({"time", "level", "logger", "message"} <= entry.keys() for entry in entries)
    loggers = {entry["logger"].split(".")[0] for entry in entries}
    assert {"telegram", "apscheduler", "bot"} <= loggers, loggers
    assert TOKEN not in stderr.decode()
    above_debug = [entry for entry in entries if entry["level"] != "DEBUG"]
    assert above_debug
    assert not [entry for entry in above_debug if "秘密" in json.dumps(entry, ensure_ascii=False)]
