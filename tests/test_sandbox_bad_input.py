"""Garbage in any parameter of any Bot API method, in any body, path or query, and in any
control request is refused with a 4xx answer in Telegram's shape (or accepted), never a
500, a traceback or a hang of the sandbox."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path
from typing import Any

import aiohttp
import pytest

import sandbox as sandbox_package
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


def parameters_read() -> list[str]:
    """Every Bot API parameter the sandbox reads, found in its source (so a parameter added
    later is swept too)."""
    root = Path(sandbox_package.__file__).parent
    source = "".join((root / name).read_text() for name in ("botapi.py", "message_content.py"))
    names = set(re.findall(r"\b(?:get_\w+|raw|has)\(\s*\"(\w+)\"", source))
    return sorted(names | {"chat_id"})


# Values a client could send in any parameter: wrong types, out of range, non-finite (JSON
# 1e400 parses as infinity), over-long, deep, and objects of almost the right shape.
HOSTILE_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    1.5,
    10**30,
    float("inf"),
    float("-inf"),
    float("nan"),
    "",
    "x",
    "-1",
    "1e400",
    "inf",
    "nan",
    "9" * 5000,
    "\x00",
    "</b>",
    "a" * 5000,
    "[" * 5000,
    [],
    {},
    [None],
    [[None]],
    {"type": 1},
    {"type": "chat", "chat_id": float("inf")},
    {"message_id": float("inf")},
    {"inline_keyboard": [[{"text": float("inf"), "callback_data": [1]}]]},
    [{"type": "bold", "offset": float("inf"), "length": 1}],
    [{"type": "bold", "offset": -5, "length": 10**9}],
    [{"command": "a", "description": float("nan")}],
    ["message", 5, None, {}],
]


def as_form_field(value: Any) -> Any:
    """How the value travels in a form body (objects and numbers as JSON text)."""
    return value if value is None or isinstance(value, str) else json.dumps(value)


@pytest.mark.parametrize("method", sorted(METHODS))
async def test_a_hostile_value_in_any_parameter_is_a_client_error(
    method: str, sandbox: Sandbox, sandbox_control: SandboxControl
) -> None:
    chat = await sandbox_control.create_private_chat()
    state = sandbox.state
    button = {"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]}
    names = parameters_read()
    assert {"chat_id", "text", "reply_markup", "entities", "timeout", "commands"} <= set(names)
    for name in names:
        for value in HOSTILE_VALUES:
            for encoded in (value, as_form_field(value)):
                # Fresh targets each time: a message to edit or delete, a press to answer,
                # an update for getUpdates to return at once (whatever its timeout).
                message = state.add_message(state.chats[chat.chat_id], state.bot, "m", [], button)
                press = state.press_button(chat.chat_id, message.message_id, "a")
                state.user_sends(chat.chat_id, "hi")
                valid = {
                    "chat_id": chat.chat_id,
                    "text": "x",
                    "message_id": message.message_id,
                    "callback_query_id": press.id,
                    "timeout": 0,
                }
                try:
                    await asyncio.wait_for(
                        sandbox.api.call(method, Params({**valid, name: encoded})), 5
                    )
                except ApiError as error:
                    assert 400 <= error.code < 500, (name, encoded, error.description)
                finally:
                    await state.updates.stop()  # a setWebhook that was accepted


def multipart_body(part: bytes, boundary: str = "b") -> bytes:
    return (
        f'--{boundary}\r\nContent-Disposition: form-data; name="text"\r\n'.encode()
        + part
        + f"\r\n--{boundary}--\r\n".encode()
    )


HOSTILE_BODIES: list[bytes] = [
    b"",
    b"\x00" * 50,
    b"{",
    b"[]",
    b"null",
    b'"x"',
    b"[" * 100_000,  # deeper than Python's JSON decoder goes
    b'{"a":' * 50_000,
    bytes(range(256)),
    b"a" * 1_000_000,  # one "line" longer than aiohttp's multipart reader takes
    b"=&=&&a",
    b"%zz=%",
    b"a=%ff%fe",
    b'{"chat_id": NaN, "text": Infinity}',
    b'{"chat_id": 1e400, "message_id": -1e400}',
    b'{"timeout": NaN}',
    b'{"limit": 1e400, "offset": 1e400}',
    b'{"text": "\\ud83d"}',
    multipart_body(b"\r\nx"),
    multipart_body(b"Content-Type: text/plain; charset=nope\r\n\r\nx"),
    multipart_body(b"\r\nx", boundary="other"),
]
CONTENT_TYPES: list[str | None] = [
    None,
    "application/json",
    "application/json; charset=koi8-r",
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=nope",
    "multipart/form-data",
    "multipart/form-data; boundary=b",
    "multipart/form-data; boundary=--",
    "text/plain",
    "%%%",
]
BOT_API_PATHS = [
    "/sendMessage%00",
    "/%ff",
    "/" + "x" * 1000,
    "/getUpdates?timeout=nan",
    "/getUpdates?timeout=inf",
    "/getUpdates?offset=1e400&timeout=0",
    "/getUpdates?limit=" + "9" * 5000 + "&timeout=0",
    "/sendMessage?chat_id=%ff&text=%ff",
    "/getMe?%ff=1",
    "/getMe?a=%ED%A0%80",
    "/getMe/extra",
]


class ErrorLog(logging.Handler):
    """Every warning or error the sandbox logs."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


async def sweep(requests: list[tuple[str, str, bytes, str | None]]) -> list[tuple[int, str]]:
    """Send every (verb, url, body, content type), 16 at a time; (status, what) of each."""
    slots = asyncio.Semaphore(16)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:

        async def one(verb: str, url: str, body: bytes, content_type: str | None) -> tuple:
            headers = {"Content-Type": content_type} if content_type else {}
            async with slots, http.request(verb, url, data=body, headers=headers) as response:
                await response.read()
                return response.status, f"{verb} {url[-80:]} {body[:40]!r} {content_type}"

        return list(await asyncio.gather(*(one(*request) for request in requests)))


async def test_hostile_requests_over_http_are_never_a_server_error(
    sandbox: Sandbox, sandbox_control: SandboxControl, bot_token: str
) -> None:
    chat = await sandbox_control.create_private_chat()
    said = await sandbox_control.send_text(chat.chat_id, "hi")
    api = f"{sandbox.bot_api_base_url}{bot_token}"
    requests: list[tuple[str, str, bytes, str | None]] = [
        ("POST", f"{api}/{method}?timeout=0", body, content_type)
        for method in ("sendMessage", "getUpdates", "setMyCommands")
        for body in HOSTILE_BODIES
        for content_type in CONTENT_TYPES
    ]
    requests += [
        (verb, f"{api}{path}", b"", None)
        for path in BOT_API_PATHS
        for verb in ("GET", "POST", "PUT", "DELETE")
    ]
    tokens = ["x", "1:" + "a" * 35, "9" * 25 + ":" + "a" * 35, "%ff", "1:%ff" + "a" * 34]
    requests += [("POST", f"{sandbox.url}/bot{token}/getMe", b"", None) for token in tokens]
    control = sandbox.control_url
    routes = [
        ("POST", "/users"),
        ("POST", "/chats/private"),
        ("POST", "/chats/private/bulk"),
        ("POST", "/chats/group"),
        ("GET", "/chats/{chat}"),
        ("POST", "/chats/{chat}/members"),
        ("POST", "/chats/{chat}/messages"),
        ("GET", "/chats/{chat}/wait?timeout=0"),
        ("GET", "/chats/{chat}/messages/{message}/wait?timeout=0"),
        ("POST", "/chats/{chat}/press"),
        ("POST", "/chats/{chat}/upgrade"),
        ("GET", "/callbacks/{message}"),
        ("PATCH", "/faults"),
        ("POST", "/faults/real_limits"),
        ("GET", "/webhook?timeout=nan"),
    ]
    control_bodies = [
        *HOSTILE_BODIES[:13],
        b'{"count": 1e400}',
        b'{"user_id": 1e400, "first_name": [1], "language_code": 5}',
        b'{"member_ids": [1e400], "title": {}}',
        b'{"message_id": 1e400, "callback_data": "x"}',
        b'{"latency_ms": NaN}',
        b'{"latency_ms": 1e400}',
        b'{"global_rate": NaN}',
        b'{"missing_chats": [1e400]}',
        b'{"flood_window": 1e400}',
    ]
    for ids in (
        {"chat": chat.chat_id, "message": said.message_id},
        {"chat": "abc", "message": "%ff"},
        {"chat": "9" * 2000, "message": "1e400"},
    ):
        requests += [
            (verb, control + route.format(**ids), body, "application/json")
            for verb, route in routes
            for body in control_bodies
        ]
    errors = ErrorLog()
    logging.getLogger("sandbox").addHandler(errors)
    try:
        answers = await sweep(requests)
    finally:
        logging.getLogger("sandbox").removeHandler(errors)
    assert [(status, what) for status, what in answers if status >= 500] == []
    assert errors.messages == []
    await sandbox_control.reset_faults()
    assert "500" not in (await sandbox_control.counters())["status_codes"]
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{api}/getUpdates", params={"timeout": "0"}) as response,
    ):
        assert response.status == 200
        assert (await response.json())["ok"] is True


@pytest.mark.parametrize("poll_seconds", ["nan", "inf", "1e400"])
async def test_a_long_poll_without_a_finite_timeout_is_refused(
    sandbox: Sandbox, bot_token: str, poll_seconds: str
) -> None:
    """Not waited on: a NaN deadline would corrupt the event loop's timers, an infinite
    one would hold the request for ever."""
    url = f"{sandbox.bot_api_base_url}{bot_token}/getUpdates"
    async with (
        aiohttp.ClientSession() as http,
        http.get(url, params={"timeout": poll_seconds}) as response,
    ):
        assert response.status == 400
        assert (await response.json())["description"] == "Bad Request: invalid timeout specified"
