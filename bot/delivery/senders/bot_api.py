"""Sending a rendered message as raw Bot API parameters, answered as raw JSON.

The renderer produces exactly the ``sendMessage`` parameters; the sender only needs the
new message's id back. Going through ``Bot.send_message`` would turn every answer into a
``telegram.Message`` with its entities and keyboard (about 75 objects), which costs more
CPU than the whole rest of a delivery. So the parameters go straight to the bot's request
object (``BaseRequest.post``): same transport, same error mapping (``RetryAfter``,
``Forbidden``, ``ChatMigrated``...), no object building. A push sends the same message to
thousands of chats, so ``MessageBodies`` serializes each message once and only splices in
the chat id.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Final

from telegram import Bot
from telegram.error import TelegramError
from telegram.request import RequestData

from bot.transport import JsonBody

CACHED_MESSAGES: Final = 64  # distinct rendered messages kept serialized


def encode_parameters(values: Mapping[str, object]) -> dict[str, str]:
    """``values`` as the Bot API takes them in a JSON body, the way python-telegram-bot
    encodes a call's parameters: strings as they are, everything else as JSON, None left
    out (``tests/test_delivery_bodies.py`` compares it with what ``Bot.send_message``
    sends)."""
    return {
        name: value if isinstance(value, str) else json.dumps(value)
        for name, value in values.items()
        if value is not None
    }


def request_data(values: Mapping[str, object]) -> JsonBody:
    """The request for a call with ``values``: its JSON body built here, so only
    python-telegram-bot's public ``RequestData`` contract is used."""
    fields = encode_parameters(values)
    return JsonBody(fields, json.dumps(fields, ensure_ascii=False).encode())


class MessageBodies:
    """``sendMessage`` bodies for many chats: each rendered message (a parameter dict) is
    encoded once, as ``request_data`` would encode it, plus ``extra`` parameters."""

    def __init__(self, extra: Mapping[str, object] | None = None) -> None:
        self._extra = dict(extra or {})
        # id(params) -> (params, fields, JSON after the chat id); holding params keeps the
        # id from being reused while the entry lives.
        self._encoded: OrderedDict[int, tuple[object, dict[str, str], bytes]] = OrderedDict()

    def body(self, chat_id: int, params: dict[str, object]) -> JsonBody:
        """The request for sending ``params`` to ``chat_id``."""
        cached = self._encoded.get(id(params))
        if cached is None or cached[0] is not params:
            fields = encode_parameters({**params, **self._extra})
            fields.pop("chat_id", None)
            rest = json.dumps(fields, ensure_ascii=False)[1:].encode() if fields else b"}"
            cached = (params, fields, rest)
            self._encoded[id(params)] = cached
            if len(self._encoded) > CACHED_MESSAGES:
                self._encoded.popitem(last=False)
        _, fields, rest = cached
        chat = str(chat_id)
        # What json.dumps({"chat_id": chat})[:-1] gives: the id's digits need no escaping.
        head = b'{"chat_id": "%d"' % chat_id
        payload = head + (b", " + rest if fields else rest)
        return JsonBody({"chat_id": chat, **fields}, payload)


async def call(bot: Bot, method: str, values: dict[str, object] | RequestData) -> dict[str, Any]:
    """Call ``method`` with ``values`` (or parameters already encoded); the ``result``
    object of the answer."""
    data = values if isinstance(values, RequestData) else request_data(values)
    result = await bot.request.post(f"{bot.base_url}/{method}", request_data=data)
    if not isinstance(result, dict):
        raise TelegramError(f"unexpected answer to {method}: {result!r}")
    return result
