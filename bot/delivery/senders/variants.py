"""What each subscriber receives: the day's digest, restricted to their categories and
rendered in their format and language, computed once per distinct combination.

A push to 100,000 readers renders a handful of variants, not 100,000 messages. The digest
itself is re-read only when its content hash changes (a correction), checked at most every
``RECHECK_SECONDS``.
"""

from __future__ import annotations

import dataclasses
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Final

from bot.digest.categories import CategoryRules
from bot.digest.model import Digest
from bot.render import render_compact, render_full
from bot.store.digests import DigestArchive
from bot.store.subscriber import Subscriber

RECHECK_SECONDS: Final = 5.0
MAX_VARIANTS: Final = 512


class DigestMissing(LookupError):
    """No digest is stored for the date a task asks for."""


@dataclass(frozen=True)
class Content:
    """The messages for one reader: sendMessage parameters (without ``chat_id``), in order,
    and the hash of the digest version they came from (what the ledger records)."""

    messages: tuple[dict[str, object], ...]
    content_hash: str


def restrict(digest: Digest, categories: tuple[str, ...], rules: CategoryRules) -> Digest:
    """The digest with only the items in ``categories`` (all of them when empty); a name
    matches as in ``/category``: case-insensitively and through aliases (``hardware``)."""
    if not categories:
        return digest
    items = tuple(
        item
        for item in digest.items
        if any(rules.resolve_in(name, item.categories) for name in categories)
    )
    return dataclasses.replace(digest, items=items)


class ContentCache:
    """Digest versions and rendered variants, per process."""

    def __init__(self, archive: DigestArchive, rules: CategoryRules | None = None) -> None:
        self._archive = archive
        self._rules = rules or CategoryRules.default()
        self._digests: dict[str, tuple[Digest, float]] = {}
        self._variants: OrderedDict[tuple[str, str, str, tuple[str, ...]], Content] = OrderedDict()

    async def digest(self, date: str) -> Digest:
        """The current digest of ``date``; ``DigestMissing`` when there is none."""
        cached = self._digests.get(date)
        now = time.monotonic()
        if cached is not None and now - cached[1] < RECHECK_SECONDS:
            return cached[0]
        if cached is not None and await self._archive.current_hash(date) == cached[0].content_hash:
            self._digests[date] = (cached[0], now)
            return cached[0]
        digest = await self._archive.load(date)
        if digest is None:
            raise DigestMissing(f"no digest is stored for {date}")
        self._digests[date] = (digest, now)
        return digest

    async def for_subscriber(self, date: str, subscriber: Subscriber) -> Content | None:
        """The reader's messages for ``date``; None when none of their categories has an
        item that day (nothing to send)."""
        digest = await self.digest(date)
        categories = tuple(sorted(subscriber.categories))
        key = (digest.content_hash, subscriber.format, subscriber.language, categories)
        content = self._variants.get(key)
        if content is None:
            content = _render(digest, subscriber, categories, self._rules)
            self._variants[key] = content
            if len(self._variants) > MAX_VARIANTS:
                self._variants.popitem(last=False)
        else:
            self._variants.move_to_end(key)
        return content if content.messages else None


def _render(
    digest: Digest, subscriber: Subscriber, categories: tuple[str, ...], rules: CategoryRules
) -> Content:
    restricted = restrict(digest, categories, rules)
    if categories and not restricted.items:
        return Content((), digest.content_hash)
    if subscriber.format == "full":
        rendered = render_full(restricted, subscriber.language)
    else:
        rendered = [render_compact(restricted, subscriber.language)]
    return Content(tuple(m.api_params() for m in rendered), digest.content_hash)
