"""Sending a rendered message as raw Bot API parameters, answered as raw JSON.

The renderer produces exactly the ``sendMessage`` parameters; the sender only needs the
new message's id back. Going through ``Bot.send_message`` would turn every answer into a
``telegram.Message`` with its entities and keyboard (about 75 objects), which costs more
CPU than the whole rest of a delivery. So the parameters go straight to the bot's request
object (``BaseRequest.post``): same transport, same error mapping (``RetryAfter``,
``Forbidden``, ``ChatMigrated``...), no object building.
"""

from __future__ import annotations

from typing import Any

from telegram import Bot
from telegram.error import TelegramError
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter


def request_data(values: dict[str, object]) -> RequestData:
    """``values`` as python-telegram-bot encodes parameters (strings as they are, the rest
    as JSON). ``RequestParameter`` is python-telegram-bot's own building block, internal
    but stable within a major version, which pyproject pins."""
    return RequestData(
        [RequestParameter(name, value, None) for name, value in values.items() if value is not None]
    )


async def call(bot: Bot, method: str, values: dict[str, object]) -> dict[str, Any]:
    """Call ``method`` with ``values``; the ``result`` object of the answer."""
    result = await bot.request.post(f"{bot.base_url}/{method}", request_data=request_data(values))
    if not isinstance(result, dict):
        raise TelegramError(f"unexpected answer to {method}: {result!r}")
    return result
