"""What each subscriber receives: the day's digest, restricted to their categories and
keyword filter and rendered in their format and language, computed once per distinct
combination. A restricted digest ends with a note saying so ("6 of 9 items match your
filter", a "show all" button); when nothing passed, the note alone is sent.

A push to 100,000 readers renders a handful of variants, not 100,000 messages. The digest
itself is re-read only when its content hash changes (a correction), checked at most every
``RECHECK_SECONDS``. Both live in the process's one digest cache
(``bot.store.digest_cache``), shared with the readers' side.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Final

from bot.digest.categories import CategoryRules
from bot.digest.keywords import KeywordFilter
from bot.digest.model import Digest
from bot.render import render_compact, render_full
from bot.render.filter_note import filter_note, with_note
from bot.store.digest_cache import DigestCache
from bot.store.subscriber import Subscriber

RECHECK_SECONDS: Final = 5.0


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
    """Each reader's messages, from the process's digest cache: the digest re-checked at
    most every ``RECHECK_SECONDS``, each variant rendered once per digest version."""

    def __init__(self, digests: DigestCache, rules: CategoryRules | None = None) -> None:
        self._digests = digests
        self._rules = rules or CategoryRules.default()

    async def digest(self, date: str) -> Digest:
        """The current digest of ``date``; ``DigestMissing`` when there is none."""
        digest = await self._digests.current(date, max_age=RECHECK_SECONDS)
        if digest is None:
            raise DigestMissing(f"no digest is stored for {date}")
        return digest

    async def for_subscriber(self, date: str, subscriber: Subscriber) -> Content | None:
        """The reader's messages for ``date`` (a filtered digest with its note, or the note
        alone when no item passed); None is kept for a reader with nothing to send."""
        digest = await self.digest(date)
        categories = tuple(sorted(subscriber.categories))
        keywords = subscriber.keywords
        key = (
            "push",
            digest.content_hash,
            subscriber.format,
            subscriber.language,
            categories,
            keywords,
        )
        content = self._digests.rendered(
            key, lambda: _render(digest, subscriber, categories, keywords, self._rules)
        )
        return content if content.messages else None


def _render(
    digest: Digest,
    subscriber: Subscriber,
    categories: tuple[str, ...],
    keywords: tuple[str, ...],
    rules: CategoryRules,
) -> Content:
    restricted = restrict(digest, categories, rules)
    if keywords:
        kept = KeywordFilter.from_stored(keywords).keep(restricted.items)
        restricted = dataclasses.replace(restricted, items=kept)
    lang = subscriber.language
    rendered = []
    if restricted.items:
        if subscriber.format == "full":
            rendered = render_full(restricted, lang)
        else:
            rendered = [render_compact(restricted, lang)]
    if len(restricted.items) < len(digest.items):
        shown, total = len(restricted.items), len(digest.items)
        note = filter_note(lang, digest.date, shown, total, subscriber.categories, keywords)
        rendered = with_note(rendered, note)
    return Content(tuple(m.api_params() for m in rendered), digest.content_hash)
