"""Blocks (paragraphs of inline nodes) and their cost in Telegram's units.

A message is a list of blocks, each joined to the one before by its separator. Costs are
counted as Telegram counts them after entity parsing: UTF-16 code units of visible text,
and one entity per formatted span.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from bot.digest.inline import Node, Span, Text, plain_text
from bot.render.graphemes import utf16_units

# Telegram's limits for one message's text after entity parsing.
MAX_UTF16 = 4096
MAX_ENTITIES = 100


@dataclass(frozen=True)
class Block:
    """A paragraph or line; ``sep`` joins it to the previous block of the same message."""

    nodes: tuple[Node, ...]
    sep: str = "\n\n"

    @cached_property
    def text(self) -> str:
        """Its visible text."""
        return plain_text(self.nodes)

    @cached_property
    def own_cost(self) -> Cost:
        """Its cost without a separator (cached: the splitter asks often)."""
        found = list(spans(self.nodes))
        links = sum(1 for span in found if span.tag == "a")
        return Cost(utf16_units(self.text), len(found), links)


@dataclass(frozen=True)
class Cost:
    """What some text costs against Telegram's limits."""

    units: int
    entities: int
    links: int

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            self.units + other.units, self.entities + other.entities, self.links + other.links
        )

    def fits(self) -> bool:
        """Whether a message of this cost is within Telegram's limits."""
        return self.units <= MAX_UTF16 and self.entities <= MAX_ENTITIES


ZERO = Cost(0, 0, 0)


def spans(nodes: Iterable[Node]) -> Iterator[Span]:
    """Every formatted span, outermost first."""
    for node in nodes:
        if isinstance(node, Span):
            yield node
            yield from spans(node.children)


def block_cost(block: Block, first: bool) -> Cost:
    """The cost of ``block`` in a message, with its separator unless it comes ``first``."""
    own = block.own_cost
    return own if first else Cost(own.units + utf16_units(block.sep), own.entities, own.links)


def message_cost(blocks: Iterable[Block]) -> Cost:
    """The cost of a message made of ``blocks``."""
    total = ZERO
    for index, block in enumerate(blocks):
        total += block_cost(block, first=index == 0)
    return total


def to_html(nodes: Iterable[Node]) -> str:
    """Telegram HTML of inline nodes: text escaped, spans as b / code / a tags."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(html.escape(node.text, quote=False))
        elif node.tag == "a":
            href = html.escape(node.href or "", quote=True)
            out.append(f'<a href="{href}">{to_html(node.children)}</a>')
        else:
            out.append(f"<{node.tag}>{to_html(node.children)}</{node.tag}>")
    return "".join(out)


def blocks_html(blocks: Iterable[Block]) -> str:
    """Telegram HTML of a message made of ``blocks``."""
    out: list[str] = []
    for index, block in enumerate(blocks):
        if index:
            out.append(block.sep)
        out.append(to_html(block.nodes))
    return "".join(out)
