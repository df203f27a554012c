"""Inline Markdown of summaries and commentary: ``**bold**``, ``[text](url)``, `` `code` ``.

Parsed into a small tree that the renderer turns into Telegram HTML and the parser checks
(link schemes). Anything that is not one of these constructs is literal text; a backslash
escapes a Markdown character (``\\*`` is a literal ``*``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

ESCAPABLE = frozenset("\\`*_[](){}#+-.!<>|~")
# Characters that can start inline syntax (a closing ``**`` starts with one too).
_SYNTAX_STARTS = frozenset("\\`*[")
_SYNTAX = re.compile(r"[\\`*\[]")


@dataclass(frozen=True)
class Text:
    """Literal text, exactly as the reader sees it."""

    text: str


@dataclass(frozen=True)
class Span:
    """A formatted span: ``b`` (bold), ``code`` or ``a`` (a link to ``href``)."""

    tag: str
    children: tuple[Node, ...]
    href: str | None = None


Node = Text | Span


def parse_inline(source: str) -> tuple[Node, ...]:
    """The inline tree of one paragraph of Markdown source."""
    nodes, _, _ = _parse(source, 0, closer=None, in_link=False)
    return nodes


def plain_text(nodes: tuple[Node, ...]) -> str:
    """The text a reader sees, without any formatting."""
    return "".join(_texts(nodes))


def links(nodes: tuple[Node, ...]) -> Iterator[str]:
    """Every link target in the tree, in order."""
    for node in nodes:
        if isinstance(node, Span):
            if node.href is not None:
                yield node.href
            yield from links(node.children)


def _texts(nodes: tuple[Node, ...]) -> Iterator[str]:
    for node in nodes:
        if isinstance(node, Text):
            yield node.text
        else:
            yield from _texts(node.children)


def _parse(s: str, i: int, closer: str | None, in_link: bool) -> tuple[tuple[Node, ...], int, bool]:
    """Nodes from ``s[i:]`` up to ``closer`` (consumed); whether the closer was found."""
    out: list[Node] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            out.append(Text("".join(buffer)))
            buffer.clear()

    while i < len(s):
        if closer is not None and s.startswith(closer, i):
            flush()
            return tuple(out), i + len(closer), True
        char = s[i]
        if char not in _SYNTAX_STARTS:
            # Plain text up to the next character that can start syntax, in one slice.
            syntax = _SYNTAX.search(s, i)
            end = syntax.start() if syntax else len(s)
            buffer.append(s[i:end])
            i = end
            continue
        if char == "\\" and i + 1 < len(s) and s[i + 1] in ESCAPABLE:
            buffer.append(s[i + 1])
            i += 2
            continue
        if char == "`":
            end = s.find("`", i + 1)
            if end > i + 1:
                flush()
                out.append(Span("code", (Text(s[i + 1 : end]),)))
                i = end + 1
                continue
        if s.startswith("**", i) and closer != "**":
            inner, after, closed = _parse(s, i + 2, "**", in_link)
            if closed and inner:
                flush()
                out.append(Span("b", inner))
                i = after
                continue
        if char == "[" and not in_link:
            found = _link(s, i)
            if found is not None:
                flush()
                out.append(found[0])
                i = found[1]
                continue
        buffer.append(char)
        i += 1
    flush()
    return tuple(out), i, False


def _link(s: str, start: int) -> tuple[Span, int] | None:
    """The link ``[text](url)`` at ``s[start]`` and the index after it, if there is one."""
    text_end = _closing(s, start, "[]", in_url=False)
    if text_end is None or text_end == start + 1 or not s.startswith("(", text_end + 1):
        return None
    url_end = _closing(s, text_end + 1, "()", in_url=True)
    if url_end is None or url_end == text_end + 2:
        return None
    children, _, _ = _parse(s[start + 1 : text_end], 0, closer=None, in_link=True)
    return Span("a", children, href=s[text_end + 2 : url_end]), url_end + 1


def _closing(s: str, start: int, pair: str, in_url: bool) -> int | None:
    """Index of the bracket closing the one at ``s[start]`` (nested pairs allowed).

    In link text a backslash escapes the next character; a URL cannot hold whitespace.
    """
    opening, closing = pair[0], pair[1]
    depth = 0
    i = start
    while i < len(s):
        char = s[i]
        if char == "\\" and not in_url:
            i += 2
            continue
        if in_url and char.isspace():
            return None
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None
