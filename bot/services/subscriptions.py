"""Subscribing, unsubscribing and the reader's settings (/start, /stop, /settings, /time,
/tz, /format, /lang and the settings buttons)."""

from __future__ import annotations

import dataclasses
import enum
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.digest.keywords import BadFilter, parse_filter
from bot.i18n import normalize_language
from bot.services.errors import InvalidSetting, NotSubscribed
from bot.services.reader import Reader
from bot.services.refusal import Refused
from bot.services.zones import read_zone, zone_from_token
from bot.store.clock import Clock, utc_now
from bot.store.subscriber import Language, Subscriber
from bot.store.subscribers import SubscriberStore

# The time zones offered as buttons (any other IANA name works with /tz). Buttons carry
# the index, so only append: an old button must keep meaning the same zone.
COMMON_ZONES: tuple[str, ...] = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
    "UTC",
)
# The push times offered as buttons, in minutes after midnight.
COMMON_TIMES: tuple[int, ...] = (360, 420, 450, 480, 540, 720, 1080, 1260)

# What readers may type for each format and language.
_FORMATS = {"compact": "compact", "简洁": "compact", "short": "compact", "full": "full"}
_FORMATS |= {"完整": "full", "全文": "full", "long": "full"}
_LANGUAGES = {"zh": "zh", "cn": "zh", "中文": "zh", "chinese": "zh"}
_LANGUAGES |= {"en": "en", "english": "en", "英文": "en", "英语": "en"}

# Which interface string explains a refused value of each subscriber field.
_INVALID_KEYS = {
    "tz": "tz.invalid",
    "time": "time.invalid",
    "format": "format.usage",
    "language": "lang.usage",
    "categories": "callback.invalid",
    "keywords": "filter.usage",
}
# What readers type to switch their keyword filter off.
_FILTER_OFF = frozenset({"off", "clear", "none", "reset", "关闭", "清除", "取消", "无"})

KnownCategories = Callable[[], Awaitable[tuple[str, ...]]]


class StartOutcome(enum.Enum):
    """What /start did."""

    NEW = "new"
    RESUMED = "resumed"
    ALREADY = "already"


@dataclass(frozen=True)
class StartResult:
    """/start: the record after subscribing, and whether it was new, resumed or active."""

    lang: str
    subscriber: Subscriber
    outcome: StartOutcome


@dataclass(frozen=True)
class StopResult:
    """/stop: ``was_subscribed`` is False when there was nothing to stop."""

    lang: str
    was_subscribed: bool


@dataclass(frozen=True)
class SettingsResult:
    """The chat's settings (None before its first /start) and the categories it can pick."""

    lang: str
    subscriber: Subscriber | None
    known_categories: tuple[str, ...] = ()
    # The UTC offset the reader typed when their zone became a fixed-offset one (UTC+8 is
    # stored as Etc/GMT-8), so the answer can say what was saved and why it reads so.
    fixed_offset: str | None = None


@dataclass(frozen=True)
class FilterResult:
    """/filter: the reader's keyword filter (``+word`` / ``-word``; empty = none) and
    whether this request changed it."""

    lang: str
    terms: tuple[str, ...]
    changed: bool


@dataclass(frozen=True)
class ZoneChoice:
    """/tz with a city or a near miss: the zones it may mean, for the reader to tap."""

    lang: str
    typed: str
    zones: tuple[str, ...]


def language_of(subscriber: Subscriber | None, reader: Reader) -> str:
    """The chat's chosen language, else the one its sender's Telegram app uses."""
    if subscriber is not None:
        return subscriber.language
    return normalize_language(reader.language_code)


def clock_text(minutes: int) -> str:
    """Minutes after midnight as HH:MM."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class SubscriptionService:
    """One method per reader action on their subscription; each returns a plain result or
    raises ``Refused`` with the reason in the reader's language. ``known_categories``
    says which categories a reader can choose from (those of the latest digest)."""

    def __init__(
        self,
        subscribers: SubscriberStore,
        known_categories: KnownCategories,
        *,
        clock: Clock = utc_now,
    ) -> None:
        self._subscribers = subscribers
        self._known_categories = known_categories
        self._clock = clock

    async def language(self, reader: Reader) -> str:
        """The interface language to answer ``reader`` in."""
        return language_of(await self._subscribers.get(reader.chat_id), reader)

    async def start(self, reader: Reader) -> StartResult:
        """Subscribe, or resume a stopped subscription with its old settings."""
        before = await self._subscribers.get(reader.chat_id)
        language: Language = "en" if normalize_language(reader.language_code) == "en" else "zh"
        subscriber, created = await self._subscribers.subscribe(
            reader.chat_id, language=language, thread_id=reader.thread_id
        )
        if created:
            outcome = StartOutcome.NEW
        elif before is not None and before.status != "active":
            outcome = StartOutcome.RESUMED
        else:
            outcome = StartOutcome.ALREADY
        return StartResult(subscriber.language, subscriber, outcome)

    async def stop(self, reader: Reader) -> StopResult:
        """Unsubscribe; the settings stay for a later /start."""
        before = await self._subscribers.get(reader.chat_id)
        lang = language_of(before, reader)
        if before is None or before.status == "stopped":
            return StopResult(lang, was_subscribed=False)
        await self._subscribers.unsubscribe(reader.chat_id)
        return StopResult(lang, was_subscribed=True)

    async def bot_removed(self, reader: Reader) -> None:
        """The chat blocked the bot (or a group removed it, or a send was Forbidden): an
        active subscription is marked blocked, so nothing is pushed; a stopped or paused
        one keeps its status, so coming back restores exactly what the reader chose."""
        subscriber = await self._subscribers.get(reader.chat_id)
        if subscriber is not None and subscriber.status == "active":
            await self._subscribers.mark_blocked(reader.chat_id)

    async def bot_back(self, reader: Reader) -> None:
        """The chat unblocked (or re-added) the bot: a blocked subscription is active
        again."""
        subscriber = await self._subscribers.get(reader.chat_id)
        if subscriber is not None and subscriber.status == "blocked":
            await self._subscribers.resume(reader.chat_id)

    async def settings(self, reader: Reader) -> SettingsResult:
        """The chat's current settings."""
        subscriber = await self._subscribers.get(reader.chat_id)
        known = await self._known_categories()
        return SettingsResult(language_of(subscriber, reader), subscriber, known)

    async def set_time(self, reader: Reader, text: str | None) -> SettingsResult:
        """/time HH:MM."""
        if not text:
            raise Refused(await self.language(reader), "time.usage")
        # NFKC: a Chinese input method types a full-width colon (often full-width digits too).
        typed = unicodedata.normalize("NFKC", text).strip()
        return await self._change(reader, text, push_time=typed)

    async def pick_time(self, reader: Reader, minutes: int) -> SettingsResult:
        """A push-time button (minutes after midnight)."""
        if minutes not in COMMON_TIMES:
            raise Refused(await self.language(reader), "callback.invalid")
        return await self._change(reader, "", push_time=clock_text(minutes))

    async def set_zone(self, reader: Reader, text: str | None) -> SettingsResult | ZoneChoice:
        """/tz NAME: an IANA zone in any case, a UTC offset (stored as the fixed-offset
        ``Etc`` zone), or a city (its zones offered to tap, not guessed)."""
        if not text:
            raise Refused(await self.language(reader), "tz.usage")
        reading = read_zone(text, self._clock())
        if reading.zone is not None:
            result = await self._change(reader, text, tz=reading.zone)
            return dataclasses.replace(result, fixed_offset=reading.fixed_offset)
        lang = await self.language(reader)
        if not reading.suggestions:
            raise Refused(lang, "tz.invalid", text=text.strip())
        await self._existing(reader)  # a zone to tap could only say "send /start first"
        return ZoneChoice(lang, text.strip(), reading.suggestions)

    async def pick_zone_name(self, reader: Reader, token: str) -> SettingsResult:
        """A zone button offered by ``set_zone`` (the zone name in its button form)."""
        name = zone_from_token(token)
        if read_zone(name, self._clock()).zone != name:
            raise Refused(await self.language(reader), "callback.invalid")
        return await self._change(reader, "", tz=name)

    async def pick_zone(self, reader: Reader, index: int) -> SettingsResult:
        """A time-zone button (index into ``COMMON_ZONES``)."""
        if not 0 <= index < len(COMMON_ZONES):
            raise Refused(await self.language(reader), "callback.invalid")
        return await self._change(reader, "", tz=COMMON_ZONES[index])

    async def set_format(self, reader: Reader, text: str | None) -> SettingsResult:
        """/format compact|full."""
        chosen = _FORMATS.get((text or "").strip().lower())
        if chosen is None:
            raise Refused(await self.language(reader), "format.usage")
        return await self._change(reader, text or "", format=chosen)

    async def toggle_format(self, reader: Reader) -> SettingsResult:
        """The format button: compact <-> full."""
        subscriber = await self._existing(reader)
        chosen = "compact" if subscriber.format == "full" else "full"
        return await self._change(reader, "", format=chosen)

    async def set_language(self, reader: Reader, text: str | None) -> SettingsResult:
        """/lang zh|en."""
        chosen = _LANGUAGES.get((text or "").strip().lower())
        if chosen is None:
            raise Refused(await self.language(reader), "lang.usage")
        return await self._change(reader, text or "", language=chosen)

    async def toggle_language(self, reader: Reader) -> SettingsResult:
        """The language button: Chinese <-> English."""
        subscriber = await self._existing(reader)
        chosen = "en" if subscriber.language == "zh" else "zh"
        return await self._change(reader, "", language=chosen)

    async def set_filter(self, reader: Reader, text: str | None) -> FilterResult:
        """/filter +word -word: replace the keyword filter; ``off`` removes it; nothing
        typed shows it."""
        if not text:
            subscriber = await self._subscribers.get(reader.chat_id)
            terms = subscriber.keywords if subscriber is not None else ()
            return FilterResult(language_of(subscriber, reader), terms, changed=False)
        try:
            chosen = () if text.strip().lower() in _FILTER_OFF else parse_filter(text)
        except BadFilter as error:
            raise Refused(await self.language(reader), error.key, **error.params) from None
        result = await self._change(reader, text, keywords=chosen)
        return FilterResult(result.lang, chosen, changed=True)

    async def toggle_category(self, reader: Reader, index: int) -> SettingsResult:
        """A category button (index into the known categories): add it or remove it."""
        subscriber = await self._existing(reader)
        known = await self._known_categories()
        if not 0 <= index < len(known):
            raise Refused(subscriber.language, "callback.invalid")
        name = known[index]
        chosen = [c for c in subscriber.categories if c != name]
        if len(chosen) == len(subscriber.categories):
            chosen.append(name)
        return await self._change(reader, "", categories=chosen)

    async def all_categories(self, reader: Reader) -> SettingsResult:
        """ "All categories": an empty choice means every category."""
        return await self._change(reader, "", categories=())

    async def _existing(self, reader: Reader) -> Subscriber:
        subscriber = await self._subscribers.get(reader.chat_id)
        if subscriber is None:
            raise Refused(language_of(None, reader), "settings.need_start")
        return subscriber

    async def _change(
        self,
        reader: Reader,
        given: str,
        *,
        tz: str | None = None,
        push_time: str | None = None,
        format: str | None = None,
        categories: Sequence[str] | None = None,
        language: str | None = None,
        keywords: Sequence[str] | None = None,
    ) -> SettingsResult:
        """Store the change; a refused value is explained in the reader's language, and a
        chat that never subscribed is told to /start first."""
        try:
            subscriber = await self._subscribers.update(
                reader.chat_id,
                tz=tz,
                push_time=push_time,
                format=format,
                categories=categories,
                language=language,
                keywords=keywords,
            )
        except InvalidSetting as error:
            lang = await self.language(reader)
            key = _INVALID_KEYS.get(error.field, "callback.invalid")
            raise Refused(lang, key, text=given.strip()) from error
        except NotSubscribed as error:
            raise Refused(language_of(None, reader), "settings.need_start") from error
        known = await self._known_categories()
        return SettingsResult(subscriber.language, subscriber, known)
