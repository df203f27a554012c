"""Reading digests: /today, /item, /date, /category, /categories, /archive, /unread and
"mark all read". Opening an item marks it read."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.digest.categories import CategoryRules
from bot.digest.model import Digest, Item
from bot.services.days import parse_day, today_in
from bot.services.memo import Memo
from bot.services.reader import Reader
from bot.services.refusal import Refused
from bot.services.subscriptions import language_of
from bot.store.digests import DigestArchive
from bot.store.reads import ReadState
from bot.store.subscriber import Subscriber
from bot.store.subscribers import SubscriberStore

UNREAD_DAYS = 7
ARCHIVE_SIZE = 14


@dataclass(frozen=True)
class DigestResult:
    """A whole digest to show; ``is_today`` is False when today's is not out yet and this
    is the latest one instead."""

    lang: str
    digest: Digest
    today: str
    is_today: bool
    full: bool


@dataclass(frozen=True)
class ItemResult:
    """One item, already marked read for the chat."""

    lang: str
    digest: Digest
    item: Item


@dataclass(frozen=True)
class CategoryResult:
    """The items of one category in one digest."""

    lang: str
    digest: Digest
    category: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class CategoriesResult:
    """Every category of a digest with how many items it holds."""

    lang: str
    digest: Digest
    counts: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class ArchiveResult:
    """The most recent digest dates, newest first."""

    lang: str
    dates: tuple[str, ...]


@dataclass(frozen=True)
class UnreadEntry:
    """One unread item and the date of its digest."""

    date: str
    item: Item


@dataclass(frozen=True)
class UnreadResult:
    """What the chat has not opened in the last ``days`` days, newest digest first."""

    lang: str
    days: int
    entries: tuple[UnreadEntry, ...]


@dataclass(frozen=True)
class MarkedResult:
    """How many items "mark all read" marked."""

    lang: str
    count: int
    days: int


class ReadingService:
    """Everything a reader reads. Methods take what the reader typed as text, so a bad
    number or date is refused here, in the reader's language (``Refused``)."""

    def __init__(
        self,
        *,
        archive: DigestArchive,
        reads: ReadState,
        subscribers: SubscriberStore,
        rules: CategoryRules,
        timezone: ZoneInfo,
        clock: Callable[[], datetime],
    ) -> None:
        self._archive = archive
        self._reads = reads
        self._subscribers = subscribers
        self._rules = rules
        self._timezone = timezone
        self._clock = clock
        # Parsed digests by content hash: a hit costs one small HGET instead of fetching
        # and parsing the whole JSON, and a correction (new hash) is never served stale.
        self._parsed: Memo[str, Digest] = Memo(16)

    async def _load(self, day: str) -> Digest | None:
        """The current digest of ``day``, parsed at most once per version."""
        content_hash = await self._archive.current_hash(day)
        if content_hash is None:
            return None
        cached = self._parsed.get(content_hash)
        if cached is not None:
            return cached
        digest = await self._archive.load(day)
        return None if digest is None else self._parsed.put(digest.content_hash, digest)

    async def _latest(self) -> Digest | None:
        newest = await self._archive.dates(1)
        return await self._load(newest[0]) if newest else None

    async def _who(self, reader: Reader) -> tuple[str, Subscriber | None]:
        subscriber = await self._subscribers.get(reader.chat_id)
        return language_of(subscriber, reader), subscriber

    def _today(self) -> str:
        """Today in BOT_TIMEZONE: the publishing calendar, the same for every reader."""
        return today_in(self._timezone, self._clock).isoformat()

    async def _digest(self, lang: str, day_text: str | None) -> Digest:
        """The digest of ``day_text`` (typed by the reader), else today's, else the latest."""
        if day_text is None:
            latest = await self._load(self._today()) or await self._latest()
            if latest is None:
                raise Refused(lang, "digest.none")
            return latest
        day = parse_day(day_text)
        if day is None:
            raise Refused(lang, "date.invalid", text=day_text)
        digest = await self._load(day.isoformat())
        if digest is None:
            raise Refused(lang, "date.missing", date=day.isoformat())
        return digest

    async def today(self, reader: Reader, *, full: bool = False) -> DigestResult:
        """Today's digest, or the latest when today's is not out yet."""
        lang, subscriber = await self._who(reader)
        today = self._today()
        digest = await self._digest(lang, None)
        wants_full = full or (subscriber is not None and subscriber.format == "full")
        return DigestResult(lang, digest, today, digest.date == today, wants_full)

    async def digest_on(
        self, reader: Reader, day_text: str | None, *, full: bool = False
    ) -> DigestResult:
        """The digest of the date the reader typed (or tapped in /archive)."""
        lang, subscriber = await self._who(reader)
        if day_text is None:
            raise Refused(lang, "date.usage")
        digest = await self._digest(lang, day_text)
        wants_full = full or (subscriber is not None and subscriber.format == "full")
        return DigestResult(lang, digest, self._today(), True, wants_full)

    async def open_item(
        self, reader: Reader, number_text: str | None, day_text: str | None = None
    ) -> ItemResult:
        """Item ``number_text`` of the digest of ``day_text`` (default: the latest), marked
        read."""
        lang, _ = await self._who(reader)
        if number_text is None:
            raise Refused(lang, "item.usage")
        number = _positive_int(number_text)
        if number is None:
            raise Refused(lang, "item.not_a_number", text=number_text)
        digest = await self._digest(lang, day_text)
        item = digest.item(number)
        if item is None:
            raise Refused(
                lang, "item.missing", date=digest.date, total=len(digest.items), number=number
            )
        await self._reads.mark_read(reader.chat_id, digest.date, number)
        return ItemResult(lang, digest, item)

    async def category(
        self, reader: Reader, name: str | None, day_text: str | None = None
    ) -> CategoryResult:
        """The items of the category ``name`` (any alias, any case)."""
        lang, _ = await self._who(reader)
        digest = await self._digest(lang, day_text)
        if not name:
            example = digest.categories[0] if digest.categories else "AI"
            raise Refused(lang, "category.usage", example=example)
        category = self._rules.resolve(name, digest)
        if category is None:
            known = "、".join(digest.categories) if lang == "zh" else ", ".join(digest.categories)
            closest = self._rules.closest(name, digest)
            if closest is None:
                raise Refused(lang, "category.unknown_no_guess", name=name, known=known)
            raise Refused(lang, "category.unknown", name=name, closest=closest, known=known)
        items = tuple(item for item in digest.items if category in item.categories)
        return CategoryResult(lang, digest, category, items)

    async def category_at(self, reader: Reader, day: str, index: int) -> CategoryResult:
        """A /categories button: the ``index``-th category of the digest of ``day``."""
        lang, _ = await self._who(reader)
        digest = await self._digest(lang, day)
        if not 0 <= index < len(digest.categories):
            raise Refused(lang, "callback.invalid")
        category = digest.categories[index]
        items = tuple(item for item in digest.items if category in item.categories)
        return CategoryResult(lang, digest, category, items)

    async def categories(self, reader: Reader, day_text: str | None = None) -> CategoriesResult:
        """The categories of a digest (default: the latest) and their item counts."""
        lang, _ = await self._who(reader)
        digest = await self._digest(lang, day_text)
        counts = tuple(
            (name, sum(1 for item in digest.items if name in item.categories))
            for name in digest.categories
        )
        return CategoriesResult(lang, digest, counts)

    async def known_categories(self) -> tuple[str, ...]:
        """The categories a reader can choose to receive: those of today's digest (else the
        latest), by their canonical names (an editor may write an alias such as
        ``hardware``)."""
        digest = await self._load(self._today()) or await self._latest()
        if digest is None:
            return ()
        return tuple(dict.fromkeys(self._rules.canonical(name) for name in digest.categories))

    async def archive(self, reader: Reader) -> ArchiveResult:
        """The most recent digest dates."""
        lang, _ = await self._who(reader)
        dates = await self._archive.dates(ARCHIVE_SIZE)
        if not dates:
            raise Refused(lang, "digest.none")
        return ArchiveResult(lang, tuple(dates))

    async def _recent(self) -> list[Digest]:
        """The digests of the last ``UNREAD_DAYS`` days, newest first."""
        today = today_in(self._timezone, self._clock)
        oldest = (today - timedelta(days=UNREAD_DAYS - 1)).isoformat()
        digests: list[Digest] = []
        # Newest first; a digest dated after today (an editor publishing ahead) waits.
        for day in await self._archive.dates(UNREAD_DAYS + 7):
            if oldest <= day <= today.isoformat():
                digest = await self._load(day)
                if digest is not None:
                    digests.append(digest)
        return digests

    async def unread(self, reader: Reader) -> UnreadResult:
        """The items of the last 7 days' digests the chat has not opened."""
        lang, _ = await self._who(reader)
        digests = {digest.date: digest for digest in await self._recent()}
        unread = await self._reads.unread_recent(
            reader.chat_id,
            {day: [item.number for item in digest.items] for day, digest in digests.items()},
        )
        entries = tuple(
            UnreadEntry(day, item)
            for day, digest in digests.items()
            for item in digest.items
            if item.number in unread.get(day, ())
        )
        return UnreadResult(lang, UNREAD_DAYS, entries)

    async def mark_all_read(self, reader: Reader) -> MarkedResult:
        """Mark every item of the last 7 days' digests read."""
        lang, _ = await self._who(reader)
        count = 0
        for digest in await self._recent():
            numbers: Sequence[int] = [item.number for item in digest.items]
            count += await self._reads.mark_all_read(reader.chat_id, digest.date, numbers)
        return MarkedResult(lang, count, UNREAD_DAYS)


def _positive_int(text: str) -> int | None:
    """``text`` as a positive item number (ASCII digits only), else None."""
    text = text.strip().removeprefix("#")
    if not text.isascii() or not text.isdigit() or len(text) > 6:
        return None
    number = int(text)
    return number if number > 0 else None
