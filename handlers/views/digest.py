"""Digests and items as messages: the digest renderer's output, plus what only the bot
knows (that today's digest is not out yet; that prev/next should edit in place)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from urllib.parse import quote, urlencode

from bot.callback_data import OPEN_ITEM, RENDERED, InvalidCallback
from bot.digest.model import Item
from bot.i18n import t
from bot.render import Button, RenderedMessage, render_compact, render_full, render_item
from bot.render.filter_note import filter_note, with_note
from bot.services.reading import DigestResult, ItemResult
from handlers import actions
from handlers.common import Answer, Screen

SHARE_URL = "https://t.me/share/url?"


def _rendered(
    result: DigestResult | ItemResult,
    key: tuple[str, str, str, int],
    make: Callable[[], list[RenderedMessage]],
) -> list[RenderedMessage]:
    """Rendering is a pure function of (digest version, language): the process's digest
    cache (``bot.store.digest_cache``) makes it once for a morning of readers."""
    return make() if result.renders is None else result.renders.rendered(key, make)


def digest_messages(result: DigestResult) -> list[Answer]:
    """The digest (compact, or full in several messages), after a note when it is not
    today's; through the reader's keyword filter, with the note saying so and "show all"
    at its end, as the push has it (only that note when no item passed)."""
    answers: list[Answer] = []
    if not result.is_today:
        not_yet = t(result.lang, "bot.today.not_yet", today=result.today, date=result.digest.date)
        answers.append(Screen.plain(not_yet))
    digest, lang = result.digest, result.lang
    if result.filtered is not None:
        # A filtered digest is one reader's subset: rendered for them, not remembered.
        shown: list[RenderedMessage] = []
        if digest.items:
            shown = render_full(digest, lang) if result.full else [render_compact(digest, lang)]
        filtered = result.filtered
        note = filter_note(
            lang, digest.date, filtered.shown, filtered.total, keywords=filtered.terms
        )
        answers.extend(with_note(shown, note))
        return answers
    if result.full:
        key = ("full", digest.content_hash, lang, 0)
        answers.extend(_rendered(result, key, lambda: render_full(digest, lang)))
    else:
        key = ("compact", digest.content_hash, lang, 0)
        answers.extend(_rendered(result, key, lambda: [render_compact(digest, lang)]))
    return answers


def item_message(result: ItemResult) -> RenderedMessage:
    """One item; its previous / next buttons become ``nav_item`` buttons, which replace
    the item in place instead of sending a new message; an item with a source link gets a
    share button (Telegram's share dialog with the link and the headline)."""
    digest, number, lang = result.digest, result.item.number, result.lang

    def make() -> list[RenderedMessage]:
        rendered = render_item(digest, number, lang)
        rows = tuple(tuple(_navigating(button) for button in row) for row in rendered.keyboard)
        item = result.item
        if item.url is not None:
            rows = (*rows, (Button(t(lang, "bot.button.share"), url=share_url(item)),))
        return [replace(rendered, keyboard=rows)]

    return _rendered(result, ("item", digest.content_hash, lang, number), make)[0]


def share_url(item: Item) -> str:
    """Telegram's share link for ``item``: the reader picks a chat, the link and the
    headline are filled in."""
    assert item.url is not None
    return SHARE_URL + urlencode({"url": item.url, "text": item.title}, quote_via=quote)


def _navigating(button: Button) -> Button:
    if button.callback_data is None:
        return button
    try:
        callback = RENDERED.unpack(button.callback_data)
    except InvalidCallback:
        return button
    if callback.action != OPEN_ITEM:
        return button
    return replace(button, callback_data=actions.NAV_ITEM.pack(*callback.args))
