"""Shortening text that must fit in one message (compact and item formats) with an ellipsis."""

from __future__ import annotations

from collections.abc import Sequence

from bot.digest.inline import Text, plain_text
from bot.render.blocks import Block, Cost, block_cost
from bot.render.graphemes import utf16_units
from bot.render.split import choose_cut, cut_nodes

ELLIPSIS = "…"


def truncate_blocks(blocks: Sequence[Block], room: Cost, first: bool) -> list[Block]:
    """The longest prefix of ``blocks`` within ``room``, the cut one ending in an ellipsis.

    ``first`` says whether the first block starts the message (so has no separator).
    """
    kept: list[Block] = []
    used = Cost(0, 0, 0)
    for block in blocks:
        is_first = first and not kept
        cost = block_cost(block, first=is_first)
        if (used + cost).units <= room.units and used.entities + cost.entities <= room.entities:
            kept.append(block)
            used += cost
            continue
        sep = 0 if is_first else utf16_units(block.sep)
        left_room = Cost(
            room.units - used.units - sep - utf16_units(ELLIPSIS),
            room.entities - used.entities,
            0,
        )
        if left_room.units > 0:
            cut = choose_cut(block.nodes, left_room)
            if cut is not None:
                left, _ = cut_nodes(block.nodes, cut)
                kept.append(Block((*left, Text(ELLIPSIS)), block.sep))
        break
    return kept


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-16 units (ellipsis included) at a safe boundary."""
    if utf16_units(text) <= limit:
        return text
    block = Block((Text(text),))
    kept = truncate_blocks([block], Cost(limit, 0, 0), first=True)
    return plain_text(kept[0].nodes) if kept else ""
