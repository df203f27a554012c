"""The YAML loader of digest front matter: no input can make it explode.

Front matter needs a mapping of text and lists of text, so this loader

- refuses aliases (an alias bomb of a few hundred bytes expands to gigabytes once the
  value is printed) and explicit tags (``!!float x``, ``!!timestamp x`` and
  ``!!python/...`` run constructors on the editor's text; ``!!str`` is allowed);
- resolves no implicit type but null: ``2025``, ``yes``, ``1e999`` and a number of ten
  thousand digits are all text, which the front matter then checks as text;
- stops at ``MAX_DEPTH`` levels of nesting and ``MAX_NODES`` values, so composing takes
  bounded time, memory and stack on any input.

Every refusal is a ``yaml.MarkedYAMLError`` with the position of the offending value.
Events come from libyaml when PyYAML has it (C speed), else from PyYAML's Python parser.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

from yaml.composer import Composer, ComposerError
from yaml.constructor import SafeConstructor
from yaml.error import Mark
from yaml.events import AliasEvent, CollectionStartEvent, Event, ScalarEvent
from yaml.nodes import MappingNode, Node
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

# A digest's front matter is a title, a date and a few categories: a few dozen values.
MAX_DEPTH = 16
MAX_NODES = 10_000
_ALLOWED_TAGS = frozenset(
    {"!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}
)

try:
    from yaml._yaml import CParser as _EventParser
except ImportError:  # PyYAML built without libyaml: the same events, in Python

    class _EventParser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


class _TextResolver(BaseResolver):
    """Only null is implicit (``title:``, ``~``); every other plain scalar is text."""


_TextResolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


class _LimitedComposer(Composer):
    """PyYAML's composer with the refusals above, checked at every node it composes."""

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        self._nodes = 0

    if TYPE_CHECKING:  # the event parser mixed in beside the composer provides it

        def peek_event(self) -> Event: ...

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        mark = cast(Mark, event.start_mark)  # libyaml's Mark has the same line and column
        if isinstance(event, AliasEvent):
            raise ComposerError(None, None, "aliases (*name) are not allowed in front matter", mark)
        if isinstance(event, ScalarEvent | CollectionStartEvent):
            tag = event.tag
            if tag is not None and tag not in _ALLOWED_TAGS:
                shown = tag.replace("tag:yaml.org,2002:", "!!")
                raise ComposerError(
                    None, None, f"YAML tags ({shown}) are not allowed in front matter",
                    mark,
                )  # fmt: skip
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise ComposerError(None, None, f"more than {MAX_NODES:,} values in front matter", mark)
        if self._depth >= MAX_DEPTH:
            raise ComposerError(None, None, f"values nested more than {MAX_DEPTH} deep", mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _FrontMatterLoader(_LimitedComposer, _EventParser, SafeConstructor, _TextResolver):
    def __init__(self, stream: str) -> None:
        _EventParser.__init__(self, stream)
        _LimitedComposer.__init__(self)
        SafeConstructor.__init__(self)
        _TextResolver.__init__(self)


def load_front_matter(block: str) -> tuple[object, dict[str, int]]:
    """The value of the YAML ``block`` and, for a mapping, each text key's 0-based line.

    Raises ``yaml.YAMLError`` (a ``MarkedYAMLError`` with a position where there is one).
    """
    loader = _FrontMatterLoader(block)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: dict[str, int] = {}
        if isinstance(node, MappingNode):
            for key, _ in node.value:
                if isinstance(key.value, str):
                    lines.setdefault(key.value, key.start_mark.line)
        return loader.construct_document(node), lines
    finally:
        loader.dispose()
