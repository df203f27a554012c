"""Digests and items as messages: the digest renderer's output, plus what only the bot
knows (that today's digest is not out yet; that prev/next should edit in place)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callback_data import OPEN_ITEM, RENDERED, SHOW_ALL, InvalidCallback
from bot.i18n import t
from bot.render import Button, RenderedMessage, render_compact, render_full, render_item
from bot.services.reading import DigestResult, ItemResult
from handlers import actions
from handlers.common import Answer, Screen
from handlers.views.settings import filter_rules


def show_all(day: str) -> str:
    """Data of the "show all" button under a filtered digest of ``day``."""
    return SHOW_ALL.pack(day)


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
    today's; through the reader's keyword filter, after a note saying so with "show all"
    (only that note when no item passed)."""
    answers: list[Answer] = []
    if not result.is_today:
        note = t(result.lang, "bot.today.not_yet", today=result.today, date=result.digest.date)
        answers.append(Screen.plain(note))
    digest, lang = result.digest, result.lang
    if result.filtered is not None:
        answers.append(filter_note(result))
        if not digest.items:
            return answers
        # A filtered digest is one reader's subset: rendered for them, not remembered.
        if result.full:
            answers.extend(render_full(digest, lang))
        else:
            answers.append(render_compact(digest, lang))
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
    the item in place instead of sending a new message."""
    digest, number, lang = result.digest, result.item.number, result.lang

    def make() -> list[RenderedMessage]:
        rendered = render_item(digest, number, lang)
        rows = tuple(tuple(_navigating(button) for button in row) for row in rendered.keyboard)
        return [replace(rendered, keyboard=rows)]

    return _rendered(result, ("item", digest.content_hash, lang, number), make)[0]


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


def filter_note(result: DigestResult) -> Screen:
    """ "6 of 9 items match your filter · show all", or that none did."""
    assert result.filtered is not None
    lang, note, day = result.lang, result.filtered, result.digest.date
    rules = filter_rules(lang, note.terms)
    if note.shown:
        text = t(lang, "bot.filter.note", shown=note.shown, total=note.total, rules=rules)
    else:
        text = t(lang, "bot.filter.nothing", total=note.total, date=day, rules=rules)
    everything = InlineKeyboardButton(t(lang, "bot.filter.show_all"), callback_data=show_all(day))
    return Screen.plain(text, InlineKeyboardMarkup([[everything]]))
