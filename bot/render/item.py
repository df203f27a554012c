"""The ``item`` format: one item with its summary and previous / next buttons."""

from __future__ import annotations

from dataclasses import replace

from bot.callback_data import open_item
from bot.digest.inline import Span, Text
from bot.digest.model import Digest
from bot.i18n import t
from bot.render.blocks import MAX_ENTITIES, MAX_UTF16, Block, Cost, blocks_html, message_cost
from bot.render.message import Button, RenderedMessage
from bot.render.parts import TITLE_LIMIT, item_blocks
from bot.render.truncate import shorten, truncate_blocks


def render_item(digest: Digest, number: int, lang: str = "zh") -> RenderedMessage:
    """Item ``number`` with its summary (cut only past Telegram's limit); KeyError if absent."""
    item = digest.item(number)
    if item is None:
        raise KeyError(f"digest {digest.date} has no item {number}")
    position = t(lang, "render.item_position", number=number, total=len(digest.items))
    title = shorten(digest.title, TITLE_LIMIT // 4)
    footer = Block((Span("i", (Text(f"{title} · {position}"),)),))
    headline, *summary = item_blocks(replace(item, title=shorten(item.title, TITLE_LIMIT)))
    blocks = [headline, *summary, footer]
    if not message_cost(blocks).fits():
        used = message_cost([headline, footer])
        room = Cost(MAX_UTF16 - used.units, MAX_ENTITIES - used.entities, 0)
        blocks = [headline, *truncate_blocks(summary, room, first=False), footer]
    index = digest.items.index(item)
    row: list[Button] = []
    if index > 0:
        previous = digest.items[index - 1].number
        row.append(Button(t(lang, "render.prev"), callback_data=open_item(digest.date, previous)))
    if index + 1 < len(digest.items):
        following = digest.items[index + 1].number
        row.append(Button(t(lang, "render.next"), callback_data=open_item(digest.date, following)))
    return RenderedMessage(
        blocks_html(blocks),
        keyboard=(tuple(row),) if row else (),
        disable_link_preview=message_cost(blocks).links != 1,
    )
