"""Messages to the admins that go out once per problem, however many processes see it.

The first process to claim an alert's dedupe key (``bot.store.alert_claims``) sends it. An admin
that cannot be reached for a transient reason (Telegram's 5xx, a timeout: the very outage
that often causes the alert) is retried in the background with growing delays, so the
alert lands once Telegram recovers; an admin who blocked the bot is only logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import Final

from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.delivery.senders.failures import retry_after_seconds
from bot.i18n import normalize_language
from bot.store.admin_languages import AdminLanguages
from bot.store.alert_claims import AlertClaims
from bot.store.errors import StoreUnavailable

logger = logging.getLogger(__name__)

RETRY_DELAYS: Final = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0)
# An alert's text: fixed, or written for each admin in their language (``lang -> text``).
AlertText = str | Callable[[str], str]


class AdminAlerts:
    """Sends plain-text alerts to every admin in ``admin_ids``; ``close()`` cancels
    retries still waiting."""

    def __init__(
        self,
        claims: AlertClaims,
        bot: Bot,
        admin_ids: Iterable[int],
        retry_delays: tuple[float, ...] = RETRY_DELAYS,
        languages: AdminLanguages | None = None,
    ) -> None:
        self._claims = claims
        self._bot = bot
        self._admin_ids = tuple(sorted(admin_ids))
        self._retry_delays = retry_delays
        self._languages = languages
        self._retries: set[asyncio.Task[None]] = set()

    async def send_once(self, dedupe_key: str, text: AlertText) -> bool:
        """Send ``text`` to each admin unless an alert with ``dedupe_key`` already went out
        (from any process, within a week). Returns whether this call sent it. Failures are
        retried or logged, never raised: an alert must not break delivery."""
        if not await self._claims.claim(dedupe_key):
            return False
        if not self._admin_ids:
            logger.warning("alert %s not sent: ADMIN_IDS is empty: %s", dedupe_key, text)
        for admin_id in self._admin_ids:
            body = text if isinstance(text, str) else text(await self._language(admin_id))
            if not await self._try(admin_id, body):
                task = asyncio.create_task(self._retry(admin_id, body))
                self._retries.add(task)
                task.add_done_callback(self._retries.discard)
        return True

    async def _language(self, admin_id: int) -> str:
        """The admin's language: stored, else their app's, else the default (also when
        Redis cannot say: an alert still goes out)."""
        if self._languages is None:
            return normalize_language(None)
        try:
            return normalize_language(await self._languages.of(admin_id))
        except StoreUnavailable:
            return normalize_language(None)

    async def _try(self, admin_id: int, text: str) -> bool:
        """One attempt; False when it failed for a reason worth retrying."""
        try:
            await self._bot.send_message(admin_id, text)
        except RetryAfter as error:
            await asyncio.sleep(retry_after_seconds(error))
            return False
        except BadRequest as error:  # a NetworkError subclass, but nothing a retry fixes
            logger.warning("cannot alert admin %s: %s", admin_id, error)
        except NetworkError as error:
            logger.warning("alerting admin %s failed (%s); will retry", admin_id, error)
            return False
        except TelegramError as error:
            logger.warning("cannot alert admin %s: %s", admin_id, error)
        return True

    async def _retry(self, admin_id: int, text: str) -> None:
        for delay in self._retry_delays:
            await asyncio.sleep(delay)
            if await self._try(admin_id, text):
                return
        logger.error("gave up alerting admin %s: %s", admin_id, text)

    async def close(self) -> None:
        """Cancel the retries still waiting (the process is stopping)."""
        for task in list(self._retries):
            task.cancel()
        await asyncio.gather(*self._retries, return_exceptions=True)
