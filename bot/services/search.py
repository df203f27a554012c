"""/search WORDS over the headlines and summaries of every stored digest, newest first.

Each digest version is parsed and folded once per process and kept in memory (a year of
20-item digests is a few MB); a query then costs two Redis calls (every date, and every
date's current content hash in one script call) to notice new digests and corrections,
and a scan of folded text in memory. Matching is that of keyword filters
(``bot.digest.keywords``): literal, case-insensitive, CJK-aware; every word must occur,
a ``-word`` must not.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.digest.keywords import BadFilter, contains, fold, item_text, parse_filter
from bot.digest.model import Digest, Item
from bot.services.reader import Reader
from bot.services.refusal import Refused
from bot.services.subscriptions import language_of
from bot.store.digests import DigestArchive
from bot.store.subscribers import SubscriberStore

# A search lists this many hits (the message says how many more there are).
MAX_HITS = 20


@dataclass(frozen=True)
class SearchHit:
    """One matching item and the date of its digest."""

    date: str
    item: Item


@dataclass(frozen=True)
class SearchResult:
    """What ``/search`` found: the first hits (newest digest first) and how many in all."""

    lang: str
    query: str
    hits: tuple[SearchHit, ...]
    total: int


@dataclass(frozen=True)
class _Indexed:
    """One digest version: its items with their folded text, and all of that text in one
    string, so a digest without a word is passed over with one substring test."""

    content_hash: str
    items: tuple[tuple[Item, str], ...]
    text: str


def index_digest(digest: Digest) -> _Indexed:
    """A digest as the search scans it."""
    items = tuple((item, item_text(item)) for item in digest.items)
    return _Indexed(digest.content_hash, items, "\n".join(text for _, text in items))


def matching(indexed: _Indexed, include: tuple[str, ...], exclude: tuple[str, ...]) -> list[Item]:
    """The items of ``indexed`` holding every ``include`` term and no ``exclude`` term."""
    if not all(term in indexed.text for term in include):
        return []
    return [
        item
        for item, text in indexed.items
        if all(contains(text, term) for term in include)
        and not any(contains(text, term) for term in exclude)
    ]


def split_query(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Folded (include, exclude) terms of a query; ``BadFilter`` for an unusable one."""
    terms = parse_filter(text)
    include = tuple(fold(term[1:]) for term in terms if term[0] == "+")
    exclude = tuple(fold(term[1:]) for term in terms if term[0] == "-")
    return include, exclude


class SearchService:
    """The archive, searchable; the in-memory index follows the stored versions."""

    def __init__(self, archive: DigestArchive, subscribers: SubscriberStore) -> None:
        self._archive = archive
        self._subscribers = subscribers
        self._index: dict[str, _Indexed] = {}

    async def _current(self) -> list[tuple[str, _Indexed]]:
        """Every stored digest, newest first, indexed; a date whose version changed
        since (a correction) is re-read, one that is gone is dropped."""
        dates = await self._archive.all_dates()
        hashes = await self._archive.current_hashes(dates)
        current: list[tuple[str, _Indexed]] = []
        for day, content_hash in zip(dates, hashes, strict=True):
            indexed = self._index.get(day)
            if content_hash is None:
                continue
            if indexed is None or indexed.content_hash != content_hash:
                digest = await self._archive.load(day)
                if digest is None:
                    continue
                indexed = self._index[day] = index_digest(digest)
            current.append((day, indexed))
        for gone in set(self._index) - {day for day, _ in current}:
            del self._index[gone]
        return current

    async def latest(self, reader: Reader) -> SearchResult:
        """The items of the newest stored digest, as hits (inline mode with nothing
        typed yet)."""
        lang = language_of(await self._subscribers.get(reader.chat_id), reader)
        current = await self._current()
        if not current:
            return SearchResult(lang, "", (), 0)
        day, indexed = current[0]
        hits = tuple(SearchHit(day, item) for item, _ in indexed.items[:MAX_HITS])
        return SearchResult(lang, "", hits, len(indexed.items))

    async def search(self, reader: Reader, text: str | None) -> SearchResult:
        """The items whose headline or summary holds every word of ``text``."""
        lang = language_of(await self._subscribers.get(reader.chat_id), reader)
        if not text or not text.strip():
            raise Refused(lang, "search.usage")
        try:
            include, exclude = split_query(text)
        except BadFilter as error:
            raise Refused(lang, error.key, **error.params) from None
        if not include:
            raise Refused(lang, "search.usage")
        hits: list[SearchHit] = []
        total = 0
        for day, indexed in await self._current():
            found = matching(indexed, include, exclude)
            total += len(found)
            room = MAX_HITS - len(hits)
            hits.extend(SearchHit(day, item) for item in found[:room])
        return SearchResult(lang, " ".join(text.split()), tuple(hits), total)
