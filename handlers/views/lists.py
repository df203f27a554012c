"""List screens: /archive, /unread, /categories and one category's items."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.callbacks import open_item
from bot.i18n import t
from bot.services.reading import (
    ArchiveResult,
    CategoriesResult,
    CategoryResult,
    MarkedResult,
    UnreadResult,
)
from handlers import actions
from handlers.common import Screen
from handlers.views.buttons import button, keyboard, rows

# Telegram allows 100 buttons; a list longer than this says "... and N more".
MAX_LISTED = 20


def _item_button(number: int, title: str, day: str, with_date: bool) -> InlineKeyboardButton:
    label = f"{number}. {title}"
    if with_date:
        label = f"{day[5:]} · {label}"
    if len(label) > 60:
        label = label[:59] + "…"
    return InlineKeyboardButton(label, callback_data=open_item(day, number))


def archive(result: ArchiveResult) -> Screen:
    """Recent dates as buttons."""
    dates = [button(day, actions.OPEN_DATE, day) for day in result.dates]
    return Screen.plain(t(result.lang, "bot.archive.header"), keyboard(*rows(dates, 3)))


def unread(result: UnreadResult) -> Screen:
    """Unread items as buttons (one per row), and "mark all read"."""
    lang = result.lang
    if not result.entries:
        return Screen.plain(t(lang, "bot.unread.none", days=result.days))
    shown = result.entries[:MAX_LISTED]
    several_days = len({entry.date for entry in result.entries}) > 1
    buttons = [[_item_button(e.item.number, e.item.title, e.date, several_days)] for e in shown]
    text = t(lang, "bot.unread.header", count=len(result.entries), days=result.days)
    if len(result.entries) > len(shown):
        text += "\n" + t(lang, "bot.unread.more", count=len(result.entries) - len(shown))
    mark = [button(t(lang, "bot.unread.mark_all"), actions.MARK_ALL_READ)]
    return Screen.plain(text, keyboard(*buttons, mark))


def marked(result: MarkedResult) -> Screen:
    """What "mark all read" did."""
    return Screen.plain(t(result.lang, "bot.unread.marked", count=result.count))


def categories(result: CategoriesResult) -> Screen:
    """Each category of the digest as a button with its item count."""
    lang, day = result.lang, result.digest.date
    choices = [
        button(t(lang, "bot.categories.row", name=name, count=count), actions.CATEGORY, day, i)
        for i, (name, count) in enumerate(result.counts)
    ]
    return Screen.plain(t(lang, "bot.categories.header", date=day), keyboard(*rows(choices, 2)))


def category(result: CategoryResult) -> Screen:
    """The items of one category as buttons."""
    lang, day = result.lang, result.digest.date
    if not result.items:
        return Screen.plain(t(lang, "bot.category.empty", date=day, category=result.category))
    header = t(
        lang, "bot.category.header", date=day, category=result.category, count=len(result.items)
    )
    buttons = [[_item_button(item.number, item.title, day, False)] for item in result.items]
    return Screen.plain(header, keyboard(*buttons))
