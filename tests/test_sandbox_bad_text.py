"""Text that is not UTF-8 (a cut multi-byte character, a lone surrogate escape) is refused
with Telegram's 400 wherever a client can send it, and the update queue keeps working; a
client that disconnects mid-request is neither a traceback nor a 500."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest
from telegram import Bot

from sandbox import ChatRef, Sandbox, SandboxControl, SandboxControlError

REFUSED = "Bad Request: strings must be encoded in UTF-8"
# "你" is e4 bd a0: a terminal that cuts a long pasted line can leave its first two bytes.
CUT = b"ab\xe4\xbd"
# The same line read with surrogateescape (Python's stdin in the C locale).
CUT_TEXT = CUT.decode("utf-8", "surrogateescape")


async def assert_the_bot_still_gets_updates(
    bot: Bot, control: SandboxControl, sandbox_chat: ChatRef
) -> None:
    """getUpdates answers, and a following normal message reaches the bot intact."""
    assert await bot.get_updates(timeout=0) == ()
    await control.send_text(sandbox_chat.chat_id, "你好")
    [update] = await bot.get_updates(timeout=0)
    assert update.message is not None
    assert update.message.text == "你好"
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()


async def test_a_cut_line_through_the_control_api_is_refused_and_polling_goes_on(
    sandbox_bot: Bot, sandbox_control: SandboxControl, sandbox_chat: ChatRef
) -> None:
    with pytest.raises(SandboxControlError) as refused:
        await sandbox_control.send_text(sandbox_chat.chat_id, CUT_TEXT)
    assert (refused.value.status, refused.value.reason) == (400, REFUSED)
    assert await sandbox_control.messages(sandbox_chat.chat_id) == []
    await assert_the_bot_still_gets_updates(sandbox_bot, sandbox_control, sandbox_chat)


@pytest.mark.parametrize(
    "body",
    [
        b'{"text": "' + CUT + b'"}',  # the raw bytes
        b'{"text": "ab\\udce4"}',  # a lone surrogate as a JSON escape
        b'{"text": "hi", "user_id": null, "\\ud800": 1}',  # in a key
    ],
)
async def test_bad_text_in_a_raw_control_body_is_refused(
    body: bytes,
    sandbox: Sandbox,
    sandbox_bot: Bot,
    sandbox_control: SandboxControl,
    sandbox_chat: ChatRef,
    http: aiohttp.ClientSession,
) -> None:
    url = f"{sandbox.control_url}/chats/{sandbox_chat.chat_id}/messages"
    headers = {"Content-Type": "application/json"}
    async with http.post(url, data=body, headers=headers) as response:
        assert response.status == 400
        assert await response.json() == {"error": REFUSED}
    await assert_the_bot_still_gets_updates(sandbox_bot, sandbox_control, sandbox_chat)


async def test_a_user_named_with_bad_text_is_refused(
    sandbox_bot: Bot, sandbox_control: SandboxControl, sandbox_chat: ChatRef
) -> None:
    """Every string of a control body counts: a name is shown in every update, too."""
    with pytest.raises(SandboxControlError) as refused:
        await sandbox_control.create_private_chat(first_name=CUT_TEXT)
    assert refused.value.status == 400
    await assert_the_bot_still_gets_updates(sandbox_bot, sandbox_control, sandbox_chat)


def multipart(chat_id: int, text_part: bytes) -> tuple[str, bytes]:
    boundary = "cut-boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n{chat_id}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="text"\r\n'.encode()
        + text_part
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return f"multipart/form-data; boundary={boundary}", body


def bot_api_bodies(chat_id: int) -> list[tuple[str, str, bytes]]:
    """(query string, content type, body) of sendMessage calls carrying bad text."""
    chat = str(chat_id).encode()
    keyboard_escape = b'{"inline_keyboard":[[{"text":"\\udce4","callback_data":"a"}]]}'
    return [
        ("", "application/json", b'{"chat_id": ' + chat + b', "text": "' + CUT + b'"}'),
        ("", "application/json", b'{"chat_id": ' + chat + b', "text": "ab\\udce4"}'),
        ("", "application/x-www-form-urlencoded", b"chat_id=" + chat + b"&text=" + CUT),
        ("", "application/x-www-form-urlencoded", b"chat_id=" + chat + b"&text=ab%E4%BD"),
        (
            "",
            "application/x-www-form-urlencoded",
            b"chat_id=" + chat + b"&text=ok&reply_markup=" + keyboard_escape,
        ),
        (f"?chat_id={chat_id}&text=ab%E4%BD", "application/json", b""),
        ("", *multipart(chat_id, b"\r\n" + CUT)),
        ("", *multipart(chat_id, b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + CUT)),
    ]


async def test_bad_text_in_any_bot_api_encoding_is_refused(
    sandbox: Sandbox,
    bot_token: str,
    sandbox_bot: Bot,
    sandbox_control: SandboxControl,
    sandbox_chat: ChatRef,
    http: aiohttp.ClientSession,
) -> None:
    url = f"{sandbox.bot_api_base_url}{bot_token}/sendMessage"
    for query, content_type, body in bot_api_bodies(sandbox_chat.chat_id):
        headers = {"Content-Type": content_type}
        async with http.post(url + query, data=body, headers=headers) as response:
            answer = await response.json()
        assert (response.status, answer) == (
            400,
            {"ok": False, "error_code": 400, "description": REFUSED},
        ), (query, body)
    assert await sandbox_control.messages(sandbox_chat.chat_id) == []
    sent = await sandbox_bot.send_message(sandbox_chat.chat_id, "还在")
    assert sent.text == "还在"
    await assert_the_bot_still_gets_updates(sandbox_bot, sandbox_control, sandbox_chat)
    counters = await sandbox_control.counters()
    assert "500" not in counters["status_codes"]


class HangUps(logging.Handler):
    """Counts the sandbox's notes of a client that hung up; ``all_seen`` once ``expected``."""

    def __init__(self, expected: int) -> None:
        super().__init__(logging.INFO)
        self.expected = expected
        self.seen = 0
        self.all_seen = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if "disconnected before sending" in record.getMessage():
            self.seen += 1
            if self.seen >= self.expected:
                self.all_seen.set()


async def cut_off(sandbox: Sandbox, path: str, content_type: str) -> None:
    """Send headers promising 1,000 bytes, then a few, then hang up."""
    _, writer = await asyncio.open_connection("127.0.0.1", sandbox.port)
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: sandbox\r\nContent-Type: {content_type}\r\n"
        "Content-Length: 1000\r\n\r\n".encode()
        + b'{"chat_id": 1'
    )
    await writer.drain()
    await asyncio.sleep(0.05)  # the server is now waiting for the rest of the body
    writer.close()
    await writer.wait_closed()


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b"],
)
async def test_a_client_hanging_up_mid_request_is_no_error(
    content_type: str,
    sandbox: Sandbox,
    bot_token: str,
    sandbox_bot: Bot,
    sandbox_control: SandboxControl,
    sandbox_chat: ChatRef,
    caplog: pytest.LogCaptureFixture,
) -> None:
    hang_ups = HangUps(expected=2)
    logging.getLogger("sandbox").addHandler(hang_ups)
    try:
        with caplog.at_level(logging.INFO):
            await cut_off(sandbox, f"/bot{bot_token}/sendMessage", content_type)
            await cut_off(sandbox, f"/sandbox/chats/{sandbox_chat.chat_id}/messages", content_type)
            await asyncio.wait_for(hang_ups.all_seen.wait(), 5)  # noticed on the server's time
            await assert_the_bot_still_gets_updates(sandbox_bot, sandbox_control, sandbox_chat)
    finally:
        logging.getLogger("sandbox").removeHandler(hang_ups)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert hang_ups.seen == 2
    counters = await sandbox_control.counters()
    assert "500" not in counters["status_codes"]
    assert counters["requests"]["sendMessage"] == 1  # counted as asked, not as answered
