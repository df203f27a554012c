"""Inline Markdown of summaries and commentary: ``**bold**``, ``*italic*`` / ``_italic_``,
``~~strike~~``, `` `code` `` and ``[text](url)``.

Parsed into a small tree that the renderer turns into Telegram HTML and the parser checks
(link schemes). Anything that is not one of these constructs is literal text; a backslash
escapes a Markdown character (``\\*`` is a literal ``*``).

Digest text is untrusted, so parsing is linear in the length of any input:

- the ``]`` closing each ``[`` and the ``)`` closing each ``(`` are paired in one pass
  before parsing, so trying a link is a lookup rather than a scan to the end of the text;
- a span that found no closer leaves its trail behind: every position its scan passed is
  marked dead for that kind of scan, and a later scan of the same kind that reaches a dead
  position gives up at once (from there it would read the same text the same way and fail
  again);
- no kind of span opens inside itself, so nesting is at most one span of each kind and a
  link, whatever the input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

ESCAPABLE = frozenset("\\`*_[](){}#+-.!<>|~")
# Characters that can start inline syntax (a closer starts with one too).
_SYNTAX_STARTS = frozenset("\\`*_~[")
_SYNTAX = re.compile(r"[\\`*_~\[]")
_BRACKETS = re.compile(r"\\.|[\[\]]", re.DOTALL)
_PARENTHESES = re.compile(r"[()\s]")


@dataclass(frozen=True)
class Text:
    """Literal text, exactly as the reader sees it."""

    text: str


@dataclass(frozen=True)
class Span:
    """A formatted span: ``b``, ``i``, ``s`` (strike), ``code`` or ``a`` (a link to ``href``)."""

    tag: str
    children: tuple[Node, ...]
    href: str | None = None


Node = Text | Span


def parse_inline(source: str) -> tuple[Node, ...]:
    """The inline tree of one paragraph of Markdown source."""
    return _Parser(source).scan(0, _Scan(frozenset(), None, False, 0, len(source)))[0]


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


@dataclass(frozen=True)
class _Scan:
    """What a scan is looking for: the spans open around it (none of them opens again),
    the closer that ends it (None: the whole text or a link's text), and the stretch of
    text it reads, ``s[start:end]``."""

    open: frozenset[str]
    closer: str | None
    in_link: bool
    start: int
    end: int


# Marks of a scan kind's positions: on the trail of its running scan, or dead (a scan of
# that kind from there finds no closer).
_TRAIL, _DEAD = 2, 1


class _Parser:
    """One paragraph's parse: bracket partners, last closers, and dead positions."""

    def __init__(self, source: str) -> None:
        self.s = source
        self.brackets = _partners(source)
        self.parentheses = _url_partners(source)
        self.last_closer = {marker: self._last_closer(marker) for marker in ("**", "~~", "*", "_")}
        self.marks: dict[_Scan, bytearray] = {}

    def scan(self, i: int, scan: _Scan) -> tuple[tuple[Node, ...], int, bool]:
        """Nodes from ``s[i:]`` up to the scan's closer (consumed); whether it was found."""
        s, end, closer = self.s, scan.end, scan.closer
        out: list[Node] = []
        buffer: list[str] = []

        def flush() -> None:
            if buffer:
                out.append(Text("".join(buffer)))
                buffer.clear()

        if closer is None:
            marks = None
        elif self.last_closer[closer] < i:
            return (), i, False  # no closer anywhere ahead
        else:
            marks = self.marks.get(scan)
            if marks is None:
                marks = self.marks[scan] = bytearray(end - scan.start)
        first = i
        while i < end:
            if marks is not None:
                if marks[i - scan.start] == _DEAD:
                    break
                marks[i - scan.start] = _TRAIL
            if closer is not None and self._closes(closer, i, end):
                if marks is not None:  # found: the trail is not dead
                    self._settle(marks, first - scan.start, i - scan.start, bytes([0]))
                flush()
                return tuple(out), i + len(closer), True
            char = s[i]
            if char not in _SYNTAX_STARTS:
                # Plain text up to the next character that can start syntax, in one slice.
                syntax = _SYNTAX.search(s, i, end)
                stop = syntax.start() if syntax else end
                buffer.append(s[i:stop])
                i = stop
                continue
            found = self._construct(i, scan)
            if found is not None:
                node, i = found
                if isinstance(node, Text):
                    buffer.append(node.text)
                else:
                    flush()
                    out.append(node)
                continue
            buffer.append(char)
            i += 1
        if marks is not None:
            self._settle(marks, first - scan.start, min(i, end) - scan.start, bytes([_DEAD]))
        flush()
        return tuple(out), i, False

    @staticmethod
    def _settle(marks: bytearray, start: int, stop: int, mark: bytes) -> None:
        """Turn the finished scan's trail in ``marks[start:stop]`` into ``mark``."""
        marks[start:stop] = marks[start:stop].replace(bytes([_TRAIL]), mark)

    def _construct(self, i: int, scan: _Scan) -> tuple[Node, int] | None:
        """The escape, code span, span or link starting at ``s[i]``, and the index after it."""
        s, end = self.s, scan.end
        char = s[i]
        following = s[i + 1] if i + 1 < end else ""
        if char == "\\":
            return (Text(following), i + 2) if following in ESCAPABLE else None
        if char == "`":
            close = s.find("`", i + 1, end)
            return (Span("code", (Text(s[i + 1 : close]),)), close + 1) if close > i + 1 else None
        if char == "[":
            return None if scan.in_link else self._link(i, scan)
        if s.startswith("**", i, end):
            return self._span("b", "**", i, scan)
        if s.startswith("~~", i, end):
            return self._span("s", "~~", i, scan)
        if char == "_" and i > 0 and s[i - 1].isalnum():
            return None  # snake_case and URLs: an underscore inside a word is text
        if char in "*_" and following and not following.isspace() and following != char:
            return self._span("i", char, i, scan)
        return None

    def _span(self, tag: str, marker: str, i: int, scan: _Scan) -> tuple[Node, int] | None:
        if tag in scan.open:
            return None
        inner = _Scan(scan.open | {tag}, marker, scan.in_link, scan.start, scan.end)
        children, after, closed = self.scan(i + len(marker), inner)
        return (Span(tag, children), after) if closed and children else None

    def _last_closer(self, closer: str) -> int:
        """The last index where ``closer`` could close a span (-1: nowhere)."""
        i = len(self.s)
        while i > 0:
            i = self.s.rfind(closer, 0, i)
            if i <= 0 or self._closes(closer, i, len(self.s)):
                return i
            i += len(closer) - 1
        return -1

    def _closes(self, closer: str, i: int, end: int) -> bool:
        s = self.s
        if not s.startswith(closer, i, end):
            return False
        if len(closer) == 2:
            return True
        # A single * or _ closes only after text (``a * b`` is not a span); an underscore
        # not inside a word either.
        if s[i - 1].isspace():
            return False
        return closer == "*" or i + 1 >= len(s) or not s[i + 1].isalnum()

    def _link(self, start: int, scan: _Scan) -> tuple[Node, int] | None:
        """The link ``[text](url)`` at ``s[start]`` and the index after it, if there is one."""
        s = self.s
        text_end = self.brackets.get(start)
        if text_end is None or text_end == start + 1 or not s.startswith("(", text_end + 1):
            return None
        url_end = self.parentheses.get(text_end + 1)
        if url_end is None or url_end == text_end + 2:
            return None
        text = _Scan(scan.open, None, True, start + 1, text_end)
        children = self.scan(start + 1, text)[0]
        return Span("a", children, href=s[text_end + 2 : url_end]), url_end + 1


def _partners(s: str) -> dict[int, int]:
    """The ``]`` closing each ``[`` (nested pairs allowed; a backslash escapes one char)."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for match in _BRACKETS.finditer(s):
        char = match.group()
        if char == "[":
            stack.append(match.start())
        elif char == "]" and stack:
            pairs[stack.pop()] = match.start()
    return pairs


def _url_partners(s: str) -> dict[int, int]:
    """The ``)`` closing each ``(`` as a link URL reads them: nested pairs allowed, no
    backslash escapes, and no whitespace (a ``(`` before a space is never closed)."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for match in _PARENTHESES.finditer(s):
        char = match.group()
        if char == "(":
            stack.append(match.start())
        elif char == ")":
            if stack:
                pairs[stack.pop()] = match.start()
        else:
            stack.clear()
    return pairs
