"""The language of an admin's messages: what they answer in, and what their alerts are
written in later (``bot.store.admin_languages``), so both agree."""

from __future__ import annotations

from bot.services.reader import Reader
from bot.services.subscriptions import SubscriptionService
from bot.store.admin_languages import AdminLanguages


class AdminProfiles:
    """Answers admins in their language and remembers their app's language for alerts."""

    def __init__(self, languages: AdminLanguages, subscriptions: SubscriptionService) -> None:
        self._languages = languages
        self._subscriptions = subscriptions

    async def language(self, admin: Reader) -> str:
        """The admin's language (stored, else their app's, else the default); their app's
        language code is noted for the alerts (an admin's chat id is their user id)."""
        await self._languages.remember(admin.chat_id, admin.language_code)
        return await self._subscriptions.language(admin)
