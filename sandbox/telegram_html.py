"""Telegram's HTML parse mode: text plus entities, with Telegram's rules and error texts.

A port of the parser Telegram's servers run (tdlib's ``parse_html``): the same tag set,
the same four named character references plus numeric ones, the same error messages
(the part after ``can't parse entities: ``), and entity offsets and lengths counted in
UTF-16 code units. The sandbox Bot API server answers with it, and tests use it to say
what a reader sees. Pure and allocation-light: it runs on the sandbox's hot path.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any, NamedTuple

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
_TRIMMED = " \t\r\n"  # what Telegram trims around a message
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_NAME_TOKEN = re.compile(r"[A-Za-z0-9.\-]*")
# A character reference as tdlib reads it: the ';' is optional, only a lowercase 'x' starts
# a hexadecimal one, and the name is every letter that follows.
_REFERENCE = re.compile(r"&(?:#x([0-9a-fA-F]*)|#([0-9]*)|([A-Za-z]*));?")
_SURROGATE = re.compile("[\ud800-\udfff]")
SURROGATE_MESSAGE = (
    "Text contains invalid Unicode characters after decoding HTML entities, check for "
    "unmatched surrogate code units"
)
# Fast paths for the common shapes; anything else takes the character-by-character path
# that reproduces Telegram's error messages.
_TOKEN = re.compile(r"<(/?)([A-Za-z][A-Za-z-]*)>|&(lt|gt|amp|quot)(?![A-Za-z]);?|[<&]")
_SPACE_IN_URL = re.compile(r"[ \t\r\n\0\v]")
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


class Entity(NamedTuple):
    """One message entity; ``offset`` and ``length`` are in UTF-16 code units. Immutable
    (a tuple: cheap to build, which the sandbox's hot path needs)."""

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
    """The character a reference at ``index`` stands for, and the index after it; None when
    Telegram does not decode it (the ``&`` is then kept literally). A lone surrogate is
    decoded, and refused once the whole text is read, as Telegram does."""
    match = _REFERENCE.match(html, index)
    if match is None:
        return None
    hexadecimal, decimal, name = match.groups()
    if name is not None:
        char = _NAMED_REFERENCES.get(name)
        return None if char is None else (char, match.end())
    digits, prefix, base = (
        (hexadecimal, 3, 16) if hexadecimal is not None else (decimal or "", 2, 10)
    )
    if not digits or prefix + len(digits) >= 10:
        return None
    code = int(digits, base)
    if code == 0 or code >= 0x10FFFF:
        return None
    return chr(code), match.end()


def _replace_reference(match: re.Match[str]) -> str:
    """``re.sub`` callback: a reference decoded, or kept as written when Telegram would."""
    decoded = _decode_reference(match.string, match.start())
    return match.group() if decoded is None else decoded[0]


def _normalise_url(url: str) -> str | None:
    """The link Telegram stores for an ``href``, or None when Telegram drops the link."""
    url = url.strip()
    if not url or _SPACE_IN_URL.search(url):
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
    offset: int  # code points of text before the tag


class _Parser:
    """One pass over the HTML; ``run`` returns the plain text and the entities."""

    def __init__(self, html: str) -> None:
        self.html = html
        self.chunks: list[str] = []
        # Characters emitted so far. Offsets are code points while parsing (cheap) and
        # converted to UTF-16 units once at the end.
        self.offset = 0
        self.open: list[_Open] = []
        self.entities: list[Entity] = []

    def emit(self, chunk: str) -> None:
        self.chunks.append(chunk)
        self.offset += len(chunk)

    def run(self) -> tuple[str, list[Entity]]:
        html = self.html
        size = len(html)
        chunks = self.chunks
        opened = self.open
        i = 0
        while i < size:
            token = _TOKEN.search(html, i)
            if token is None:
                self.emit(html[i:])
                break
            start = token.start()
            if start > i:
                self.emit(html[i:start])
            tag = token.group(2)
            if tag is not None:  # <name> or </name> without attributes
                name = tag.lower()
                if token.group(1):
                    if opened and opened[-1].name == name:
                        self.close(opened.pop())
                        i = token.end()
                    else:
                        i = self.end_tag(start)
                elif name in _SUPPORTED_TAGS and name != "span":
                    opened.append(_Open(name, "", self.offset))
                    i = token.end()
                else:
                    i = self.start_tag(start)
            elif token.group(3) is not None:  # one of the four named references
                char = _NAMED_REFERENCES[token.group(3)]
                chunks.append(char)
                self.offset += 1
                i = token.end()
            elif html[start] == "&":
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
        if opened:
            raise HtmlParseError(
                f'Can\'t find end tag corresponding to start tag "{opened[-1].name}"'
            )
        text = "".join(chunks)
        if _SURROGATE.search(text):
            raise HtmlParseError(SURROGATE_MESSAGE)
        return text, self.entities

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
            if i >= len(html):
                raise HtmlParseError(
                    f'Unclosed start tag "{name}" at byte offset {_byte_offset(html, begin)}'
                )
            if html[i] != "=":
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
                    f'Unclosed start tag "{name}" at byte offset {_byte_offset(html, begin)}'
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
        self.open.append(_Open(name, argument, self.offset))
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
        end = html.find(quote, i + 1)
        value = html[i + 1 :] if end < 0 else html[i + 1 : end]
        if "&" in value:
            value = _REFERENCE.sub(_replace_reference, value)
        return value, len(html) if end < 0 else end + 1

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
        self.close(self.open.pop())
        return i + 1

    def close(self, opened: _Open) -> None:
        """An end tag matched ``opened``: add its entity unless it is empty."""
        if self.offset > opened.offset:
            self.close_entity(opened, self.offset - opened.offset)

    def close_entity(self, opened: _Open, length: int) -> None:
        name, offset = opened.name, opened.offset
        if name in _SIMPLE_TAGS:
            language = opened.argument if name == "code" and opened.argument else None
            self.entities.append(Entity(_SIMPLE_TAGS[name], offset, length, language=language))
        elif name == "a":
            href = opened.argument or "".join(self.chunks)[opened.offset :]
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
        elif name == "tg-emoji":
            emoji_id = opened.argument
            if not (emoji_id.isascii() and emoji_id.isdigit()) or not 0 < int(emoji_id) < 2**63:
                raise HtmlParseError("Invalid custom emoji identifier specified")
            self.entities.append(Entity("custom_emoji", offset, length, custom_emoji_id=emoji_id))


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


def _clip(entities: list[Entity], lead: int, end: int) -> list[Entity]:
    """Entities moved back by ``lead`` units and cut to ``[lead, end)``; empty ones go."""
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
    return moved


def strip_entities(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Trim the whitespace Telegram trims around a message, moving and clipping entities
    (whose offsets are UTF-16 units)."""
    stripped = text.strip(_TRIMMED)
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip(_TRIMMED))])
    return stripped, _clip(entities, lead, lead + utf16_len(stripped))


def _to_utf16(text: str, entities: list[Entity]) -> list[Entity]:
    """Entities with code point offsets into ``text`` re-expressed in UTF-16 units: each
    astral character (emoji...) before a boundary adds one unit."""
    if text.isascii() or not entities:
        return entities
    astral = [match.start() for match in _ASTRAL.finditer(text)]
    if not astral:
        return entities
    converted: list[Entity] = []
    for entity in entities:
        start = entity.offset + bisect_left(astral, entity.offset)
        end_point = entity.offset + entity.length
        end = end_point + bisect_left(astral, end_point)
        converted.append(
            Entity(
                entity.type,
                start,
                end - start,
                entity.url,
                entity.language,
                entity.custom_emoji_id,
            )
        )
    return converted


def parse_html(html: str) -> tuple[str, list[Entity]]:
    """Plain text and entities of an HTML-formatted message, as Telegram computes them.

    Raises ``HtmlParseError`` with Telegram's message for what Telegram refuses.
    """
    if "<" not in html and "&" not in html:
        return html.strip(_TRIMMED), []
    text, entities = _Parser(html).run()
    entities.sort(key=_sort_key)
    entities = _drop_nested_in_code(entities)
    stripped = text.strip(_TRIMMED)
    if stripped != text:
        lead = len(text) - len(text.lstrip(_TRIMMED))
        entities = _clip(entities, lead, lead + len(stripped))
    return stripped, _to_utf16(stripped, entities)
