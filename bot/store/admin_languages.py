"""The language each admin reads alerts and admin messages in: the language stored in
their own subscriber record (``/lang``, or the one ``/start`` took from their app), else
the Telegram ``language_code`` their app sent with their last admin command, else the
default (Chinese)."""

from __future__ import annotations

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.errors import translate_errors
from bot.store.subscribers import SubscriberStore


class AdminLanguages:
    """Looks up (and remembers the app language of) admins."""

    def __init__(self, client: Redis, keys: Keys, subscribers: SubscriberStore) -> None:
        self._client = client
        self._keys = keys
        self._subscribers = subscribers

    @translate_errors
    async def remember(self, user_id: int, language_code: str | None) -> None:
        """Note the language an admin's Telegram app uses (nothing when it sent none)."""
        if language_code:
            await self._client.hset(self._keys.admin_languages(), str(user_id), language_code[:16])

    @translate_errors
    async def of(self, user_id: int) -> str | None:
        """The admin's stored language, else their app's language code, else None (the
        caller's default); see the module's docstring."""
        subscriber = await self._subscribers.get(user_id)
        if subscriber is not None:
            return subscriber.language
        code = await self._client.hget(self._keys.admin_languages(), str(user_id))
        return str(code) if code else None
