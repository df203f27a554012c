"""The bot token never shows: not in ``briefbot run``'s answer to a rejected token, not in
any log line, whichever library logged it and in whichever form (whole, URL-encoded, or only
its secret half), not in an uncaught traceback."""

from __future__ import annotations

import asyncio
import io
import logging
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import aiohttp
import httpx
import pytest
from telegram import Bot
from telegram.error import InvalidToken

from bot.logs import configure_logging
from sandbox import Sandbox
from tests.fixtures.bot_process import clean_env, start_briefbot

# Too short a secret for Telegram's token shape: the sandbox answers 404 Not Found, as
# Telegram does for a malformed token (python-telegram-bot raises InvalidToken for it).
REJECTED_TOKEN = "12345:wrongSecretHalfOfBriefbot"
SECRET_HALF = REJECTED_TOKEN.split(":", 1)[1]
TOKEN = "7000000001:AAHsandboxTokenForBriefbotTests_0000"


def assert_no_token(text: str, token: str) -> None:
    secret = token.split(":", 1)[1]
    for form in (token, quote(token, safe=""), quote(token, safe="").lower(), secret):
        assert form not in text, f"{form!r} leaked into:\n{text}"


@pytest.mark.parametrize("command", [["run"], ["worker"], ["push", "--wait", "--now"]])
async def test_a_rejected_token_is_one_line_and_exit_2(
    sandbox: Sandbox, tmp_path: Path, command: list[str]
) -> None:
    env = clean_env(
        TELEGRAM_BOT_TOKEN=REJECTED_TOKEN,
        TELEGRAM_API_BASE_URL=sandbox.bot_api_base_url,
        BRIEFBOT_DATA_DIR=str(tmp_path / "data"),
        LOG_LEVEL="DEBUG",
    )
    process = await start_briefbot(env, tmp_path, *command)
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    err = stderr.decode()
    assert process.returncode == 2, err
    assert stdout == b""
    assert_no_token(err, REJECTED_TOKEN)
    (line,) = [line for line in err.splitlines() if "DEBUG" not in line]
    assert line.startswith("briefbot: 127.0.0.1 rejected TELEGRAM_BOT_TOKEN (bot id 12345)")
    assert "@BotFather" in line
    assert "Traceback" not in err
    assert "Unclosed" not in err
    assert not (tmp_path / "data").exists()  # refused before Redis was started


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """What briefbot's logging writes, configured with ``TOKEN`` and ``REJECTED_TOKEN``
    as secrets; the root logger, hooks and warnings are put back afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level, sys.excepthook, threading.excepthook
    unraisable = sys.unraisablehook
    stream = io.StringIO()
    configure_logging("INFO", (TOKEN, REJECTED_TOKEN), stream=stream)
    yield stream
    root.handlers[:], level, sys.excepthook, threading.excepthook = saved
    sys.unraisablehook = unraisable
    root.setLevel(level)
    logging.captureWarnings(False)


async def test_the_invalid_token_error_of_python_telegram_bot_is_redacted(
    sandbox: Sandbox, log_output: io.StringIO
) -> None:
    bot = Bot(REJECTED_TOKEN, base_url=sandbox.bot_api_base_url)
    with pytest.raises(InvalidToken) as caught:
        await bot.initialize()
    await bot.shutdown()
    assert REJECTED_TOKEN in str(caught.value)  # what the library puts in its message
    logging.getLogger("telegram.ext").error("Invalid token", exc_info=caught.value)
    text = log_output.getvalue()
    assert "InvalidToken: The token `[REDACTED]` was rejected" in text
    assert_no_token(text, REJECTED_TOKEN)


def test_a_url_encoded_token_in_an_httpx_traceback_is_redacted(log_output: io.StringIO) -> None:
    url = f"https://api.telegram.org/bot{quote(TOKEN, safe='')}/getMe"
    try:
        raise httpx.ConnectError(f"cannot connect to {url}")
    except httpx.ConnectError:
        logging.getLogger("httpx").exception("request failed")
    text = log_output.getvalue()
    assert "httpx.ConnectError: cannot connect to https://api.telegram.org/bot[REDACTED]" in text
    assert_no_token(text, TOKEN)


def test_the_secret_half_alone_in_an_aiohttp_error_is_redacted(log_output: io.StringIO) -> None:
    try:
        raise aiohttp.InvalidURL(f"http://api/{SECRET_HALF}/getMe")
    except aiohttp.InvalidURL:
        logging.getLogger("aiohttp.client").warning("bad url", exc_info=True)
    text = log_output.getvalue()
    assert "http://api/[REDACTED]/getMe" in text
    assert_no_token(text, REJECTED_TOKEN)


def test_a_warning_that_quotes_the_token_is_redacted(log_output: io.StringIO) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn(f"request to /bot{TOKEN}/getMe was slow", UserWarning, stacklevel=1)
    text = log_output.getvalue()
    assert "request to /bot[REDACTED]/getMe was slow" in text
    assert_no_token(text, TOKEN)


def test_an_uncaught_exception_is_logged_redacted() -> None:
    script = (
        "import threading\n"
        "from bot.logs import configure_logging\n"
        f"configure_logging('INFO', [{TOKEN!r}])\n"
        "def fail(where):\n"
        f"    raise RuntimeError(where + ' cannot reach /bot' + {TOKEN!r} + '/getMe')\n"
        "class Finalized:\n"
        "    def __del__(self):\n"
        "        fail('finalizer')\n"
        "thread = threading.Thread(target=fail, args=('thread',), name='sender')\n"
        "thread.start()\n"
        "thread.join()\n"
        "Finalized()\n"
        "fail('main')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "ERROR briefbot: uncaught exception in thread sender" in result.stderr
    assert "RuntimeError: thread cannot reach /bot[REDACTED]/getMe" in result.stderr
    assert "ERROR briefbot: exception ignored: <function Finalized.__del__" in result.stderr
    assert "RuntimeError: finalizer cannot reach /bot[REDACTED]/getMe" in result.stderr
    assert "CRITICAL briefbot: uncaught exception" in result.stderr
    assert "RuntimeError: main cannot reach /bot[REDACTED]/getMe" in result.stderr
    assert_no_token(result.stderr, TOKEN)
