"""/audit: the recent admin actions (and refused attempts at one), newest first."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Final

from telegram import Update

from bot.commands import Audience, Command
from bot.context import BotContext
from bot.i18n import t
from bot.services.audit import AuditEntry
from bot.services.reader import Reader
from handlers.common import Screen, for_reader, send
from handlers.declarations import Area

SHOWN: Final = 20
DETAILS_CHARS: Final = 120  # one line per entry; the full entry stays in Redis


def entry_line(entry: AuditEntry, lang: str) -> str:
    """One entry: when (UTC), who, what, how it ended, the details cut short."""
    at = datetime.fromtimestamp(entry.at, UTC).strftime("%Y-%m-%d %H:%M:%S")
    details = json.dumps(entry.details, ensure_ascii=False) if entry.details else ""
    if len(details) > DETAILS_CHARS:
        details = details[: DETAILS_CHARS - 1] + "…"
    return t(
        lang, "bot.audit.line", at=at, who=entry.who, action=entry.action,
        outcome=entry.outcome, details=details,
    )  # fmt: skip


@for_reader
async def audit(update: Update, context: BotContext, reader: Reader) -> None:
    """The newest ``SHOWN`` entries."""
    services = context.bot_data.services
    lang = await services.admins.language(reader)
    entries = await services.audit.recent(SHOWN)
    if not entries:
        await send(update, context, Screen.plain(t(lang, "bot.audit.empty")))
        return
    lines = [t(lang, "bot.audit.header", count=len(entries))]
    lines += [entry_line(entry, lang) for entry in entries]
    await send(update, context, Screen.plain("\n".join(lines)))


AREA = Area(commands=(Command("audit", audit, audience=Audience.ADMINS),))
