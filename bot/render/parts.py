"""The pieces every format shares: the digest header, item headlines and summaries."""

from __future__ import annotations

from bot.digest.inline import Node, Span, Text, parse_inline
from bot.digest.model import Digest, Item
from bot.render.blocks import Block
from bot.render.truncate import shorten

# Titles in one-message formats are cut to these many UTF-16 units, so the message can
# always hold them next to the rest (real titles are far shorter).
TITLE_LIMIT = 1000


def header(digest: Digest, title_limit: int | None = None) -> list[Block]:
    """The digest's title (bold; cut to ``title_limit`` UTF-16 units if given) and date."""
    title = digest.title if title_limit is None else shorten(digest.title, title_limit)
    return [Block((Span("b", (Text(title),)),)), Block((Text(digest.date),), sep="\n")]


def paragraphs(sources: tuple[str, ...], first_sep: str = "\n\n") -> list[Block]:
    """Blocks of Markdown paragraphs; the first joined with ``first_sep``."""
    return [
        Block(parse_inline(source), sep=first_sep if index == 0 else "\n\n")
        for index, source in enumerate(sources)
    ]


def headline(item: Item) -> tuple[Node, ...]:
    """``N. title`` with the title linked to the item's source when it has one."""
    title: Node = Text(item.title)
    if item.url is not None:
        title = Span("a", (title,), href=item.url)
    return (Text(f"{item.number}. "), title)


def item_blocks(item: Item) -> list[Block]:
    """An item's bold headline and its summary paragraphs."""
    return [Block((Span("b", headline(item)),)), *paragraphs(item.summary, first_sep="\n")]
