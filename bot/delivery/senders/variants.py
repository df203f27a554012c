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
from bot.render.message import RenderedMessage
from bot.store.digest_cache import DigestCache
from bot.store.ledger import Variant
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
    variant: Variant | None = None  # what they were rendered as (the ledger keeps it)


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

    @property
    def rules(self) -> CategoryRules:
        """The category rules a reader's categories are matched with."""
        return self._rules

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


def reader_variant(subscriber: Subscriber) -> Variant:
    """What a reader's messages are rendered as now: their format, language, categories
    and keyword filter."""
    categories = tuple(sorted(subscriber.categories))
    return Variant(subscriber.format, subscriber.language, categories, subscriber.keywords)


def _render(
    digest: Digest,
    subscriber: Subscriber,
    categories: tuple[str, ...],
    keywords: tuple[str, ...],
    rules: CategoryRules,
) -> Content:
    variant = Variant(subscriber.format, subscriber.language, categories, keywords)
    rendered = render_variant(digest, variant, rules)
    return Content(tuple(m.api_params() for m in rendered), digest.content_hash, variant)


def filtered(digest: Digest, variant: Variant, rules: CategoryRules) -> Digest:
    """The digest with only the items the variant's categories and keywords let through."""
    restricted = restrict(digest, variant.categories, rules)
    if variant.keywords:
        kept = KeywordFilter.from_stored(variant.keywords).keep(restricted.items)
        restricted = dataclasses.replace(restricted, items=kept)
    return restricted


def note_of(digest: Digest, restricted: Digest, variant: Variant) -> RenderedMessage | None:
    """The filter note of a restricted digest; None when every item passed."""
    if len(restricted.items) >= len(digest.items):
        return None
    shown, total = len(restricted.items), len(digest.items)
    return filter_note(
        variant.language, digest.date, shown, total, variant.categories, variant.keywords
    )


def render_items(restricted: Digest, variant: Variant) -> list[RenderedMessage]:
    """The messages of the items that passed, in the variant's format and language."""
    if not restricted.items:
        return []
    if variant.format == "full":
        return render_full(restricted, variant.language)
    return [render_compact(restricted, variant.language)]


def render_variant(digest: Digest, variant: Variant, rules: CategoryRules) -> list[RenderedMessage]:
    """Exactly the messages a reader of ``variant`` gets for ``digest`` (what a correction
    re-renders to find the messages that change)."""
    restricted = filtered(digest, variant, rules)
    rendered = render_items(restricted, variant)
    note = note_of(digest, restricted, variant)
    return rendered if note is None else with_note(rendered, note)
