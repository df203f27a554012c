"""List screens: /archive, /unread, /categories and one category's items.

Like the morning push, a list shows every entry in full in the message text (numbered,
headlines linked to their source) and short numbered buttons beneath: a phone cuts a
button label after a few words of a Chinese headline, never the text.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date, timedelta

from telegram import InlineKeyboardButton

from bot.callback_data import open_item
from bot.digest.model import Item
from bot.i18n import t
from bot.services.reading import (
    ArchiveResult,
    CategoriesResult,
    CategoryResult,
    MarkedResult,
    UnknownCategory,
    UnreadResult,
)
from bot.services.search import SearchResult
from handlers import actions
from handlers.common import Screen
from handlers.views.keyboards import button, keyboard, rows

# Telegram allows 100 buttons and 100 entities (links); a longer list says "... and N more".
MAX_LISTED = 20
NUMBERS_PER_ROW = 5
NAMES_PER_ROW = 2
# A headline longer than this is cut in a list (the item itself shows it whole).
TITLE_LIMIT = 200
# A list's HTML stays under this many UTF-16 units (Telegram counts up to 4096 of the
# text it shows, which is never more than the HTML), and under this many links (of 100
# entities); what does not fit is counted as "... and N more".
TEXT_BUDGET = 3800
MAX_LINKS = 90


def headline_html(number: int, item: Item) -> str:
    """``N. headline`` with the headline linked to its source, as HTML."""
    title = item.title if len(item.title) <= TITLE_LIMIT else item.title[: TITLE_LIMIT - 1] + "…"
    text = html.escape(title, quote=False)
    if item.url is not None:
        text = f'<a href="{html.escape(item.url, quote=True)}">{text}</a>'
    return f"{number}. {text}"


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _numbered(entries: Sequence[tuple[int, str, int]]) -> list[list[InlineKeyboardButton]]:
    """A short button per (shown number, digest date, item number), five to a row."""
    buttons = [
        InlineKeyboardButton(str(shown), callback_data=open_item(day, number))
        for shown, day, number in entries
    ]
    return rows(buttons, NUMBERS_PER_ROW)


def day_label(lang: str, day: str, today: str) -> str:
    """``2025-07-21``, with "today" / "yesterday" in the reader's own calendar."""
    reader_today = date.fromisoformat(today)
    if day == today:
        return f"{day} · {t(lang, 'bot.day.today')}"
    if day == (reader_today - timedelta(days=1)).isoformat():
        return f"{day} · {t(lang, 'bot.day.yesterday')}"
    return day


def archive(result: ArchiveResult) -> Screen:
    """Recent digests as numbered lines (date, title, item count), a button each."""
    lang = result.lang
    lines = [t(lang, "bot.archive.header")]
    buttons = []
    for shown, entry in enumerate(result.entries, start=1):
        label = day_label(lang, entry.date, result.today)
        count = t(lang, "bot.archive.items", count=entry.items)
        lines.append(f"{shown}. {html.escape(label)} · {html.escape(entry.title)} · {count}")
        buttons.append(button(str(shown), actions.OPEN_DATE, entry.date))
    return Screen("\n".join(lines), keyboard(*rows(buttons, NUMBERS_PER_ROW)))


def _dated(
    header: str, entries: Sequence[tuple[str, Item]], more: int, lang: str
) -> tuple[str, list[list[InlineKeyboardButton]]]:
    """Headlines in full under ``header``: from one digest numbered as in the digest,
    from several grouped under their dates and numbered in order; a number button each.
    ``more`` hits not listed are counted at the end."""
    several_days = len({day for day, _ in entries}) > 1
    lines = [html.escape(header)]
    numbered: list[tuple[int, str, int]] = []
    last_day = None
    used = _units(lines[0])
    for position, (day, item) in enumerate(entries, start=1):
        number = position if several_days else item.number
        added = [headline_html(number, item)]
        if several_days and day != last_day:
            added.insert(0, f"\n<b>{day}</b>")
        cost = sum(_units(line) + 1 for line in added)
        if used + cost > TEXT_BUDGET or len(lines) + len(added) > MAX_LINKS:
            more += len(entries) - position + 1
            break
        lines.extend(added)
        used += cost
        last_day = day
        numbered.append((number, day, item.number))
    if more > 0:
        lines.append(html.escape(t(lang, "bot.list.more", count=more)))
    return "\n".join(lines), _numbered(numbered)


def unread(result: UnreadResult) -> Screen:
    """Unread headlines in full with number buttons, and "mark all read"."""
    lang = result.lang
    if not result.entries:
        return Screen.plain(t(lang, "bot.unread.none", days=result.days))
    shown = result.entries[:MAX_LISTED]
    header = t(lang, "bot.unread.header", count=len(result.entries), days=result.days)
    text, numbers = _dated(
        header, [(e.date, e.item) for e in shown], len(result.entries) - len(shown), lang
    )
    mark = [button(t(lang, "bot.unread.mark_all"), actions.MARK_ALL_READ)]
    return Screen(text, keyboard(*numbers, mark))


def search_results(result: SearchResult) -> Screen:
    """The hits of /search, newest digest first, headlines in full with number buttons."""
    lang = result.lang
    if not result.hits:
        return Screen.plain(t(lang, "bot.search.none", query=result.query))
    header = t(lang, "bot.search.header", query=result.query, count=result.total)
    entries = [(hit.date, hit.item) for hit in result.hits]
    text, numbers = _dated(header, entries, result.total - len(result.hits), lang)
    return Screen(text, keyboard(*numbers))


def marked(result: MarkedResult) -> Screen:
    """What "mark all read" did."""
    return Screen.plain(t(result.lang, "bot.unread.marked", count=result.count))


def categories(result: CategoriesResult) -> Screen:
    """The digest's non-empty categories with their item counts, a button each."""
    lang, day = result.lang, result.digest.date
    if not result.counts:
        return Screen.plain(t(lang, "bot.categories.none", date=day))
    lines = [html.escape(t(lang, "bot.categories.header", date=day))]
    choices = []
    for count in result.counts:
        row = t(lang, "bot.categories.row", name=count.name, count=count.count)
        lines.append(html.escape(row))
        choices.append(button(row, actions.CATEGORY, day, count.index))
    return Screen("\n".join(lines), keyboard(*rows(choices, NAMES_PER_ROW)))


def category(result: CategoryResult | UnknownCategory) -> Screen:
    """The items of one category, headlines in full and a number button each; for a name
    that is no category, the closest one and the others as buttons to tap."""
    if isinstance(result, UnknownCategory):
        return _unknown_category(result)
    lang, day = result.lang, result.digest.date
    if not result.items:
        return Screen.plain(t(lang, "bot.category.empty", date=day, category=result.category))
    header = t(
        lang, "bot.category.header", date=day, category=result.category, count=len(result.items)
    )
    text, numbers = _dated(header, [(day, item) for item in result.items], 0, lang)
    return Screen(text, keyboard(*numbers))


def _unknown_category(result: UnknownCategory) -> Screen:
    lang, day = result.lang, result.digest.date
    separator = "、" if lang == "zh" else ", "
    known = separator.join(count.name for count in result.known)
    if result.closest is None:
        text = t(lang, "bot.category.unknown_no_guess", name=result.name, known=known)
    else:
        text = t(
            lang, "bot.category.unknown", name=result.name, closest=result.closest.name, known=known
        )
    guess = []
    if result.closest is not None:
        guess = [button(f"👉 {result.closest.name}", actions.CATEGORY, day, result.closest.index)]
    others = [
        button(count.name, actions.CATEGORY, day, count.index)
        for count in result.known
        if count != result.closest
    ]
    return Screen.plain(text, keyboard(guess, *rows(others, NAMES_PER_ROW)))
