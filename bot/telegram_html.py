"""Telegram's HTML parse mode: text plus entities, with Telegram's rules and error texts.

A port of the parser Telegram's servers run (tdlib's ``parse_html``): the same tag set,
the same four named character references plus numeric ones, the same error messages
(the part after ``can't parse entities: ``), and entity offsets and lengths counted in
UTF-16 code units. The sandbox Bot API server answers with it, and tests use it to say
what a reader sees. Pure and allocation-light: it runs on the sandbox's hot path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["Entity", "HtmlParseError", "parse_html", "strip_entities", "utf16_len"]

# Tag -> entity type. ``span`` needs class="tg-spoiler"; ``a`` and ``pre`` are special.
_SIMPLE_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
}
_SUPPORTED_TAGS = frozenset({*_SIMPLE_TAGS, "a", "pre", "blockquote", "tg-emoji"})
_NAMED_REFERENCES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = frozenset(" \t\r\n\0\v")
_SPECIAL = re.compile(r"[<&]")
_NAME_TOKEN = re.compile(r"[A-Za-z0-9.\-]*")
_REFERENCE = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([A-Za-z]{1,10}));")
_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# Entities that cannot hold other entities (Telegram drops what is nested inside them).
_OPAQUE = frozenset({"code", "pre"})
# Order Telegram lists entities that start at the same offset with the same length.
_TYPE_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 1,
    "code": 1,
    "text_link": 2,
    "custom_emoji": 2,
    "bold": 3,
    "italic": 4,
    "underline": 5,
    "strikethrough": 6,
    "spoiler": 7,
}


class HtmlParseError(ValueError):
    """Text that Telegram would refuse; the message is Telegram's, after ``can't parse
    entities: ``."""


@dataclass(frozen=True, slots=True)
class Entity:
    """One message entity; ``offset`` and ``length`` are in UTF-16 code units."""

    type: str
    offset: int
    length: int
    url: str | None = None
    language: str | None = None
    custom_emoji_id: str | None = None

    def to_api(self) -> dict[str, Any]:
        """The entity as the Bot API serialises it (optional fields only when set)."""
        data: dict[str, Any] = {"offset": self.offset, "length": self.length, "type": self.type}
        if self.url is not None:
            data["url"] = self.url
        if self.language is not None:
            data["language"] = self.language
        if self.custom_emoji_id is not None:
            data["custom_emoji_id"] = self.custom_emoji_id
        return data


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit Telegram counts limits in."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(html: str, index: int) -> int:
    """Byte offset of character ``index`` in the UTF-8 encoding Telegram reports errors in."""
    return len(html[:index].encode("utf-8"))


def _decode_reference(html: str, index: int) -> tuple[str, int] | None:
    """The character a ``&...;`` reference at ``index`` stands for, and the index after it;
    None when it is not one Telegram decodes (the ``&`` is then kept literally)."""
    match = _REFERENCE.match(html, index)
    if match is None:
        return None
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        char = _NAMED_REFERENCES.get(name)
        return None if char is None else (char, match.end())
    code = int(decimal, 10) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def _normalise_url(url: str) -> str | None:
    """The link Telegram stores for an ``href``, or None when Telegram drops the link."""
    url = url.strip()
    if not url or any(ch in _SPACES for ch in url):
        return None
    scheme = _URL_SCHEME.match(url)
    if scheme is None:
        if "." not in url.split("/", 1)[0]:
            return None
        url = "http://" + url
    elif scheme.group(1).lower() not in ("http", "https", "tg", "ton", "ftp"):
        return None
    if scheme is None or scheme.group(1).lower() in ("http", "https", "ftp"):
        rest = url.split("://", 1)[1] if "://" in url else ""
        if not rest:
            return None
        if "/" not in rest and "?" not in rest and "#" not in rest:
            url += "/"
    return url


@dataclass(slots=True)
class _Open:
    """A start tag waiting for its end tag."""

    name: str
    argument: str
    offset: int
    text_index: int


class _Parser:
    """One pass over the HTML; ``run`` returns the plain text and the entities."""

    def __init__(self, html: str) -> None:
        self.html = html
        self.chunks: list[str] = []
        self.text_len = 0  # characters in chunks (Python indices)
        self.offset = 0  # UTF-16 code units in chunks
        self.open: list[_Open] = []
        self.entities: list[Entity] = []

    def emit(self, chunk: str) -> None:
        self.chunks.append(chunk)
        self.text_len += len(chunk)
        self.offset += utf16_len(chunk) if not chunk.isascii() else len(chunk)

    def run(self) -> tuple[str, list[Entity]]:
        html = self.html
        size = len(html)
        i = 0
        while i < size:
            match = _SPECIAL.search(html, i)
            if match is None:
                self.emit(html[i:])
                break
            start = match.start()
            if start > i:
                self.emit(html[i:start])
            if html[start] == "&":
                decoded = _decode_reference(html, start)
                if decoded is None:
                    self.emit("&")
                    i = start + 1
                else:
                    self.emit(decoded[0])
                    i = decoded[1]
            elif start + 1 < size and html[start + 1] == "/":
                i = self.end_tag(start)
            else:
                i = self.start_tag(start)
        if self.open:
            raise HtmlParseError(
                f'Can\'t find end tag corresponding to start tag "{self.open[-1].name}"'
            )
        return "".join(self.chunks), self.entities

    def _char(self, i: int) -> str:
        """The character at ``i``, or NUL past the end (tdlib reads its C string's NUL)."""
        return self.html[i] if i < len(self.html) else "\0"

    def start_tag(self, begin: int) -> int:
        html = self.html
        i = begin + 1
        while i < len(html) and html[i] not in _SPACES and html[i] != ">":
            i += 1
        if i >= len(html):
            raise HtmlParseError(f"Unclosed start tag at byte offset {_byte_offset(html, begin)}")
        name = html[begin + 1 : i].lower()
        if name not in _SUPPORTED_TAGS:
            raise HtmlParseError(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(html, begin)}'
            )
        argument = ""
        while self._char(i) != ">":
            while i < len(html) and html[i] in _SPACES:
                i += 1
            if self._char(i) == ">":
                break
            if i >= len(html):
                raise HtmlParseError(
                    f"Unclosed start tag at byte offset {_byte_offset(html, begin)}"
                )
            attr_begin = i
            while i < len(html) and html[i] not in _SPACES and html[i] not in "=>":
                i += 1
            attribute = html[attr_begin:i].lower()
            if not attribute:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset '
                    f"{_byte_offset(html, begin)}"
                )
            while i < len(html) and html[i] in _SPACES:
                i += 1
            if self._char(i) != "=":
                if name == "blockquote" and attribute == "expandable":
                    argument = "1"
                    continue
                raise HtmlParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {_byte_offset(html, begin)}'
                )
            i += 1
            while i < len(html) and html[i] in _SPACES:
                i += 1
            if i >= len(html):
                raise HtmlParseError(
                    f"Unclosed start tag at byte offset {_byte_offset(html, begin)}"
                )
            value, i = self.attribute_value(i)
            if i >= len(html):
                raise HtmlParseError(
                    f"Unclosed start tag at byte offset {_byte_offset(html, begin)}"
                )
            argument = _argument(name, attribute, value, argument)
        if name == "span" and argument != "spoiler":
            raise HtmlParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset '
                f"{_byte_offset(html, begin)}"
            )
        self.open.append(_Open(name, argument, self.offset, self.text_len))
        return i + 1

    def attribute_value(self, i: int) -> tuple[str, int]:
        """A quoted string (references decoded) or a bare name token, and the index after."""
        html = self.html
        quote = html[i]
        if quote not in "'\"":
            match = _NAME_TOKEN.match(html, i)
            end = match.end() if match else i
            if self._char(end) not in _SPACES and self._char(end) != ">":
                raise HtmlParseError(
                    f"Unexpected end of name token at byte offset {_byte_offset(html, end)}"
                )
            return html[i:end].lower(), end
        i += 1
        parts: list[str] = []
        while i < len(html) and html[i] != quote:
            if html[i] == "&":
                decoded = _decode_reference(html, i)
                if decoded is not None:
                    parts.append(decoded[0])
                    i = decoded[1]
                    continue
            parts.append(html[i])
            i += 1
        if i < len(html):
            i += 1
        return "".join(parts), i

    def end_tag(self, begin: int) -> int:
        html = self.html
        if not self.open:
            raise HtmlParseError(f"Unexpected end tag at byte offset {_byte_offset(html, begin)}")
        i = begin + 2
        while i < len(html) and html[i] not in _SPACES and html[i] != ">":
            i += 1
        end_name = html[begin + 2 : i].lower()
        while i < len(html) and html[i] in _SPACES:
            i += 1
        if self._char(i) != ">":
            raise HtmlParseError(f"Unclosed end tag at byte offset {_byte_offset(html, begin)}")
        opened = self.open[-1]
        if end_name and end_name != opened.name:
            raise HtmlParseError(
                f"Unmatched end tag at byte offset {_byte_offset(html, begin)}, "
                f'expected "</{opened.name}>", found "</{end_name}>"'
            )
        self.open.pop()
        if self.offset > opened.offset:
            self.close_entity(opened, self.offset - opened.offset)
        return i + 1

    def close_entity(self, opened: _Open, length: int) -> None:
        name, offset = opened.name, opened.offset
        if name in _SIMPLE_TAGS:
            language = opened.argument if name == "code" and opened.argument else None
            self.entities.append(Entity(_SIMPLE_TAGS[name], offset, length, language=language))
        elif name == "a":
            href = opened.argument or "".join(self.chunks)[opened.text_index :]
            url = _normalise_url(href)
            if url is not None:
                self.entities.append(Entity("text_link", offset, length, url=url))
        elif name == "pre":
            last = self.entities[-1] if self.entities else None
            if (
                last is not None
                and last.type == "code"
                and last.offset == offset
                and last.length == length
                and last.language
            ):
                self.entities[-1] = Entity("pre", offset, length, language=last.language)
            else:
                self.entities.append(Entity("pre", offset, length))
        elif name == "blockquote":
            kind = "expandable_blockquote" if opened.argument else "blockquote"
            self.entities.append(Entity(kind, offset, length))
        elif name == "tg-emoji" and opened.argument.isdigit():
            self.entities.append(
                Entity("custom_emoji", offset, length, custom_emoji_id=opened.argument)
            )


def _argument(tag: str, attribute: str, value: str, current: str) -> str:
    """The one attribute each tag keeps (href, language, spoiler class, emoji id)."""
    if tag == "a" and attribute == "href":
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and attribute == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and attribute == "emoji-id":
        return value
    if tag == "blockquote" and attribute == "expandable":
        return "1"
    return current


def _drop_nested_in_code(entities: list[Entity]) -> list[Entity]:
    """Telegram keeps nothing inside ``code`` / ``pre``, and a language only on ``pre``;
    entities are sorted already."""
    kept: list[Entity] = []
    opaque_end = -1
    for entity in entities:
        if entity.offset < opaque_end:
            continue
        if entity.type == "code" and entity.language is not None:
            entity = Entity("code", entity.offset, entity.length)
        kept.append(entity)
        if entity.type in _OPAQUE:
            opaque_end = entity.offset + entity.length
    return kept


def _sort_key(entity: Entity) -> tuple[int, int, int]:
    return (entity.offset, -entity.length, _TYPE_PRIORITY.get(entity.type, 9))


def strip_entities(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Trim the whitespace Telegram trims around a message, moving and clipping entities."""
    stripped = text.strip(" \t\r\n")
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip(" \t\r\n"))])
    end = lead + utf16_len(stripped)
    moved: list[Entity] = []
    for entity in entities:
        start = max(entity.offset, lead)
        stop = min(entity.offset + entity.length, end)
        if stop > start:
            moved.append(
                Entity(
                    entity.type,
                    start - lead,
                    stop - start,
                    entity.url,
                    entity.language,
                    entity.custom_emoji_id,
                )
            )
    return stripped, moved


def parse_html(html: str) -> tuple[str, list[Entity]]:
    """Plain text and entities of an HTML-formatted message, as Telegram computes them.

    Raises ``HtmlParseError`` with Telegram's message for what Telegram refuses.
    """
    if "<" not in html and "&" not in html:
        return strip_entities(html, [])
    text, entities = _Parser(html).run()
    entities.sort(key=_sort_key)
    return strip_entities(text, _drop_nested_in_code(entities))
