"""The ``compact`` format: one message with the headlines and a button per item."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.callback_data import open_item
from bot.digest.inline import Node, Span, Text, plain_text
from bot.digest.model import Digest, Item
from bot.i18n import t
from bot.render.blocks import MAX_ENTITIES, MAX_UTF16, Block, Cost, blocks_html, message_cost
from bot.render.message import Button, RenderedMessage
from bot.render.parts import TITLE_LIMIT, header, headline, paragraphs
from bot.render.truncate import shorten, truncate_blocks

BUTTONS_PER_ROW = 5
# Telegram's limit of buttons in one inline keyboard.
MAX_BUTTONS = 100
# Headlines that can be links: the entity limit less the bold title and the bold label.
MAX_LINKED_HEADLINES = MAX_ENTITIES - 2


ItemButton = Callable[[str, Item], Button]


def open_item_button(date: str, item: Item) -> Button:
    """The item's number, opening it in the chat (a callback button)."""
    return Button(str(item.number), callback_data=open_item(date, item.number))


def render_compact(
    digest: Digest, lang: str = "zh", item_button: ItemButton = open_item_button
) -> RenderedMessage:
    """Title, date, intro, numbered linked headlines, and one button per item
    (``item_button`` makes it: a callback button, or a link where callbacks cannot work)."""
    head = header(digest, title_limit=TITLE_LIMIT)
    label = Block((Span("b", (Text(t(lang, "render.items")),)),))
    lines = _headline_lines(digest)
    intro = paragraphs(digest.intro)
    blocks = [*head, *intro, label, *lines]
    if not message_cost(blocks).fits():
        blocks = [*head, *_fit_intro(intro, [*head, label, *lines]), label, *lines]
    if not message_cost(blocks).fits():
        blocks = [*head, label, *_fit_lines(digest, [*head, label])]
    buttons = [item_button(digest.date, item) for item in digest.items[:MAX_BUTTONS]]
    rows = tuple(
        tuple(buttons[i : i + BUTTONS_PER_ROW]) for i in range(0, len(buttons), BUTTONS_PER_ROW)
    )
    return RenderedMessage(blocks_html(blocks), keyboard=rows, disable_link_preview=True)


def _headline_lines(digest: Digest, title_limit: int | None = None) -> list[Block]:
    lines = []
    for index, item in enumerate(digest.items):
        if title_limit is not None:
            item = replace(item, title=shorten(item.title, title_limit))
        nodes: tuple[Node, ...] = headline(item)
        if index >= MAX_LINKED_HEADLINES:
            nodes = (Text(plain_text(nodes)),)  # past Telegram's entity limit: no link
        lines.append(Block(nodes, sep="\n"))
    return lines


def _fit_intro(intro: list[Block], others: list[Block]) -> list[Block]:
    """The intro shortened (its formatting dropped first if needed) to fit beside ``others``."""
    used = message_cost(others)
    room = Cost(MAX_UTF16 - used.units, MAX_ENTITIES - used.entities, 0)
    if message_cost(intro).entities > room.entities:
        intro = [Block((Text(block.text),), block.sep) for block in intro]
    return truncate_blocks(intro, room, first=False)


def _fit_lines(digest: Digest, others: list[Block]) -> list[Block]:
    """Headline lines with titles shortened until the message fits."""
    used = message_cost(others).units
    limit = max(8, (MAX_UTF16 - used) // max(1, len(digest.items)) - 8)
    while True:
        lines = _headline_lines(digest, title_limit=limit)
        if message_cost([*others, *lines]).fits() or limit <= 2:
            return lines
        limit -= 2
