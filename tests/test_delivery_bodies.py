"""A push's request bodies: each rendered message serialized once, the chat id spliced in,
and the parameters exactly what python-telegram-bot itself sends for the same message."""

from __future__ import annotations

import json
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.request import BaseRequest, RequestData

from bot.delivery.senders.bot_api import MessageBodies, request_data
from bot.transport import _encode

MESSAGE: dict[str, object] = {
    "text": "<b>今日简报</b> “引号” & <a href='https://example.com/?a=1&b=2'>link</a>",
    "parse_mode": "HTML",
    "link_preview_options": {"is_disabled": True},
    "reply_markup": {"inline_keyboard": [[{"text": "已读", "callback_data": "read:1"}]]},
}


class Recording(BaseRequest):
    """A request class that keeps what python-telegram-bot asked to send and answers as
    the Bot API would (no network: only the encoding is under test)."""

    def __init__(self) -> None:
        self.sent: list[dict[str, str]] = []

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *_: Any,
        **__: Any,
    ) -> tuple[int, bytes]:
        if url.endswith("/getMe"):
            me = {"id": 1, "is_bot": True, "first_name": "b", "username": "b"}
            return 200, json.dumps({"ok": True, "result": me}).encode()
        assert request_data is not None
        self.sent.append(dict(request_data.json_parameters))
        message = {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}}
        return 200, json.dumps({"ok": True, "result": message}).encode()


async def ptb_parameters(chat_id: int) -> dict[str, str]:
    """What ``Bot.send_message`` sends for MESSAGE."""
    recording = Recording()
    async with Bot("1:x", request=recording, get_updates_request=Recording()) as bot:
        await bot.send_message(
            chat_id,
            str(MESSAGE["text"]),
            parse_mode="HTML",
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("已读", callback_data="read:1")]]
            ),
        )
    [sent] = recording.sent
    return sent


def standard_body(values: dict[str, object]) -> bytes:
    body, headers = _encode(request_data(values))
    assert headers == {"Content-Type": "application/json"}
    assert isinstance(body, bytes)
    return body


async def test_the_parameters_are_what_python_telegram_bot_sends() -> None:
    ours = MessageBodies().body(42, MESSAGE).json_parameters
    theirs = await ptb_parameters(42)
    assert ours.keys() == theirs.keys()
    for name, value in ours.items():  # JSON values compared as values, not as spelling
        assert value == theirs[name] or json.loads(value) == json.loads(theirs[name]), name


def test_every_chat_gets_the_standard_body_with_its_own_chat_id() -> None:
    bodies = MessageBodies()
    for chat in (42, -1001234567890, 7):
        sent = bodies.body(chat, MESSAGE)
        assert sent.json_payload == standard_body({"chat_id": chat, **MESSAGE})
        assert json.loads(sent.json_payload)["chat_id"] == str(chat)
        assert sent.json_parameters == request_data({"chat_id": chat, **MESSAGE}).json_parameters


def test_extra_parameters_such_as_paid_broadcast_go_into_every_body() -> None:
    bodies = MessageBodies({"allow_paid_broadcast": True})
    sent = bodies.body(5, MESSAGE)
    expected = {"chat_id": 5, **MESSAGE, "allow_paid_broadcast": True}
    assert sent.json_payload == standard_body(expected)
    assert json.loads(sent.json_payload)["allow_paid_broadcast"] == "true"


def test_a_changed_message_is_serialized_afresh() -> None:
    bodies = MessageBodies()
    first = bodies.body(5, MESSAGE)
    corrected = {**MESSAGE, "text": "更正后的简报"}
    second = bodies.body(5, corrected)
    assert json.loads(first.json_payload)["text"] == MESSAGE["text"]
    assert json.loads(second.json_payload)["text"] == "更正后的简报"
    assert bodies.body(6, {}).json_payload == b'{"chat_id": "6"}'
