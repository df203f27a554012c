"""Inline Markdown of summaries and commentary: ``**bold**`` / ``__bold__``, ``*italic*`` /
``_italic_``, ``~~strike~~``, `` `code` `` and ``[text](url)``.

Parsed into a small tree that the renderer turns into Telegram HTML and the parser checks
(link schemes). Anything that is not one of these constructs is literal text; a backslash
escapes a Markdown character (``\\*`` is a literal ``*``).

Digest text is untrusted, so parsing takes linear time on any input, in two passes:

- the ``]`` closing each ``[`` and the ``)`` closing each ``(`` are paired up front, so
  trying a link is a lookup rather than a scan to the end of the text;
- where the closer of a span is (or that there is none) is found once per position and
  kind of scan, and remembered: every position a scan passes gets its answer, so a later
  scan of the same kind that reaches any of them knows at once (from there it would read
  the same text the same way);
- the tree is then built along the spans found, each character once;
- no kind of span opens inside itself, so nesting is at most one span of each kind and a
  link, whatever the input.
"""

from __future__ import annotations

import re
from array import array
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
    parser = _Parser(source)
    return parser.build(0, len(source), _Scan(frozenset(), None, False, 0, len(source)))


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


@dataclass(frozen=True)
class _PendingSpan:
    """A span found while looking for closers: ``s[first:stop]`` read as ``scan`` reads
    it; its nodes are built only if the tree needs them."""

    tag: str
    first: int
    stop: int
    scan: _Scan
    href: str | None = None


# What the memo of a kind of scan holds for a position it passed: not known yet, no closer
# ahead, or (any value >= 0) the index of the closer.
_UNKNOWN, _NO_CLOSER = -2, -1


class _Parser:
    """One paragraph's parse: bracket partners, last closers, and each scan kind's memo."""

    def __init__(self, source: str) -> None:
        self.s = source
        self.brackets = _partners(source)
        self.parentheses = _url_partners(source)
        self.last_closer = {
            marker: self._last_closer(marker) for marker in ("**", "__", "~~", "*", "_")
        }
        self.memo: dict[_Scan, array[int]] = {}

    def closer(self, i: int, scan: _Scan) -> int:
        """Where the closer of ``scan`` is when it starts reading at ``i`` (-1: nowhere)."""
        closer = scan.closer
        assert closer is not None
        if self.last_closer[closer] < i:
            return _NO_CLOSER  # no closer anywhere ahead
        memo = self.memo.get(scan)
        if memo is None:
            memo = self.memo[scan] = array("i", [_UNKNOWN]) * (scan.end - scan.start)
        s, start, end = self.s, scan.start, scan.end
        trail = array("i")
        found = _NO_CLOSER
        while i < end:
            known = memo[i - start]
            if known != _UNKNOWN:
                found = known
                break
            trail.append(i - start)
            if s[i] == closer[0] and self._closes(closer, i, end):
                found = i
                break
            i = self._step(i, scan)[1]
        for passed in trail:
            memo[passed] = found
        return found

    def build(self, i: int, stop: int, scan: _Scan) -> tuple[Node, ...]:
        """The nodes of ``s[i:stop]``, read as ``scan`` reads it."""
        out: list[Node] = []
        buffer: list[str] = []
        while i < stop:
            found, after = self._step(i, scan)
            if found is None:
                buffer.append(self.s[i:after])
            elif isinstance(found, Text):
                buffer.append(found.text)
            else:
                if buffer:
                    out.append(Text("".join(buffer)))
                    buffer.clear()
                if isinstance(found, _PendingSpan):
                    found = Span(
                        found.tag, self.build(found.first, found.stop, found.scan), found.href
                    )
                out.append(found)
            i = after
        if buffer:
            out.append(Text("".join(buffer)))
        return tuple(out)

    def _step(self, i: int, scan: _Scan) -> tuple[Node | _PendingSpan | None, int]:
        """What starts at ``s[i]`` and the index after it: a construct, or (None) text."""
        s = self.s
        if s[i] not in _SYNTAX_STARTS:
            # Plain text up to the next character that can start syntax, in one slice.
            syntax = _SYNTAX.search(s, i, scan.end)
            return None, syntax.start() if syntax else scan.end
        found = self._construct(i, scan)
        return found if found is not None else (None, i + 1)

    def _construct(self, i: int, scan: _Scan) -> tuple[Node | _PendingSpan, int] | None:
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
        if char == "_" and i > 0 and (s[i - 1].isalnum() or s[i - 1] == "_"):
            # snake_case, snake__case and URLs: an underscore inside a word is text (and
            # so is the second of a pair that opened nothing).
            return None
        if s.startswith("__", i, end):
            return self._span("b", "__", i, scan)
        if char in "*_" and following and not following.isspace() and following != char:
            return self._span("i", char, i, scan)
        return None

    def _span(self, tag: str, marker: str, i: int, scan: _Scan) -> tuple[_PendingSpan, int] | None:
        if tag in scan.open:
            return None
        inner = _Scan(scan.open | {tag}, marker, scan.in_link, scan.start, scan.end)
        first = i + len(marker)
        stop = self.closer(first, inner)
        if stop <= first:  # no closer, or an empty span: the marker is text
            return None
        return _PendingSpan(tag, first, stop, inner), stop + len(marker)

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
        if closer == "__":
            # Not inside a word (``__init__.py`` closes, ``a__b`` does not).
            return i + 2 >= len(s) or not s[i + 2].isalnum()
        if len(closer) == 2:
            return True
        # A single * or _ closes only after text (``a * b`` is not a span); an underscore
        # not inside a word either.
        if s[i - 1].isspace():
            return False
        return closer == "*" or i + 1 >= len(s) or not s[i + 1].isalnum()

    def _link(self, start: int, scan: _Scan) -> tuple[_PendingSpan, int] | None:
        """The link ``[text](url)`` at ``s[start]`` and the index after it, if there is one."""
        s = self.s
        text_end = self.brackets.get(start)
        if text_end is None or text_end == start + 1 or not s.startswith("(", text_end + 1):
            return None
        url_end = self.parentheses.get(text_end + 1)
        if url_end is None or url_end == text_end + 2:
            return None
        text = _Scan(scan.open, None, True, start + 1, text_end)
        return _PendingSpan("a", start + 1, text_end, text, s[text_end + 2 : url_end]), url_end + 1


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
