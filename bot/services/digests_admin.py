"""The admin's digests: list them (current and removed), and remove one published by
mistake, from Telegram (after a confirmation) or the command line. Removing never touches
what readers received; the archive keeps the removed version (``bot.store.digest_removals``).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.audit import AuditTrail
from bot.services.refusal import Refused
from bot.store.confirmations import Pending
from bot.store.digest_removals import Removal as Removal  # what the lists show
from bot.store.stores import Stores

ACTION = "digest.remove"


@dataclass(frozen=True)
class DigestRow:
    """One stored digest: its date, title, items, stored versions and readers delivered."""

    date: str
    title: str
    items: int
    versions: int
    delivered: int


@dataclass(frozen=True)
class DigestList:
    """The current digests (newest first) and the removed ones."""

    current: list[DigestRow]
    removed: list[Removal]


class DigestAdmin:
    """Lists and removes digests over one bot's stores; every removal is audited."""

    def __init__(self, stores: Stores, audit: AuditTrail) -> None:
        self._stores = stores
        self._audit = audit

    async def list(self, limit: int = 30) -> DigestList:
        """The newest ``limit`` digests and every removal."""
        archive, rows = self._stores.digests, []
        for date in await archive.dates(limit):
            digest = await archive.load(date)
            if digest is None:
                continue
            rows.append(
                DigestRow(
                    date, digest.title, len(digest.items),
                    len(await archive.version_hashes(date)),
                    await self._stores.ledger.count(date),
                )
            )  # fmt: skip
        return DigestList(rows, await self._stores.removals.all())

    async def offer_remove(self, who: str, date: str, *, lang: str) -> str:
        """The confirmation token of removing ``date``; ``Refused`` when it is not stored."""
        if await self._stores.digests.load(date) is None:
            raise Refused(lang, "stats.none", date=date)
        token = await self._stores.confirmations.offer(Pending(ACTION, date, who))
        await self._audit.record(who, "digests.remove", "asked", date=date, token=token)
        return token

    async def confirm_remove(self, who: str, token: str, *, lang: str) -> Removal:
        """Remove what ``token`` stands for (once: a second or replayed press is refused
        and audited)."""
        pending = await self._stores.confirmations.take(token)
        if pending is None or pending.action != ACTION:
            await self._audit.record(
                who, "digests.remove", "refused", token=token, reason="used or expired"
            )
            raise Refused(lang, "admin.confirm.used")
        return await self.remove(who, pending.date, lang=lang)

    async def remove(self, who: str, date: str, *, lang: str) -> Removal:
        """Remove ``date`` now; ``Refused`` (audited) when there is no such digest."""
        removal = await self._stores.removals.remove(date, who)
        if removal is None:
            await self._audit.record(who, "digests.remove", "refused", date=date,
                                     reason="not stored")  # fmt: skip
            raise Refused(lang, "stats.none", date=date)
        await self._audit.record(
            who, "digests.remove", "done", date=date, version=removal.content_hash
        )
        return removal

    async def cancel(self, who: str, token: str) -> None:
        """Forget the offer."""
        pending = await self._stores.confirmations.take(token)
        await self._audit.record(
            who, "digests.remove", "cancelled" if pending else "refused", token=token
        )
