"""The control API under ``/sandbox``: act as users, read what chats show, inject faults,
read counters. Every route is documented in docs/sandbox.md."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiohttp import web

from sandbox.counters import Counters
from sandbox.faults import FaultConfig, FaultConfigError, Faults
from sandbox.models import JSON
from sandbox.params import ApiError, client_gone, integer, json_value
from sandbox.state import SandboxState, StateError

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Longest a wait route holds a request, whatever the caller asks.
MAX_WAIT_SECONDS = 60.0
# Most private chats one bulk request creates (benchmarks create their readers this way).
MAX_BULK_CHATS = 100_000


class _BadInput(Exception):
    """A control request that is malformed (answered 400)."""


def _ok(data: Any) -> web.Response:
    return web.json_response(data)


def _guarded(handler: Handler) -> Handler:
    """Turn refusals into JSON errors, so a test sees why its request failed."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except StateError as exc:
            return web.json_response({"error": exc.description}, status=exc.status)
        except ApiError as exc:  # the body could not be read as JSON text
            return web.json_response({"error": exc.description}, status=exc.code)
        except ConnectionResetError:
            logger.info("the client of %s disconnected before sending all of it", request.path)
            return client_gone()
        except (_BadInput, FaultConfigError) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        except Exception as exc:
            # A sandbox bug: say so in the answer, keep serving.
            logger.exception("control route %s failed", request.path)
            return web.json_response({"error": f"sandbox failure: {exc!r}"}, status=500)

    return wrapped


async def _body(request: web.Request) -> JSON:
    """The JSON object sent; like a Bot API body, UTF-8 only (``ApiError`` otherwise)."""
    if not request.can_read_body:
        return {}
    body = json_value(await request.read())
    if not isinstance(body, dict):
        raise _BadInput("the body must be a JSON object")
    return body


def _int(value: Any, name: str) -> int:
    number = integer(value)
    if number is None:
        raise _BadInput(f"{name} must be an integer, not {value!r}")
    return number


def _bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise _BadInput(f"{name} must be true or false, not {value!r}")
    return value


def _list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise _BadInput(f"{name} must be a list, not {value!r}")
    return value


def _optional_str(value: Any, name: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise _BadInput(f"{name} must be a string, not {value!r}")
    return value


def _optional_int(value: Any, name: str) -> int | None:
    return None if value is None else _int(value, name)


def _chat_id(request: web.Request) -> int:
    return _int(request.match_info["chat_id"], "chat_id")


def _wait_seconds(request: web.Request, default: float) -> float:
    try:
        seconds = float(request.query.get("timeout", default))
    except ValueError:
        raise _BadInput("timeout must be a number of seconds") from None
    return max(0.0, min(seconds, MAX_WAIT_SECONDS))


class ControlledSandbox(Protocol):
    """What the control routes act on (``server.Sandbox``), declared here so that the
    server may register these routes without the two modules importing each other."""

    state: SandboxState
    faults: Faults
    counters: Counters

    @property
    def bot_api_base_url(self) -> str: ...

    @property
    def control_url(self) -> str: ...

    def set_faults(self, **changes: Any) -> FaultConfig: ...

    def real_limits(self, flood_window: int | None = None) -> FaultConfig: ...

    def reset_faults(self) -> None: ...


def add_control_routes(app: web.Application, sandbox: ControlledSandbox, prefix: str) -> None:
    """Register every control route under ``prefix`` for ``sandbox``."""
    state = sandbox.state

    async def index(request: web.Request) -> web.Response:
        return _ok(
            {
                "bot": state.bot.to_api(),
                "bot_api_base_url": sandbox.bot_api_base_url,
                "control_url": sandbox.control_url,
                "chats": len(state.chats),
                "pending_updates": len(state.updates.pending),
            }
        )

    async def create_user(request: web.Request) -> web.Response:
        body = await _body(request)
        user = state.create_user(
            str(body.get("first_name", "Reader")),
            _optional_int(body.get("user_id"), "user_id"),
            _optional_str(body.get("username"), "username"),
            _optional_str(body.get("language_code", "zh"), "language_code"),
        )
        return _ok(user.to_api())

    async def create_private_chat(request: web.Request) -> web.Response:
        body = await _body(request)
        chat = state.create_private_chat(
            _optional_int(body.get("user_id"), "user_id"),
            str(body.get("first_name", "Reader")),
            _optional_str(body.get("username"), "username"),
            _optional_str(body.get("language_code", "zh"), "language_code"),
        )
        return _ok(chat.to_json())

    async def create_private_chats(request: web.Request) -> web.Response:
        body = await _body(request)
        count = _int(body.get("count"), "count")
        if not 1 <= count <= MAX_BULK_CHATS:
            raise _BadInput(f"count must be between 1 and {MAX_BULK_CHATS}")
        first_name = str(body.get("first_name", "Reader"))
        language_code = _optional_str(body.get("language_code", "zh"), "language_code")
        chats = [
            state.create_private_chat(None, first_name, None, language_code) for _ in range(count)
        ]
        return _ok([chat.to_json() for chat in chats])

    async def create_group(request: web.Request) -> web.Response:
        body = await _body(request)
        members = [_int(m, "member_ids") for m in _list(body.get("member_ids", []), "member_ids")]
        chat = state.create_group(
            str(body.get("title", "Group")),
            _bool(body.get("supergroup", False), "supergroup"),
            members,
            forum=_bool(body.get("forum", False), "forum"),
            username=_optional_str(body.get("username"), "username"),
            bot_status=str(body.get("bot_status", "member")),
        )
        return _ok(chat.to_json())

    async def create_channel(request: web.Request) -> web.Response:
        body = await _body(request)
        members = [_int(m, "member_ids") for m in _list(body.get("member_ids", []), "member_ids")]
        chat = state.create_channel(
            str(body.get("title", "Channel")),
            _optional_str(body.get("username"), "username"),
            str(body.get("bot_status", "administrator")),
            _bool(body.get("can_post_messages", True), "can_post_messages"),
            members,
        )
        return _ok(chat.to_json())

    async def set_bot_status(request: web.Request) -> web.Response:
        body = await _body(request)
        chat = state.set_bot_status(
            _chat_id(request),
            str(body.get("status", "")),
            _bool(body.get("can_post_messages", True), "can_post_messages"),
        )
        return _ok(chat.to_json())

    async def list_chats(request: web.Request) -> web.Response:
        return _ok([chat.to_json() for chat in state.chats.values()])

    async def get_chat(request: web.Request) -> web.Response:
        return _ok(state.chat(_chat_id(request)).to_json())

    async def add_member(request: web.Request) -> web.Response:
        body = await _body(request)
        user = state.add_member(
            _chat_id(request),
            _optional_int(body.get("user_id"), "user_id"),
            str(body.get("first_name", "Reader")),
        )
        return _ok(user.to_api())

    async def send_text(request: web.Request) -> web.Response:
        body = await _body(request)
        text = body.get("text")
        if not isinstance(text, str):
            raise _BadInput("text must be a string")
        message = state.user_sends(
            _chat_id(request),
            text,
            _optional_int(body.get("user_id"), "user_id"),
            _optional_int(body.get("message_thread_id"), "message_thread_id"),
        )
        return _ok(message.to_json())

    async def inject_update(request: web.Request) -> web.Response:
        # Any update body as a test writes it: edits, forwards, via_bot, bot senders,
        # senders outside the chat, chats the sandbox does not have, hostile payloads.
        body = await _body(request)
        kind, payload = body.get("type"), body.get("payload")
        if not isinstance(kind, str) or not re.fullmatch(r"[a-z_]{1,64}", kind):
            raise _BadInput("type must be an update type such as 'edited_message'")
        if not isinstance(payload, dict):
            raise _BadInput("payload must be a JSON object")
        return _ok({"update": state.updates.push(kind, payload)})

    async def list_messages(request: web.Request) -> web.Response:
        chat = state.chat(_chat_id(request))
        return _ok([message.to_json() for message in chat.messages.values()])

    async def wait_messages(request: web.Request) -> web.Response:
        count = _int(request.query.get("count", "1"), "count")
        from_bot = request.query.get("from_bot", "true").lower() != "false"
        found = await state.wait_for_messages(
            _chat_id(request), count, _wait_seconds(request, 5.0), from_bot
        )
        return _ok([message.to_json() for message in found])

    async def wait_edits(request: web.Request) -> web.Response:
        message = await state.wait_for_edits(
            _chat_id(request),
            _int(request.match_info["message_id"], "message_id"),
            _int(request.query.get("edits", "1"), "edits"),
            _wait_seconds(request, 5.0),
        )
        return _ok(message.to_json())

    async def press(request: web.Request) -> web.Response:
        body = await _body(request)
        data = body.get("callback_data")
        if not isinstance(data, str):
            raise _BadInput("callback_data must be a string")
        query = state.press_button(
            _chat_id(request),
            _int(body.get("message_id"), "message_id"),
            data,
            _optional_int(body.get("user_id"), "user_id"),
            forged=_bool(body.get("forged", False), "forged"),
        )
        return _ok(query.to_json())

    async def block(request: web.Request) -> web.Response:
        state.set_blocked(_chat_id(request), True)
        return _ok(state.chat(_chat_id(request)).to_json())

    async def unblock(request: web.Request) -> web.Response:
        state.set_blocked(_chat_id(request), False)
        return _ok(state.chat(_chat_id(request)).to_json())

    async def upgrade(request: web.Request) -> web.Response:
        new = state.upgrade_group(_chat_id(request))
        return _ok({"new_chat_id": new.id, "chat": new.to_json()})

    async def inline_query(request: web.Request) -> web.Response:
        body = await _body(request)
        query = body.get("query")
        if not isinstance(query, str):
            raise _BadInput("query must be a string")
        asked = state.inline_query(_int(body.get("user_id"), "user_id"), query)
        return _ok(asked.to_json())

    async def get_inline_query(request: web.Request) -> web.Response:
        asked = await state.wait_for_inline_answer(
            request.match_info["query_id"], _wait_seconds(request, 0.0)
        )
        return _ok(asked.to_json())

    async def list_callbacks(request: web.Request) -> web.Response:
        chat_id = request.query.get("chat_id")
        wanted = None if chat_id is None else _int(chat_id, "chat_id")
        return _ok(
            [
                query.to_json()
                for query in state.callbacks.values()
                if wanted is None or query.chat_id == wanted
            ]
        )

    async def get_callback(request: web.Request) -> web.Response:
        query = await state.wait_for_answer(
            request.match_info["query_id"], _wait_seconds(request, 0.0)
        )
        return _ok(query.to_json())

    async def get_faults(request: web.Request) -> web.Response:
        return _ok(sandbox.faults.config.to_json())

    async def set_faults(request: web.Request) -> web.Response:
        return _ok(sandbox.set_faults(**(await _body(request))).to_json())

    async def reset_faults(request: web.Request) -> web.Response:
        sandbox.reset_faults()
        return _ok(sandbox.faults.config.to_json())

    async def real_limits(request: web.Request) -> web.Response:
        body = await _body(request)
        unknown = sorted(set(body) - {"flood_window"})
        if unknown:
            raise _BadInput(f"unknown real_limits settings: {', '.join(unknown)}")
        window = body.get("flood_window")
        if window is not None and (_int(window, "flood_window") < 1):
            raise _BadInput(f"flood_window must be at least 1, not {window!r}")
        return _ok(sandbox.real_limits(None if window is None else int(window)).to_json())

    async def get_counters(request: web.Request) -> web.Response:
        return _ok(sandbox.counters.to_json())

    async def reset_counters(request: web.Request) -> web.Response:
        sandbox.counters.reset()
        return _ok(sandbox.counters.to_json())

    async def list_commands(request: web.Request) -> web.Response:
        return _ok(
            [
                {"scope": json.loads(scope), "language_code": language, "commands": commands}
                for (scope, language), commands in state.commands.items()
            ]
        )

    async def webhook(request: web.Request) -> web.Response:
        updates = state.updates
        await updates.drained(_wait_seconds(request, 0.0))
        if updates.delivery is None:
            return _ok({"url": "", "pending_update_count": len(updates.pending), "delivered": 0})
        info = updates.delivery.webhook.info(updates.undelivered, updates.allowed_updates)
        return _ok({**info, "delivered": updates.delivery.delivered})

    routes: list[tuple[str, str, Handler]] = [
        ("GET", "", index),
        ("POST", "/users", create_user),
        ("POST", "/chats/private", create_private_chat),
        ("POST", "/chats/private/bulk", create_private_chats),
        ("POST", "/chats/group", create_group),
        ("POST", "/chats/channel", create_channel),
        ("GET", "/chats", list_chats),
        ("GET", "/chats/{chat_id}", get_chat),
        ("POST", "/chats/{chat_id}/members", add_member),
        ("POST", "/chats/{chat_id}/messages", send_text),
        ("GET", "/chats/{chat_id}/messages", list_messages),
        ("POST", "/updates", inject_update),
        ("GET", "/chats/{chat_id}/wait", wait_messages),
        ("GET", "/chats/{chat_id}/messages/{message_id}/wait", wait_edits),
        ("POST", "/chats/{chat_id}/press", press),
        ("POST", "/chats/{chat_id}/block", block),
        ("POST", "/chats/{chat_id}/unblock", unblock),
        ("POST", "/chats/{chat_id}/upgrade", upgrade),
        ("POST", "/chats/{chat_id}/bot", set_bot_status),
        ("POST", "/inline", inline_query),
        ("GET", "/inline/{query_id}", get_inline_query),
        ("GET", "/callbacks", list_callbacks),
        ("GET", "/callbacks/{query_id}", get_callback),
        ("GET", "/faults", get_faults),
        ("PATCH", "/faults", set_faults),
        ("DELETE", "/faults", reset_faults),
        ("POST", "/faults/real_limits", real_limits),
        ("GET", "/counters", get_counters),
        ("DELETE", "/counters", reset_counters),
        ("GET", "/commands", list_commands),
        ("GET", "/webhook", webhook),
    ]
    for verb, path, handler in routes:
        app.router.add_route(verb, prefix + path, _guarded(handler))
