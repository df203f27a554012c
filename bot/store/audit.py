"""The audit log: every admin action (and every refused attempt at one), newest last, in
a capped stream, so ``/audit`` and an operator can see who did what, when, and how it
ended. Bounded: about the last ``MAX_ENTRIES`` are kept, the oldest go first."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Final, cast

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.clock import Clock, utc_now
from bot.store.errors import translate_errors
from bot.store.outbox import entries_of
from bot.store.redis_types import HashFields

MAX_ENTRIES: Final = 10_000
MAX_FIELD_CHARS: Final = 2_000  # a quoted argument never makes an entry huge


@dataclass(frozen=True)
class AuditEntry:
    """One admin action: ``who`` (a Telegram user id, or ``cli:<login>``), ``action``
    (``correct.apply``...), ``outcome`` (``done``, ``refused``, ``cancelled``...),
    ``details`` (what it was about), ``at`` (epoch seconds; set when written)."""

    who: str
    action: str
    outcome: str
    details: dict[str, str | int] = field(default_factory=dict)
    at: float = 0.0
    entry_id: str = ""


class AuditLog:
    """The audit stream of one bot."""

    def __init__(self, client: Redis, keys: Keys, clock: Clock = utc_now) -> None:
        self._client = client
        self._keys = keys
        self._clock = clock

    @translate_errors
    async def add(self, entry: AuditEntry) -> AuditEntry:
        """Append ``entry`` (stamped now); the entry as stored, with its stream id."""
        at = round(self._clock().timestamp(), 3)
        details = json.dumps(entry.details, ensure_ascii=False)[:MAX_FIELD_CHARS]
        fields = {
            "who": entry.who[:200],
            "action": entry.action[:200],
            "outcome": entry.outcome[:200],
            "details": details,
            "at": str(at),
        }
        entry_id = await self._client.xadd(
            self._keys.audit(), cast(HashFields, fields), maxlen=MAX_ENTRIES, approximate=True
        )
        return AuditEntry(entry.who, entry.action, entry.outcome, entry.details, at, str(entry_id))

    @translate_errors
    async def recent(self, count: int = 20) -> list[AuditEntry]:
        """The ``count`` newest entries, newest first."""
        if count <= 0:
            return []
        page = entries_of(await self._client.xrevrange(self._keys.audit(), count=count))
        return [_entry(e.entry_id, e.fields) for e in page]


def _entry(entry_id: str, fields: dict[str, str]) -> AuditEntry:
    try:
        loaded = json.loads(fields.get("details", "{}"))
    except ValueError:  # cut at MAX_FIELD_CHARS: keep the text, not lose the entry
        loaded = {"text": fields.get("details", "")}
    details = loaded if isinstance(loaded, dict) else {"text": str(loaded)}
    return AuditEntry(
        fields.get("who", ""),
        fields.get("action", ""),
        fields.get("outcome", ""),
        details,
        float(fields.get("at", 0) or 0),
        entry_id,
    )
