"""Packing blocks into as few messages as Telegram's limits allow.

Groups (an item: headline and summary) stay whole when they fit; a group too big for one
message is split at paragraph boundaries, and a paragraph too big for one message is cut
at a character boundary (``graphemes.is_boundary``), preferably after a sentence or a
space and outside formatted spans. A cut span is closed before the cut and reopened after
it, so every message is well-formed HTML on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.digest.inline import Node, Span, Text, plain_text
from bot.render.blocks import (
    MAX_ENTITIES,
    MAX_UTF16,
    ZERO,
    Block,
    Cost,
    block_cost,
    message_cost,
)
from bot.render.graphemes import is_boundary, utf16_units

# A cut prefers these endings within the last stretch of room, in this order.
_SENTENCE_ENDS = frozenset("。！？；.!?;")
_PREFERENCE_WINDOW = 400
# Less room than this left in a message is not worth a paragraph fragment.
_MIN_FRAGMENT_UNITS = 64


def pack(groups: Sequence[Sequence[Block]]) -> list[list[Block]]:
    """The blocks of ``groups``, in order, packed into messages within Telegram's limits."""
    messages: list[list[Block]] = [[]]
    used = ZERO  # the cost of messages[-1], kept as we go (recounting is quadratic)
    for group in groups:
        current = messages[-1]
        together = used + appended_cost(bool(current), group)
        if together.fits():
            current.extend(group)
            used = together
            continue
        alone = appended_cost(False, group)
        if current and alone.fits():
            messages.append(list(group))
            used = alone
            continue
        if current and len(group) > 1 and not _room_for_a_start(used, group[:2]):
            messages.append([])  # a headline never ends a message without its first words
        for block in group:
            _add_block(messages, block)
        used = message_cost(messages[-1])
    return [message for message in messages if message]


def _room_for_a_start(used: Cost, opening: Sequence[Block]) -> bool:
    """Whether a message of cost ``used`` holds the first block and a fragment of the next."""
    first, second = opening[0], opening[1]
    needed = block_cost(first, first=False) + Cost(
        utf16_units(second.sep) + _MIN_FRAGMENT_UNITS, min(1, second.own_cost.entities), 0
    )
    return (used + needed).fits()


def appended_cost(after_something: bool, blocks: Sequence[Block]) -> Cost:
    """What ``blocks`` add to a message (which already has text if ``after_something``)."""
    total = ZERO
    for index, block in enumerate(blocks):
        total += block_cost(block, first=index == 0 and not after_something)
    return total


def _add_block(messages: list[list[Block]], block: Block) -> None:
    """Add one block to the last message, starting new ones and cutting it as needed."""
    rest = block
    while True:
        current = messages[-1]
        used = message_cost(current)
        if (used + block_cost(rest, first=not current)).fits():
            current.append(rest)
            return
        if current and block_cost(rest, first=True).fits():
            messages.append([rest])
            return
        sep_units = utf16_units(rest.sep) if current else 0
        room = Cost(MAX_UTF16 - used.units - sep_units, MAX_ENTITIES - used.entities, 0)
        cut = choose_cut(rest.nodes, room) if room.units >= _MIN_FRAGMENT_UNITS else None
        if cut is None:
            if not current:
                raise AssertionError("an empty message always has room for a fragment")
            messages.append([])
            continue
        left, right = cut_nodes(rest.nodes, cut)
        current.append(Block(left, rest.sep))
        messages.append([])
        rest = Block(right, rest.sep)


def span_ranges(nodes: Sequence[Node], start: int = 0) -> list[tuple[int, int]]:
    """(start, end) offsets, in code points of the visible text, of every span."""
    ranges: list[tuple[int, int]] = []
    position = start
    for node in nodes:
        length = len(plain_text((node,)))
        if isinstance(node, Span):
            ranges.append((position, position + length))
            ranges.extend(span_ranges(node.children, position))
        position += length
    return ranges


def choose_cut(nodes: Sequence[Node], room: Cost) -> int | None:
    """The best offset to cut ``nodes`` so the left part fits ``room``; None if none fits."""
    text = plain_text(tuple(nodes))
    ranges = span_ranges(nodes)
    # The left part holds every span that starts before the cut.
    starts = sorted(start for start, _ in ranges)
    limit = len(text)
    if len(starts) > room.entities:
        limit = starts[room.entities] if room.entities >= 0 else 0
    units = 0
    longest = 0
    for index, char in enumerate(text[:limit], start=1):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > room.units:
            break
        longest = index
    candidates = [i for i in range(longest, 0, -1) if is_boundary(text, i)]
    if not candidates or candidates[0] >= len(text):
        candidates = [i for i in candidates if i < len(text)]
    if not candidates:
        return None
    window = [i for i in candidates if i >= candidates[0] - _PREFERENCE_WINDOW]

    def outside(i: int) -> bool:
        return not any(start < i < end for start, end in ranges)

    def sentence(i: int) -> bool:
        return text[i - 1] in _SENTENCE_ENDS

    def space(i: int) -> bool:
        return text[i - 1].isspace()

    # Best first: a line break; a sentence end or a space outside any span; the same inside
    # a span (it is closed and reopened); any point outside a span; else the longest cut.
    for accept in (
        lambda i: text[i - 1] == "\n",
        lambda i: sentence(i) and outside(i),
        lambda i: space(i) and outside(i),
        sentence,
        space,
        outside,
    ):
        for i in window:
            if accept(i):
                return i
    return candidates[0]


def cut_nodes(nodes: Sequence[Node], offset: int) -> tuple[tuple[Node, ...], tuple[Node, ...]]:
    """``nodes`` cut at a visible-text offset; a span across the cut is closed and reopened."""
    left: list[Node] = []
    right: list[Node] = []
    position = 0
    for node in nodes:
        length = len(plain_text((node,)))
        if position + length <= offset:
            left.append(node)
        elif position >= offset:
            right.append(node)
        elif isinstance(node, Text):
            left.append(Text(node.text[: offset - position]))
            right.append(Text(node.text[offset - position :]))
        else:
            inner_left, inner_right = cut_nodes(node.children, offset - position)
            left.append(Span(node.tag, inner_left, node.href))
            right.append(Span(node.tag, inner_right, node.href))
        position += length
    return tuple(left), tuple(right)
