"""The note on a digest shown through a reader's filters (the categories they receive,
their keyword filter): how many items passed, which rules, and a "show all" button; the
note alone when no item passed, so the reader hears of the day's digest either way."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Sequence

from bot.callback_data import SHOW_ALL
from bot.i18n import t
from bot.render.blocks import MAX_UTF16
from bot.render.message import Button, RenderedMessage

# Telegram's limit of buttons in one inline keyboard.
MAX_BUTTONS = 100


def rules_text(lang: str, categories: Sequence[str], keywords: Sequence[str]) -> str:
    """The reader's filters in words: ``categories: 硬件前沿; any of openai; none of musk``."""
    separator = t(lang, "bot.filter.separator")
    include = [term[1:] for term in keywords if term.startswith("+")]
    exclude = [term[1:] for term in keywords if term.startswith("-")]
    parts = []
    if categories:
        parts.append(t(lang, "bot.filter.categories", words=separator.join(categories)))
    if include:
        parts.append(t(lang, "bot.filter.include", words=separator.join(include)))
    if exclude:
        parts.append(t(lang, "bot.filter.exclude", words=separator.join(exclude)))
    return t(lang, "bot.filter.joiner").join(parts) or t(lang, "bot.filter.none")


def filter_note(
    lang: str,
    date: str,
    shown: int,
    total: int,
    categories: Sequence[str] = (),
    keywords: Sequence[str] = (),
) -> RenderedMessage:
    """ "6 of 9 items match your filter (…)", or that none of the day's did, with the
    "show all" button (the whole digest of ``date``)."""
    rules = rules_text(lang, categories, keywords)
    if shown:
        text = t(lang, "bot.filter.note", shown=shown, total=total, rules=rules)
    else:
        text = t(lang, "bot.filter.nothing", total=total, date=date, rules=rules)
    everything = Button(t(lang, "bot.filter.show_all"), callback_data=SHOW_ALL.pack(date))
    return RenderedMessage(html.escape(text, quote=False), keyboard=((everything,),))


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def with_note(messages: Sequence[RenderedMessage], note: RenderedMessage) -> list[RenderedMessage]:
    """``messages`` with ``note`` at the end of the last one (text and button), or as a
    message of its own when that one has no room (a push should not cost a message more
    per filtered reader). The HTML's length bounds the text Telegram counts."""
    if not messages:
        return [note]
    last = messages[-1]
    joined = f"{last.text}\n\n{note.text}"
    buttons = sum(len(row) for row in (*last.keyboard, *note.keyboard))
    if _units(joined) > MAX_UTF16 or buttons > MAX_BUTTONS:
        return [*messages, note]
    merged = dataclasses.replace(last, text=joined, keyboard=(*last.keyboard, *note.keyboard))
    return [*messages[:-1], merged]
