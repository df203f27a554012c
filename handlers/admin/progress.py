"""The admin's status message of a batch (a broadcast, a push): edited every
``STATUS_SECONDS`` until the batch is done, written once for both."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Final

from telegram import Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot.context import BotContext
from bot.services.refusal import Refused
from handlers.common import Screen, outgoing

STATUS_SECONDS: Final = 3.0
# The status now, and whether the batch is done (the last edit).
Snapshot = Callable[[], Awaitable[tuple[Screen, bool]]]


def follow(context: BotContext, message: Message, snapshot: Snapshot, name: str) -> None:
    """Keep ``message`` showing ``snapshot()`` in the background until it says done (or
    this bot stops: the batch itself goes on in the senders)."""
    context.application.create_task(_follow(context, message, snapshot), name=name)


async def _follow(context: BotContext, message: Message, snapshot: Snapshot) -> None:
    shown = ""
    while context.application.running:
        await asyncio.sleep(STATUS_SECONDS)
        try:
            screen, done = await snapshot()
            if screen.html != shown:
                await _edit(context, message, screen)
                shown = screen.html
        except (Refused, TelegramError):
            return  # expired, or the admin deleted the message: nothing left to follow
        if done:
            return


async def _edit(context: BotContext, message: Message, screen: Screen) -> None:
    body = outgoing(screen)
    try:
        await context.bot.edit_message_text(
            body.text, message.chat_id, message.message_id, parse_mode=ParseMode.HTML,
            link_preview_options=body.preview,
        )  # fmt: skip
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise
