"""An admin's push of a date from Telegram (``/push [DATE]``), and ``/preview``'s messages.

``offer`` counts who would get it (active readers without that date's digest, whatever
their own push time) and stores the action under a token for the confirm button;
``confirm`` takes the token (once: a second or replayed press is refused and audited) and
enqueues the push; ``status`` reports it as the broadcast's does.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.delivery.kinds.push import enqueue_push_for_active
from bot.delivery.kinds.push_audience import undelivered_active
from bot.delivery.queue.outbox import Outbox
from bot.digest.model import Digest
from bot.render import RenderedMessage, render_compact, render_full
from bot.services.audit import AuditTrail
from bot.services.pace import pace
from bot.services.refusal import Refused
from bot.store.confirmations import Pending
from bot.store.progress import BatchProgress
from bot.store.stores import Stores

ACTION = "push"


@dataclass(frozen=True)
class PushOffer:
    """A push waiting for the admin's confirmation."""

    token: str
    date: str
    audience: int


@dataclass(frozen=True)
class PushStatus:
    """How far an admin's push got (as ``BroadcastStatus``)."""

    date: str
    progress: BatchProgress
    rate: float
    eta: float | None


@dataclass(frozen=True)
class Preview:
    """The messages of ``date`` exactly as a reader gets them, in both formats."""

    date: str
    compact: RenderedMessage
    full: list[RenderedMessage]


def push_batch(date: str, token: str) -> str:
    """The delivery batch of an admin's push."""
    return f"admin-{date}-{token}"


class PushNowService:
    """Offers, confirms and reports admin pushes; renders previews."""

    def __init__(self, stores: Stores, audit: AuditTrail) -> None:
        self._stores = stores
        self._audit = audit
        self._outbox = Outbox.of(stores)

    async def _digest(self, date: str | None, lang: str) -> Digest:
        archive = self._stores.digests
        digest = await (archive.latest() if date is None else archive.load(date))
        if digest is None:
            raise Refused(lang, "stats.none", date=date or "-")
        return digest

    async def offer(self, who: str, date: str | None, *, lang: str) -> PushOffer:
        """Count the audience of a push of ``date`` (the newest digest when None) and wait
        for the confirmation."""
        digest = await self._digest(date, lang)
        stores = self._stores
        audience = sum(
            [1 async for _ in undelivered_active(stores.subscribers, stores.ledger, digest.date)]
        )
        token = await stores.confirmations.offer(Pending(ACTION, digest.date, who))
        await self._audit.record(
            who, "push.offer", "asked", date=digest.date, audience=audience, token=token
        )
        return PushOffer(token, digest.date, audience)

    async def confirm(self, who: str, token: str, *, lang: str) -> PushOffer:
        """Enqueue the push ``token`` stands for; ``Refused`` (audited) when it was taken
        already (a second press, a replayed button) or expired."""
        pending = await self._stores.confirmations.take(token)
        if pending is None or pending.action != ACTION:
            await self._audit.record(
                who, "push.confirm", "refused", token=token, reason="used or expired"
            )
            raise Refused(lang, "admin.confirm.used")
        batch = push_batch(pending.date, token)
        count = await enqueue_push_for_active(self._outbox, self._stores, pending.date, batch)
        await self._audit.record(
            who, "push.confirm", "started", date=pending.date, readers=count, batch=batch
        )
        return PushOffer(token, pending.date, count)

    async def cancel(self, who: str, token: str, *, lang: str) -> None:
        """Drop the offer; ``Refused`` when it is gone already."""
        pending = await self._stores.confirmations.take(token)
        outcome = "cancelled" if pending is not None else "refused"
        await self._audit.record(who, "push.cancel", outcome, token=token)
        if pending is None:
            raise Refused(lang, "admin.confirm.used")

    async def status(self, date: str, token: str) -> PushStatus:
        """The push's counters, rate and time left."""
        progress = await self._stores.progress.get(push_batch(date, token))
        return PushStatus(date, progress, *pace(progress))

    async def preview(self, who: str, date: str | None, *, lang: str) -> Preview:
        """The compact message and the full messages of ``date`` (the newest when None),
        rendered for a reader in ``lang`` with no category or keyword filter (audited)."""
        digest = await self._digest(date, lang)
        await self._audit.record(who, "preview", "shown", date=digest.date)
        return Preview(digest.date, render_compact(digest, lang), render_full(digest, lang))
