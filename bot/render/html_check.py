"""Checking Telegram HTML before it is sent: what an admin writes for a broadcast is
refused here, with Telegram's own reason, before any reader gets anything.

The rules are the ones Telegram's servers apply to ``parse_mode=HTML`` (the tag set, how
attributes are read, end tags closing the innermost open tag, a spoiler ``span`` needing
``class="tg-spoiler"``, no lone surrogates from character references) plus the message
limits (not empty once trimmed, at most 4,096 UTF-16 units of text). The sandbox carries a
full port of Telegram's parser (``sandbox/telegram_html.py``), but the product never loads
the sandbox package, and the sandbox never imports ``bot/``: so this is the product's own,
smaller checker (it only says yes or why not; it builds no entities), and
``tests/test_html_check.py`` holds it to the port's verdict on generated input. Where the
two could differ it is stricter (a custom emoji id is checked even on an empty tag).
"""

from __future__ import annotations

import re
from typing import Final

MAX_TEXT_UNITS: Final = 4096
SUPPORTED_TAGS: Final = frozenset(
    ("b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "span", "tg-spoiler",
     "a", "pre", "blockquote", "tg-emoji")
)  # fmt: skip
_SPACES: Final = " \t\r\n\0\v"
_TRIMMED: Final = " \t\r\n"
_BARE_VALUE = re.compile(r"[A-Za-z0-9.\-]*")
_REFERENCE = re.compile(r"&(?:#x([0-9a-fA-F]*)|#([0-9]*)|(lt|gt|amp|quot)(?![A-Za-z]));?")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class InvalidHtml(ValueError):
    """Text Telegram would refuse; the message says why, as Telegram would."""


def _decoded(text: str) -> str:
    """``text`` with the character references Telegram decodes replaced."""

    def one(match: re.Match[str]) -> str:
        hexadecimal, decimal, name = match.groups()
        if name is not None:
            return _NAMED[name]
        digits, base, prefix = (hexadecimal, 16, 3) if hexadecimal is not None else (decimal, 10, 2)
        if not digits or prefix + len(digits) >= 10:
            return match.group()
        code = int(digits, base)
        return match.group() if code == 0 or code >= 0x10FFFF else chr(code)

    return _REFERENCE.sub(one, text) if "&" in text else text


class _Checker:
    """One pass over ``html``; ``run`` raises ``InvalidHtml`` or returns the plain text."""

    def __init__(self, html: str) -> None:
        self.html = html
        self.open: list[str] = []
        self.text: list[str] = []

    def at(self, index: int) -> str:
        return self.html[index] if index < len(self.html) else ""

    def skip_spaces(self, index: int) -> int:
        while index < len(self.html) and self.html[index] in _SPACES:
            index += 1
        return index

    def where(self, index: int) -> str:
        return f"at byte offset {len(self.html[:index].encode('utf-8'))}"

    def run(self) -> str:
        index = 0
        while (tag := self.html.find("<", index)) >= 0:
            self.text.append(_decoded(self.html[index:tag]))
            closing = self.at(tag + 1) == "/"
            index = self.end_tag(tag) if closing else self.start_tag(tag)
        self.text.append(_decoded(self.html[index:]))
        if self.open:
            raise InvalidHtml(f'Can\'t find end tag corresponding to start tag "{self.open[-1]}"')
        return "".join(self.text)

    def name_end(self, index: int) -> int:
        while index < len(self.html) and self.html[index] not in _SPACES + ">":
            index += 1
        return index

    def end_tag(self, begin: int) -> int:
        if not self.open:
            raise InvalidHtml(f"Unexpected end tag {self.where(begin)}")
        end = self.name_end(begin + 2)
        name = self.html[begin + 2 : end].lower()
        end = self.skip_spaces(end)
        if self.at(end) != ">":
            raise InvalidHtml(f"Unclosed end tag {self.where(begin)}")
        if name and name != self.open[-1]:
            raise InvalidHtml(
                f'Unmatched end tag {self.where(begin)}, expected "</{self.open[-1]}>", '
                f'found "</{name}>"'
            )
        self.open.pop()
        return end + 1

    def start_tag(self, begin: int) -> int:
        index = self.name_end(begin + 1)
        if index >= len(self.html):
            raise InvalidHtml(f"Unclosed start tag {self.where(begin)}")
        name = self.html[begin + 1 : index].lower()
        if name not in SUPPORTED_TAGS:
            raise InvalidHtml(f'Unsupported start tag "{name}" {self.where(begin)}')
        attributes: dict[str, str] = {}
        while True:
            index = self.skip_spaces(index)
            if self.at(index) == ">":
                break
            if index >= len(self.html):
                raise InvalidHtml(f"Unclosed start tag {self.where(begin)}")
            index = self.attribute(name, begin, index, attributes)
        self.check_tag(name, attributes, begin)
        self.open.append(name)
        return index + 1

    def attribute(self, tag: str, begin: int, index: int, into: dict[str, str]) -> int:
        """Read one attribute of ``tag`` at ``index`` into ``into``; the index after it."""
        start = index
        while index < len(self.html) and self.html[index] not in _SPACES + "=>":
            index += 1
        attribute = self.html[start:index].lower()
        if not attribute:
            raise InvalidHtml(f'Empty attribute name in the tag "{tag}" {self.where(begin)}')
        index = self.skip_spaces(index)
        if index >= len(self.html):
            raise InvalidHtml(f'Unclosed start tag "{tag}" {self.where(begin)}')
        if self.html[index] != "=":
            if tag == "blockquote" and attribute == "expandable":
                into[attribute] = ""
                return index
            raise InvalidHtml(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"{self.where(begin)}"
            )
        index = self.skip_spaces(index + 1)
        if index >= len(self.html):
            raise InvalidHtml(f'Unclosed start tag "{tag}" {self.where(begin)}')
        quote = self.html[index]
        if quote in "'\"":
            close = self.html.find(quote, index + 1)
            if close < 0:
                raise InvalidHtml(f"Unclosed start tag {self.where(begin)}")
            into[attribute] = _decoded(self.html[index + 1 : close])
            return close + 1
        match = _BARE_VALUE.match(self.html, index)
        end = match.end() if match else index
        if end >= len(self.html):
            raise InvalidHtml(f"Unclosed start tag {self.where(begin)}")
        if self.html[end] not in _SPACES + ">":
            raise InvalidHtml(f"Unexpected end of name token {self.where(end)}")
        into[attribute] = self.html[index:end].lower()
        return end

    def check_tag(self, name: str, attributes: dict[str, str], begin: int) -> None:
        if name == "span":
            spoiler = attributes.get("class", "")
            if not (spoiler.startswith("tg-") and spoiler[3:] == "spoiler"):
                raise InvalidHtml(f'Tag "span" must have class "tg-spoiler" {self.where(begin)}')
        if name == "tg-emoji":
            emoji_id = attributes.get("emoji-id", "")
            if not (emoji_id.isascii() and emoji_id.isdigit()) or not 0 < int(emoji_id) < 2**63:
                raise InvalidHtml("Invalid custom emoji identifier specified")


def check_html(html: str) -> str:
    """The plain text readers will see of ``html`` (trimmed as Telegram trims it), or
    ``InvalidHtml`` saying why Telegram would refuse the message."""
    text = _Checker(html).run()
    if re.search("[\ud800-\udfff]", text):
        raise InvalidHtml(
            "Text contains invalid Unicode characters after decoding HTML entities, check "
            "for unmatched surrogate code units"
        )
    text = text.strip(_TRIMMED)
    if not text:
        raise InvalidHtml("message text is empty")
    units = len(text.encode("utf-16-le")) // 2
    if units > MAX_TEXT_UNITS:
        raise InvalidHtml(f"message is too long: {units} characters, at most {MAX_TEXT_UNITS}")
    return text
