"""A push's request bodies: each rendered message serialized once, the chat id spliced in,
and the result exactly what python-telegram-bot's own encoding sends."""

from __future__ import annotations

import json

from bot.delivery.senders.bot_api import MessageBodies, request_data
from bot.transport import _encode

MESSAGE: dict[str, object] = {
    "text": "<b>今日简报</b> “引号” & <a href='https://example.com/?a=1&b=2'>link</a>",
    "parse_mode": "HTML",
    "link_preview_options": {"is_disabled": True},
    "reply_markup": {"inline_keyboard": [[{"text": "已读", "callback_data": "read:1"}]]},
}


def standard_body(values: dict[str, object]) -> bytes:
    body, headers = _encode(request_data(values))
    assert headers == {"Content-Type": "application/json"}
    assert isinstance(body, bytes)
    return body


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
