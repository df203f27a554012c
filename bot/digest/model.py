"""The parsed digest: frozen values that round-trip exactly through JSON (Redis keeps them)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any

# Bumped when the JSON shape changes, so an old process refuses a digest it cannot read.
JSON_VERSION = 1


class DigestJsonError(ValueError):
    """Stored digest JSON that is not a digest this version can read."""


@dataclass(frozen=True)
class Item:
    """One numbered item. ``summary`` paragraphs keep their inline Markdown (bold, links)."""

    number: int
    title: str
    url: str | None
    summary: tuple[str, ...]
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Commentary:
    """The editor's commentary after the items: its heading and paragraphs (inline Markdown)."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Digest:
    """One day's digest. ``date`` (YYYY-MM-DD in the digest's own offset) is its identity.

    ``content_hash`` is the sha256 of everything a reader sees (not ``source`` nor
    ``published_at``), so a corrected item changes it. Build with ``Digest.build`` to get it
    computed.
    """

    date: str
    title: str
    categories: tuple[str, ...]
    intro: tuple[str, ...]
    items: tuple[Item, ...]
    commentary: Commentary | None
    content_hash: str
    source: str
    published_at: str | None = field(default=None)

    @classmethod
    def build(
        cls,
        *,
        date: str,
        title: str,
        categories: tuple[str, ...],
        intro: tuple[str, ...],
        items: tuple[Item, ...],
        commentary: Commentary | None,
        source: str,
        published_at: str | None = None,
    ) -> Digest:
        """A digest with its ``content_hash`` computed."""
        digest = cls(
            date=date,
            title=title,
            categories=categories,
            intro=intro,
            items=items,
            commentary=commentary,
            content_hash="",
            source=source,
            published_at=published_at,
        )
        return replace(digest, content_hash=digest.compute_hash())

    def compute_hash(self) -> str:
        """sha256 hex of the canonical JSON of what readers see."""
        content = _to_dict(self)
        for volatile in ("content_hash", "source", "published_at", "version"):
            content.pop(volatile, None)
        canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def item(self, number: int) -> Item | None:
        """The item numbered ``number``, or None."""
        if 1 <= number <= len(self.items) and self.items[number - 1].number == number:
            return self.items[number - 1]
        return next((item for item in self.items if item.number == number), None)

    def to_json(self) -> str:
        """Compact JSON that ``Digest.from_json`` turns back into an equal digest."""
        return json.dumps(_to_dict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> Digest:
        """The digest ``to_json`` wrote; ``DigestJsonError`` for anything else."""
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("version") != JSON_VERSION:
                raise DigestJsonError(f"not a version {JSON_VERSION} digest")
            commentary = data["commentary"]
            return cls(
                date=_str(data["date"]),
                title=_str(data["title"]),
                categories=_strs(data["categories"]),
                intro=_strs(data["intro"]),
                items=tuple(
                    Item(
                        number=_int(raw["number"]),
                        title=_str(raw["title"]),
                        url=None if raw["url"] is None else _str(raw["url"]),
                        summary=_strs(raw["summary"]),
                        categories=_strs(raw["categories"]),
                    )
                    for raw in data["items"]
                ),
                commentary=None
                if commentary is None
                else Commentary(_str(commentary["heading"]), _strs(commentary["paragraphs"])),
                content_hash=_str(data["content_hash"]),
                source=_str(data["source"]),
                published_at=None if data["published_at"] is None else _str(data["published_at"]),
            )
        except DigestJsonError:
            raise
        except (ValueError, KeyError, TypeError) as error:
            raise DigestJsonError(f"stored digest is malformed: {error!r}") from error


def _to_dict(digest: Digest) -> dict[str, Any]:
    commentary = digest.commentary
    return {
        "version": JSON_VERSION,
        "date": digest.date,
        "title": digest.title,
        "categories": list(digest.categories),
        "intro": list(digest.intro),
        "items": [
            {
                "number": item.number,
                "title": item.title,
                "url": item.url,
                "summary": list(item.summary),
                "categories": list(item.categories),
            }
            for item in digest.items
        ],
        "commentary": None
        if commentary is None
        else {"heading": commentary.heading, "paragraphs": list(commentary.paragraphs)},
        "content_hash": digest.content_hash,
        "source": digest.source,
        "published_at": digest.published_at,
    }


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def _strs(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list of strings, got {value!r}")
    return tuple(_str(v) for v in value)
