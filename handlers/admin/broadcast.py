"""/broadcast: an admin's message to the readers, previewed as they will see it, sent
after Send, followed in one status message; ``/broadcast status`` and ``cancel``.

``/broadcast [lang=zh|en] [category=NAME] TEXT`` takes the message's own formatting (its
entities as Telegram HTML, python-telegram-bot's ``text_html``); sent as a reply, it
broadcasts the replied message's text with its formatting.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from telegram import Message, Update

from bot.callback_data import Callback
from bot.commands import Audience, Command
from bot.context import BotContext
from bot.services.audit import telegram_actor
from bot.services.reader import Reader
from handlers.admin.progress import follow
from handlers.common import Screen, edit, for_reader, say, send
from handlers.declarations import Area, Button
from handlers.views import broadcast as views

_COMMAND = re.compile(r"^/\S+")
_OPTION = re.compile(r"^\s+(lang|category)=(\S+)")


@dataclass(frozen=True)
class Request:
    """What ``/broadcast`` asked for: the HTML text ("" for none) and the filters."""

    text: str
    lang: str = ""
    category: str = ""


def parse_request(message: Message) -> Request:
    """The text (the replied message's, when a reply) and ``lang=`` / ``category=``."""
    rest = _COMMAND.sub("", message.text_html or "", count=1)
    options: dict[str, str] = {}
    while match := _OPTION.match(rest):
        options[match.group(1)] = html.unescape(match.group(2))
        rest = rest[match.end() :]
    replied = message.reply_to_message
    text = replied.text_html if replied is not None and replied.text else rest.strip()
    return Request(text or "", options.get("lang", ""), options.get("category", ""))


@for_reader
async def broadcast(update: Update, context: BotContext, reader: Reader) -> None:
    """/broadcast TEXT, /broadcast status, /broadcast cancel."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    services = context.bot_data.services
    lang = await services.admins.language(reader)
    who = telegram_actor(user.id)
    word = (context.args or [""])[0].lower() if len(context.args or []) == 1 else ""
    if word == "status" and message.reply_to_message is None:
        status = await services.broadcasts.status(None, lang=lang)
        await send(update, context, views.status(status, lang))
        return
    if word == "cancel" and message.reply_to_message is None:
        cancelled = await services.broadcasts.cancel(who, None, lang=lang)
        await send(update, context, views.cancelled(cancelled, lang))
        return
    request = parse_request(message)
    if not request.text:
        await say(update, context, lang, "admin.broadcast.usage")
        return
    draft = await services.broadcasts.prepare(
        who, request.text, lang=lang, audience_lang=request.lang,
        category=request.category, chat=reader.chat_id,
    )  # fmt: skip
    # The preview is the very message a reader gets (same parameters), then the question.
    # (``Screen`` sends what ``broadcast_message`` gives the senders: HTML, no preview).
    await send(update, context, Screen(draft.text), views.confirm(draft, lang))


async def send_button(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """Send: start the broadcast (once) and follow it in the pressed message."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or not isinstance(query.message, Message):
        return
    services = context.bot_data.services
    lang = await services.admins.language(reader)
    broadcast_id = str(callback.args[0])
    await services.broadcasts.send(telegram_actor(user.id), broadcast_id, lang=lang)
    status = await services.broadcasts.status(broadcast_id, lang=lang)
    await edit(update, views.status(status, lang))
    message = query.message
    await services.broadcasts.record_status_message(
        broadcast_id, message.chat_id, message.message_id
    )

    async def snapshot() -> tuple[Screen, bool]:
        now = await services.broadcasts.status(broadcast_id, lang=lang)
        return views.status(now, lang), now.finished

    follow(context, message, snapshot, f"broadcast-status-{broadcast_id}")


async def cancel_button(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """Cancel: the draft (or the broadcast being sent) is cancelled."""
    user = update.effective_user
    if user is None:
        return
    services = context.bot_data.services
    lang = await services.admins.language(reader)
    cancelled = await services.broadcasts.cancel(
        telegram_actor(user.id), str(callback.args[0]), lang=lang
    )
    await edit(update, views.cancelled(cancelled, lang))


AREA = Area(
    commands=(Command("broadcast", broadcast, audience=Audience.ADMINS),),
    buttons=(
        Button(views.SEND, send_button, audience=Audience.ADMINS),
        Button(views.CANCEL, cancel_button, audience=Audience.ADMINS),
    ),
)
