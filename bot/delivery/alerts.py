"""Messages to the admins that go out once per problem, however many processes see it."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Final

from redis.asyncio import Redis
from telegram import Bot
from telegram.error import TelegramError

from bot.keys import Keys
from bot.store.errors import translate_errors

logger = logging.getLogger(__name__)

DEDUPE_SECONDS: Final = 7 * 24 * 3600


class AdminAlerts:
    """Sends plain-text alerts to every admin in ``admin_ids``."""

    def __init__(self, client: Redis, keys: Keys, bot: Bot, admin_ids: Iterable[int]) -> None:
        self._client = client
        self._keys = keys
        self._bot = bot
        self._admin_ids = tuple(sorted(admin_ids))

    @translate_errors
    async def send_once(self, dedupe_key: str, text: str) -> bool:
        """Send ``text`` to each admin unless an alert with ``dedupe_key`` already went out
        (from any process, within a week). Returns whether this call sent it. An admin who
        cannot be reached is logged, never raised: an alert must not break delivery."""
        first = await self._client.set(
            self._keys.alert_once(dedupe_key), "1", nx=True, ex=DEDUPE_SECONDS
        )
        if not first:
            return False
        if not self._admin_ids:
            logger.warning("alert %s not sent: ADMIN_IDS is empty: %s", dedupe_key, text)
        for admin_id in self._admin_ids:
            try:
                await self._bot.send_message(admin_id, text)
            except TelegramError as error:
                logger.warning("could not alert admin %s: %s", admin_id, error)
        return True
