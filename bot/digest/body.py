"""The body of a digest file, split into intro, numbered items and commentary paragraphs.

Only the block structure is decided here (which line belongs where); headlines, links and
numbering are checked by ``bot.digest.parser``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.digest.errors import ProblemCollector, excerpt

_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*)$")
_ITEM = re.compile(r"^ {0,3}(\d{1,4})\.(?:[ \t]+(.*))?$")
_TAGS = re.compile(r"^(?:分类|标签|categories|category|tags)[ \t]*[:：][ \t]*(.*)$", re.IGNORECASE)
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


@dataclass
class Paragraph:
    """A paragraph of source text: its first line number and its lines (stripped)."""

    line: int
    lines: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The paragraph's lines joined as Markdown joins them."""
        parts = [self.lines[0]]
        for before, line in zip(self.lines, self.lines[1:], strict=False):
            # A soft line break is a space, except between two CJK characters.
            parts.append("" if _CJK.match(before[-1:]) and _CJK.match(line[:1]) else " ")
            parts.append(line)
        return "".join(parts)


@dataclass
class RawItem:
    """A numbered item as written: its headline line, paragraphs and tag lines."""

    number: int
    line: int
    headline: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    tags: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Body:
    """The body of a digest file in its three parts."""

    intro: list[Paragraph] = field(default_factory=list)
    items: list[RawItem] = field(default_factory=list)
    commentary_heading: tuple[int, str] | None = None
    commentary: list[Paragraph] = field(default_factory=list)


def read_body(lines: list[str], start: int, problems: ProblemCollector) -> Body:
    """Split the body (lines from 1-based ``start``) into intro, items and commentary."""
    body = Body()
    paragraph: Paragraph | None = None
    item: RawItem | None = None
    rule_after_items: int | None = None

    def target() -> list[Paragraph]:
        if body.commentary_heading is not None:
            return body.commentary
        return item.paragraphs if item is not None else body.intro

    for number, raw in enumerate(lines[start - 1 :], start=start):
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            paragraph = None
            continue
        in_commentary = body.commentary_heading is not None
        if _RULE.match(line):
            paragraph = None
            if item is not None and not in_commentary:
                rule_after_items = number
            continue
        heading = _heading_text(line)
        if heading is not None and not in_commentary:
            paragraph = None
            if item is None:
                problems.warn(number, f"heading '{excerpt(heading)}' before the items is ignored")
            else:
                body.commentary_heading = (number, heading)
            continue
        if heading is not None:
            # A second heading inside the commentary stays as a bold paragraph of it.
            body.commentary.append(Paragraph(number, [f"**{heading}**"]))
            paragraph = None
            continue
        match = _ITEM.match(line)
        if match and not in_commentary:
            item = RawItem(int(match.group(1)), number, (match.group(2) or "").strip())
            body.items.append(item)
            paragraph = None
            rule_after_items = None
            continue
        if rule_after_items is not None and not in_commentary:
            problems.error(
                number,
                f"text after the '---' rule at line {rule_after_items} has no heading; "
                "put a heading such as '### 点评' above commentary, or remove the rule",
            )
            rule_after_items = None
        tags = _TAGS.match(stripped) if item is not None and not in_commentary else None
        if tags and item is not None:
            item.tags.append((number, tags.group(1)))
            paragraph = None
            continue
        if paragraph is None:
            paragraph = Paragraph(number)
            target().append(paragraph)
        paragraph.lines.append(stripped)
    return body


def _heading_text(line: str) -> str | None:
    """The text of an ATX heading line (``### 点评 ###``: ``点评``), None for other lines.

    The closing ``#`` run is stripped here rather than by the regular expression, whose
    backtracking over a long run of spaces would be quadratic.
    """
    match = _HEADING.match(line)
    if match is None:
        return None
    text = match.group(2).rstrip(" \t")
    without_closing = text.rstrip("#")
    if without_closing != text and without_closing[-1:] in (" ", "\t"):
        text = without_closing.rstrip(" \t")
    return text
