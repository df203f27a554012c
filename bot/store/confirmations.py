"""Admin actions waiting for their confirm button (push now, remove a digest): stored
under a random token that goes into the button's data, taken by the first press.

Taking is atomic (``GET`` and ``DEL`` in one transaction), so two presses, a replayed
button or a press after the action ran find nothing the second time. Unconfirmed actions
expire after ``KEEP_SECONDS``.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Final

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.errors import translate_errors

KEEP_SECONDS: Final = 3600


@dataclass(frozen=True)
class Pending:
    """An action waiting for confirmation: what (``action``), on which date, asked by whom."""

    action: str
    date: str
    who: str


class Confirmations:
    """Pending admin actions by token."""

    def __init__(self, client: Redis, keys: Keys) -> None:
        self._client = client
        self._keys = keys

    @translate_errors
    async def offer(self, pending: Pending) -> str:
        """Store ``pending``; the token its confirm button carries."""
        token = secrets.token_hex(4)
        value = json.dumps({"action": pending.action, "date": pending.date, "who": pending.who})
        await self._client.set(self._keys.confirmation(token), value, ex=KEEP_SECONDS)
        return token

    @translate_errors
    async def take(self, token: str) -> Pending | None:
        """The pending action of ``token``, removed; None when already taken or expired."""
        key = self._keys.confirmation(token)
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.get(key)
            pipe.delete(key)
            raw, _ = await pipe.execute()
        if raw is None:
            return None
        data = json.loads(raw)
        return Pending(str(data["action"]), str(data["date"]), str(data["who"]))
