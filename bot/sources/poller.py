"""The digest poller: asks each source for new or changed digests, stores the valid ones,
and tells the admins (once per distinct set of errors) about the ones that are not."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.delivery.senders.alerts import AdminAlerts
from bot.i18n import DEFAULT_LANGUAGE, plural, t
from bot.sources.found import DigestSource, Found
from bot.store.clock import Clock
from bot.store.digests import DigestArchive

logger = logging.getLogger(__name__)

# An admin alert is one Telegram message: list this many problems, then count the rest.
MAX_LISTED_PROBLEMS = 25
# ... in at most this many UTF-16 units: Telegram refuses a message over 4096, and the
# "and N more" line needs room too.
MAX_ALERT_UTF16 = 3900


@dataclass
class PollReport:
    """What one poll found: dates stored new or changed, and invalid finds."""

    stored: list[str] = field(default_factory=list)
    invalid: list[Found] = field(default_factory=list)


class DigestPoller:
    """Polls every source; ``on_stored(date)`` runs for each new or changed digest."""

    def __init__(
        self,
        sources: Sequence[DigestSource],
        archive: DigestArchive,
        alerts: AdminAlerts,
        clock: Clock,
        timezone: ZoneInfo,
        waiting_dates: Callable[[], Awaitable[list[str]]],
        on_stored: Callable[[str], Awaitable[object]],
        on_held: Callable[[str, str], Awaitable[object]] | None = None,
    ) -> None:
        self._sources = sources
        self._archive = archive
        self._alerts = alerts
        self._clock = clock
        self._timezone = timezone
        self._waiting_dates = waiting_dates
        self._on_stored = on_stored
        self._on_held = on_held

    async def dates_to_poll(self) -> list[date]:
        """Today and yesterday in the bot's time zone, and every date readers wait for
        (a reader far east of the bot may already be on tomorrow)."""
        today = self._clock().astimezone(self._timezone).date()
        dates = [today - timedelta(days=1), today]
        for text in await self._waiting_dates():
            day = date.fromisoformat(text)
            if day not in dates:
                dates.append(day)
        return dates

    async def poll(self) -> PollReport:
        """One round over every source. A failing source is logged and skipped: the others
        still deliver, and the next round tries it again."""
        report = PollReport()
        dates = await self.dates_to_poll()
        for source in self._sources:
            try:
                found = await source.poll(dates)
            except Exception:
                logger.exception("digest source %s failed; trying again next poll", source.name)
                continue
            for item in found:
                await self._handle(source, item, report)
        return report

    async def _handle(self, source: DigestSource, item: Found, report: PollReport) -> None:
        if item.digest is None:
            report.invalid.append(item)
            logger.warning(
                "digest %s refused: %s", item.origin, plural(len(item.problems), "problem")
            )
            await self._alerts.send_once(
                f"digest-invalid:{item.problems_hash}", lambda lang: alert_text(item, lang)
            )
        else:
            # A changed version of a date already delivered is held for an admin (``held``),
            # never put in front of readers by itself: what they were sent stays what they
            # can read until an admin applies the correction, which edits the messages too.
            result = await self._archive.offer(item.digest)
            # A URL without validators is downloaded every poll: only news is worth a line.
            quiet = result.status in ("unchanged", "ignored", "superseded")
            level = logging.DEBUG if quiet else logging.INFO
            logger.log(level, "digest %s from %s: %s", item.digest.date, item.origin, result.status)
            if result.status == "held":
                if self._on_held is not None:
                    await self._on_held(item.digest.date, result.content_hash)
            elif not quiet:
                report.stored.append(item.digest.date)
                await self._on_stored(item.digest.date)
        await source.acknowledge(item)


def alert_text(item: Found, lang: str = DEFAULT_LANGUAGE) -> str:
    """The admins' message about a refused digest, in ``lang``: where, and its
    ``path:line`` problems (as many as one Telegram message holds, then how many more)."""
    lines = [t(lang, "alert.digest_invalid", origin=item.origin)]
    used = _utf16(lines[0])
    for problem in item.problems[:MAX_LISTED_PROBLEMS]:
        if used + 1 + _utf16(problem) > MAX_ALERT_UTF16:
            break
        lines.append(problem)
        used += 1 + _utf16(problem)
    more = len(item.problems) - (len(lines) - 1)
    if more:
        lines.append(t(lang, "alert.more_problems", count=more))
    return "\n".join(lines)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
