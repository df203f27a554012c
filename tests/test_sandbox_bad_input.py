"""Garbage in any parameter of any Bot API method is refused with a 4xx answer in
Telegram's shape, never a crash of the sandbox."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from sandbox import Sandbox, SandboxControl
from sandbox.botapi import METHODS
from sandbox.params import ApiError, Params

GARBAGE: list[dict[str, Any]] = [
    {},
    {"chat_id": "abc"},
    {"chat_id": [1]},
    {"chat_id": {"a": 1}},
    {"text": {"a": 1}},
    {"text": ["x"]},
    {"parse_mode": ["HTML"]},
    {"reply_markup": [1]},
    {"reply_markup": {"inline_keyboard": [[1]]}},
    {"reply_markup": {"inline_keyboard": "x"}},
    {"reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": 5}]]}},
    {"entities": [{"offset": "x"}]},
    {"entities": [1]},
    {"commands": [1]},
    {"commands": [{"command": 5, "description": None}]},
    {"scope": "x"},
    {"scope": {"type": 1}},
    {"allowed_updates": "x"},
    {"allowed_updates": [1, None]},
    {"offset": "x"},
    {"limit": "-5"},
    {"timeout": "abc"},
    {"message_id": "1.5"},
    {"message_id": [1]},
    {"callback_query_id": [1]},
    {"url": 5},
    {"secret_token": 5},
    {"max_connections": "x"},
    {"action": {"a": 1}},
    {"cache_time": "x"},
    {"language_code": [1]},
]


def encodings(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The body as a JSON request carries it, and as form fields do (objects as JSON text)."""
    form = {
        key: value if isinstance(value, str) else json.dumps(value) for key, value in body.items()
    }
    return [body, form]


@pytest.mark.parametrize("method", sorted(METHODS))
async def test_garbage_is_a_client_error(
    method: str, sandbox: Sandbox, sandbox_control: SandboxControl
) -> None:
    chat = await sandbox_control.create_private_chat()
    said = await sandbox_control.send_text(chat.chat_id, "hi")
    for garbage in GARBAGE:
        # Alone, and next to valid values for everything else (so the garbage is reached).
        valid = {"chat_id": chat.chat_id, "text": "x", "message_id": said.message_id}
        for body in (garbage, {**valid, **garbage}):
            for encoded in encodings(body):
                try:
                    await sandbox.api.call(method, Params(encoded))
                except ApiError as error:
                    assert 400 <= error.code < 500, (method, encoded, error.description)
                    assert error.description


@pytest.mark.parametrize(
    ("path", "body", "reason"),
    [
        ("/chats/group", {"title": "g", "member_ids": 5}, "member_ids must be a list"),
        ("/chats/group", {"title": "g", "supergroup": "false"}, "supergroup must be true or false"),
        ("/chats/private", {"user_id": "abc"}, "user_id must be an integer"),
        ("/chats/private", {"username": 5}, "username must be a string"),
        ("/chats/1/messages", {"text": 5}, "text must be a string"),
        ("/faults", {"latency_ms": "slow"}, "bad value for latency_ms"),
    ],
)
async def test_bad_control_requests_say_why(
    sandbox: Sandbox, path: str, body: dict[str, Any], reason: str
) -> None:
    verb = "PATCH" if path == "/faults" else "POST"
    async with (
        aiohttp.ClientSession() as http,
        http.request(verb, f"{sandbox.control_url}{path}", json=body) as response,
    ):
        assert response.status == 400
        assert reason in (await response.json())["error"]


async def test_a_body_that_is_not_json_is_refused(sandbox: Sandbox) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{sandbox.control_url}/chats/private", data=b"{nope") as response,
    ):
        assert response.status == 400
        assert (await response.json())["error"] == "Bad Request: can't parse JSON body"
