"""The ``full`` format: the whole digest in as few messages as Telegram's limits allow."""

from __future__ import annotations

from bot.digest.inline import Span, Text
from bot.digest.model import Digest
from bot.render.blocks import Block, blocks_html, message_cost
from bot.render.message import RenderedMessage
from bot.render.parts import header, item_blocks, paragraphs
from bot.render.split import pack


def full_groups(digest: Digest) -> list[list[Block]]:
    """The digest as groups of blocks that should stay together: header+intro, items, commentary."""
    groups = [header(digest) + paragraphs(digest.intro)]
    groups.extend(item_blocks(item) for item in digest.items)
    if digest.commentary is not None:
        heading = Block((Span("b", (Text(digest.commentary.heading),)),))
        groups.append([heading, *paragraphs(digest.commentary.paragraphs, first_sep="\n")])
    return groups


def render_full(digest: Digest, lang: str = "zh") -> list[RenderedMessage]:
    """Every part of the digest, split at item, then paragraph, then character boundaries."""
    del lang  # the full format shows only the digest's own words
    return [full_message(message) for message in pack(full_groups(digest))]


def full_message(blocks: list[Block]) -> RenderedMessage:
    """One message of the full format from its packed blocks (a link preview only when it
    holds exactly one link); what a correction re-renders a delivered message with."""
    return RenderedMessage(
        text=blocks_html(blocks), disable_link_preview=message_cost(blocks).links != 1
    )
