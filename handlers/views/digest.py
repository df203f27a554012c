"""Digests and items as messages: the digest renderer's output, plus what only the bot
knows (that today's digest is not out yet; that prev/next should edit in place)."""

from __future__ import annotations

from dataclasses import replace

from bot.callbacks import InvalidCallback, pack, unpack
from bot.i18n import t
from bot.render import Button, RenderedMessage, render_compact, render_full, render_item
from bot.services.reading import DigestResult, ItemResult
from handlers import actions
from handlers.common import Answer, Screen


def digest_messages(result: DigestResult) -> list[Answer]:
    """The digest (compact, or full in several messages), after a note when it is not
    today's."""
    answers: list[Answer] = []
    if not result.is_today:
        note = t(result.lang, "bot.today.not_yet", today=result.today, date=result.digest.date)
        answers.append(Screen.plain(note))
    if result.full:
        answers.extend(render_full(result.digest, result.lang))
    else:
        answers.append(render_compact(result.digest, result.lang))
    return answers


def item_message(result: ItemResult) -> RenderedMessage:
    """One item; its previous / next buttons become ``nav_item`` buttons, which replace
    the item in place instead of sending a new message."""
    rendered = render_item(result.digest, result.item.number, result.lang)
    rows = tuple(tuple(_navigating(button) for button in row) for row in rendered.keyboard)
    return replace(rendered, keyboard=rows)


def _navigating(button: Button) -> Button:
    if button.callback_data is None:
        return button
    try:
        callback = unpack(button.callback_data)
    except InvalidCallback:
        return button
    if callback.action != "open_item":
        return button
    return replace(button, callback_data=pack(actions.NAV_ITEM, *callback.args))
