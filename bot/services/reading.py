"""Reading digests: /today, /item, /date, /category, /categories, /archive, /unread and
"mark all read". Opening an item marks it read."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.digest.categories import CategoryRules
from bot.digest.keywords import KeywordFilter
from bot.digest.model import Digest, Item
from bot.services.days import BadDay, read_day, today_in
from bot.services.reader import Reader
from bot.services.refusal import Refused
from bot.services.subscriptions import language_of
from bot.store.digest_cache import DigestCache
from bot.store.digests import DigestArchive
from bot.store.reads import ReadState
from bot.store.subscriber import Subscriber
from bot.store.subscribers import SubscriberStore

UNREAD_DAYS = 7
ARCHIVE_SIZE = 14
# How many stored dates the "latest digest on or before today" fallback looks through.
LATEST_LOOKBACK = 8
# The recent digests whose categories a reader can choose from in /settings.
CATEGORY_DIGESTS = 14


@dataclass(frozen=True)
class _Asking:
    """Who asks: their interface language, their record (None before /start) and their
    own today."""

    lang: str
    subscriber: Subscriber | None
    today: date

    def full(self, asked: bool) -> bool:
        """Whether to send the whole digest: asked for, or the reader's chosen format."""
        return asked or (self.subscriber is not None and self.subscriber.format == "full")


@dataclass(frozen=True)
class FilterNote:
    """A digest shown through the reader's keyword filter: ``shown`` of ``total`` items
    passed ``terms``."""

    shown: int
    total: int
    terms: tuple[str, ...]


@dataclass(frozen=True)
class DigestResult:
    """A whole digest to show; ``is_today`` is False when today's is not out yet and this
    is the latest one instead. ``filtered`` is set when the reader's keyword filter
    left out items (``digest`` then holds only those that passed, maybe none)."""

    lang: str
    digest: Digest
    today: str
    is_today: bool
    full: bool
    filtered: FilterNote | None = None
    renders: DigestCache | None = None  # where views keep what they render from it


@dataclass(frozen=True)
class ItemResult:
    """One item, already marked read for the chat."""

    lang: str
    digest: Digest
    item: Item
    renders: DigestCache | None = None  # where views keep what they render from it


@dataclass(frozen=True)
class CategoryResult:
    """The items of one category in one digest."""

    lang: str
    digest: Digest
    category: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class CategoryCount:
    """One category of a digest: its position in the digest's list (what its button
    carries), its name and how many items it holds."""

    index: int
    name: str
    count: int


@dataclass(frozen=True)
class UnknownCategory:
    """``/category NAME`` named no category of the digest: the closest one (None when
    nothing is close) and every category that holds items, to tap instead."""

    lang: str
    digest: Digest
    name: str
    closest: CategoryCount | None
    known: tuple[CategoryCount, ...]


@dataclass(frozen=True)
class CategoriesResult:
    """The categories of a digest that hold items, with how many each holds."""

    lang: str
    digest: Digest
    counts: tuple[CategoryCount, ...]


@dataclass(frozen=True)
class ArchiveEntry:
    """One stored digest: its date, its title and how many items it has."""

    date: str
    title: str
    items: int


@dataclass(frozen=True)
class ArchiveResult:
    """The most recent digests, newest first, and the reader's own today (for labels)."""

    lang: str
    entries: tuple[ArchiveEntry, ...]
    today: str


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
        cache: DigestCache | None = None,
    ) -> None:
        self._archive = archive
        self.cache = cache if cache is not None else DigestCache(archive)
        self._reads = reads
        self._subscribers = subscribers
        self._rules = rules
        self._timezone = timezone
        self._clock = clock

    async def _load(self, day: str) -> Digest | None:
        """The current digest of ``day``, parsed at most once per version."""
        return await self.cache.current(day)

    async def _who(self, reader: Reader) -> _Asking:
        subscriber = await self._subscribers.get(reader.chat_id)
        return _Asking(language_of(subscriber, reader), subscriber, self._today(subscriber))

    def _today(self, subscriber: Subscriber | None) -> date:
        """Today in the reader's own time zone (``BOT_TIMEZONE`` before they subscribe),
        the calendar the push follows too: a reader in New York at 15:00 on 1 December
        reads the digest of 1 December, whatever the date is in Shanghai."""
        zone = self._timezone if subscriber is None else subscriber.zone
        return today_in(zone, self._clock)

    async def _latest_by(self, today: date) -> Digest | None:
        """The newest digest dated on or before ``today`` (one published ahead, for
        readers already in tomorrow, waits), else the newest of all."""
        dates = await self._archive.dates(LATEST_LOOKBACK)
        past = [day for day in dates if day <= today.isoformat()]
        chosen = past or dates
        return await self._load(chosen[0]) if chosen else None

    async def _digest(self, lang: str, day_text: str | None, today: date) -> Digest:
        """The digest of ``day_text`` (typed by the reader), else today's, else the latest."""
        if day_text is None:
            latest = await self._load(today.isoformat()) or await self._latest_by(today)
            if latest is None:
                raise Refused(lang, "digest.none")
            return latest
        try:
            day = read_day(day_text, today)
        except BadDay as error:
            raise Refused(lang, error.key, **error.params) from None
        digest = await self._load(day.isoformat())
        if digest is None:
            raise Refused(lang, "date.missing", date=day.isoformat())
        return digest

    async def today(self, reader: Reader, *, full: bool = False) -> DigestResult:
        """Today's digest (the reader's own today), or the latest when it is not out yet,
        through the reader's keyword filter."""
        asking = await self._who(reader)
        digest = await self._digest(asking.lang, None, asking.today)
        today = asking.today.isoformat()
        terms = asking.subscriber.keywords if asking.subscriber is not None else ()
        kept = KeywordFilter.from_stored(terms).keep(digest.items) if terms else digest.items
        note = None
        if len(kept) < len(digest.items):
            note = FilterNote(len(kept), len(digest.items), terms)
            digest = dataclasses.replace(digest, items=kept)
        is_today = digest.date == today
        return DigestResult(
            asking.lang, digest, today, is_today, asking.full(full), note, self.cache
        )

    async def digest_on(
        self, reader: Reader, day_text: str | None, *, full: bool = False
    ) -> DigestResult:
        """The digest of the date the reader typed (or tapped in /archive)."""
        asking = await self._who(reader)
        if day_text is None:
            raise Refused(asking.lang, "date.usage")
        digest = await self._digest(asking.lang, day_text, asking.today)
        today = asking.today.isoformat()
        return DigestResult(asking.lang, digest, today, True, asking.full(full), renders=self.cache)

    async def open_item(
        self, reader: Reader, number_text: str | None, day_text: str | None = None
    ) -> ItemResult:
        """Item ``number_text`` of the digest of ``day_text`` (default: today's, else the
        latest), marked read."""
        asking = await self._who(reader)
        lang = asking.lang
        if number_text is None:
            raise Refused(lang, "item.usage")
        number = _positive_int(number_text)
        if number is None:
            raise Refused(lang, "item.not_a_number", text=number_text)
        digest = await self._digest(lang, day_text, asking.today)
        item = digest.item(number)
        if item is None:
            raise Refused(
                lang, "item.missing", date=digest.date, total=len(digest.items), number=number
            )
        await self._reads.mark_read(reader.chat_id, digest.date, number)
        return ItemResult(lang, digest, item, self.cache)

    async def category(
        self, reader: Reader, name: str | None, day_text: str | None = None
    ) -> CategoryResult | UnknownCategory:
        """The items of the category ``name`` (any alias, any case); an unknown name gets
        the closest category and every non-empty one, to tap."""
        asking = await self._who(reader)
        lang = asking.lang
        digest = await self._digest(lang, day_text, asking.today)
        if not name:
            example = digest.categories[0] if digest.categories else "AI"
            raise Refused(lang, "category.usage", example=example)
        category = self._rules.resolve(name, digest)
        if category is None:
            counts = _counts(digest)
            closest = self._rules.closest(name, digest)
            guess = next((c for c in counts if c.name == closest and c.count), None)
            return UnknownCategory(lang, digest, name, guess, tuple(c for c in counts if c.count))
        items = tuple(item for item in digest.items if category in item.categories)
        return CategoryResult(lang, digest, category, items)

    async def category_at(self, reader: Reader, day: str, index: int) -> CategoryResult:
        """A category button: the ``index``-th category of the digest of ``day``."""
        asking = await self._who(reader)
        digest = await self._digest(asking.lang, day, asking.today)
        if not 0 <= index < len(digest.categories):
            raise Refused(asking.lang, "callback.invalid")
        category = digest.categories[index]
        items = tuple(item for item in digest.items if category in item.categories)
        return CategoryResult(asking.lang, digest, category, items)

    async def categories(self, reader: Reader, day_text: str | None = None) -> CategoriesResult:
        """The categories of a digest (default: today's, else the latest) that hold items,
        with their item counts."""
        asking = await self._who(reader)
        digest = await self._digest(asking.lang, day_text, asking.today)
        counts = tuple(count for count in _counts(digest) if count.count)
        return CategoriesResult(asking.lang, digest, counts)

    async def known_categories(self) -> tuple[str, ...]:
        """The categories a reader can choose to receive: every category of the recent
        digests (newest first), by their canonical names (an editor may write an alias
        such as ``hardware``), so a digest that declares one category does not leave one
        choice."""
        names: dict[str, None] = {}
        for day in await self._archive.dates(CATEGORY_DIGESTS):
            digest = await self._load(day)
            if digest is None:
                continue
            for count in _counts(digest):
                if count.count:
                    names.setdefault(self._rules.canonical(count.name))
        return tuple(names)

    async def archive(self, reader: Reader) -> ArchiveResult:
        """The most recent digests (date and title), newest first."""
        asking = await self._who(reader)
        entries: list[ArchiveEntry] = []
        for day in await self._archive.dates(ARCHIVE_SIZE):
            digest = await self._load(day)
            if digest is not None:
                entries.append(ArchiveEntry(day, digest.title, len(digest.items)))
        if not entries:
            raise Refused(asking.lang, "digest.none")
        return ArchiveResult(asking.lang, tuple(entries), asking.today.isoformat())

    async def _recent(self, today: date) -> list[Digest]:
        """The digests of the last ``UNREAD_DAYS`` days up to the reader's ``today``,
        newest first."""
        oldest = (today - timedelta(days=UNREAD_DAYS - 1)).isoformat()
        digests: list[Digest] = []
        # Newest first; a digest dated after today (an editor publishing ahead, or a
        # reader still in yesterday) waits.
        for day in await self._archive.dates(UNREAD_DAYS + 7):
            if oldest <= day <= today.isoformat():
                digest = await self._load(day)
                if digest is not None:
                    digests.append(digest)
        return digests

    async def unread(self, reader: Reader) -> UnreadResult:
        """The items of the last 7 days' digests the chat has not opened."""
        asking = await self._who(reader)
        digests = {digest.date: digest for digest in await self._recent(asking.today)}
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
        return UnreadResult(asking.lang, UNREAD_DAYS, entries)

    async def mark_all_read(self, reader: Reader) -> MarkedResult:
        """Mark every item of the last 7 days' digests read."""
        asking = await self._who(reader)
        count = 0
        for digest in await self._recent(asking.today):
            numbers: Sequence[int] = [item.number for item in digest.items]
            count += await self._reads.mark_all_read(reader.chat_id, digest.date, numbers)
        return MarkedResult(asking.lang, count, UNREAD_DAYS)


def _counts(digest: Digest) -> tuple[CategoryCount, ...]:
    """Every category of ``digest`` with how many items it holds, in the digest's order
    (``index`` is what a category button carries)."""
    return tuple(
        CategoryCount(index, name, sum(1 for item in digest.items if name in item.categories))
        for index, name in enumerate(digest.categories)
    )


def _positive_int(text: str) -> int | None:
    """``text`` as a positive item number (ASCII digits after NFKC, so the full-width
    digits of a Chinese input method count), else None."""
    text = unicodedata.normalize("NFKC", text).strip().removeprefix("#")
    if not text.isascii() or not text.isdigit() or len(text) > 6:
        return None
    number = int(text)
    return number if number > 0 else None
