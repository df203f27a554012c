"""Writing the audit log: one call per admin action, from Telegram or the command line.

``who`` is always a numeric Telegram user id (never a username, which anyone can take)
or ``cli:<login>`` for an operator on the server. Writing an entry never stops what is
being audited: when Redis is down the entry is logged instead, and the caller (whose
own Redis work fails the same way) tells the admin.
"""

from __future__ import annotations

import getpass
import logging

from bot.store.audit import AuditEntry as AuditEntry  # what /audit shows
from bot.store.audit import AuditLog
from bot.store.errors import StoreUnavailable

logger = logging.getLogger(__name__)


def telegram_actor(user_id: int | None) -> str:
    """``who`` for a Telegram user (``"?"`` when the update has no user)."""
    return "?" if user_id is None else str(int(user_id))


def cli_actor() -> str:
    """``who`` for the operator running a ``briefbot`` command: ``cli:<login>``."""
    try:
        login = getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment nor the passwd file
        login = "unknown"
    return f"cli:{login}"


class AuditTrail:
    """Records admin actions in the audit log and reads the recent ones back."""

    def __init__(self, log: AuditLog) -> None:
        self._log = log

    async def record(
        self, who: str, action: str, outcome: str, **details: str | int
    ) -> AuditEntry | None:
        """Write one entry; None (and a log line) when Redis cannot take it."""
        entry = AuditEntry(who, action, outcome, dict(details))
        try:
            return await self._log.add(entry)
        except StoreUnavailable as error:
            logger.warning("audit entry not written (%s): %s %s %s", error, who, action, outcome)
            return None

    async def recent(self, count: int = 20) -> list[AuditEntry]:
        """The newest ``count`` entries, newest first (``StoreUnavailable`` passes)."""
        return await self._log.recent(count)
