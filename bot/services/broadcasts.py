"""Broadcasts as an admin asks for them, from Telegram or the command line: prepare a
draft (the HTML checked, the audience counted), send it (once, however often Send is
pressed), cancel it, and say how far it got. Every step is written to the audit log.

A refusal is a ``Refused`` in the admin's language (``lang``), so the bot answers with it
and the command line prints it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.delivery.kinds.broadcast import enqueue_broadcast
from bot.delivery.kinds.broadcast_audience import audience_size, broadcast_audience
from bot.delivery.queue.outbox import Outbox
from bot.digest.categories import CategoryRules
from bot.i18n import t
from bot.render.html_check import InvalidHtml, check_html
from bot.services.audit import AuditTrail
from bot.services.pace import pace
from bot.services.refusal import Refused
from bot.store.broadcasts import STATES
from bot.store.broadcasts import Broadcast as Broadcast  # what the admin's screens show
from bot.store.progress import BatchProgress
from bot.store.stores import Stores
from bot.store.subscriber import LANGUAGES


@dataclass(frozen=True)
class Preview:
    """A checked broadcast text: the HTML, the plain text readers see, the audience
    filters (canonical category name) and how many readers they select now."""

    html: str
    plain: str
    lang: str
    category: str
    audience: int


@dataclass(frozen=True)
class BroadcastStatus:
    """How far a broadcast got: its counters, the rate since it started (per second) and
    the seconds it still needs at that rate (None when unknown or done)."""

    broadcast: Broadcast
    progress: BatchProgress
    rate: float
    eta: float | None

    @property
    def finished(self) -> bool:
        """Every reader has an outcome, or it was cancelled."""
        return self.progress.finished or self.broadcast.state == "cancelled"


class BroadcastService:
    """Prepares, sends, cancels and reports broadcasts over one bot's stores."""

    def __init__(self, stores: Stores, rules: CategoryRules, audit: AuditTrail) -> None:
        self._stores = stores
        self._store = stores.broadcasts
        self._rules = rules
        self._audit = audit
        self._outbox = Outbox.of(stores)

    async def check(
        self, who: str, text: str, *, lang: str, audience_lang: str = "", category: str = ""
    ) -> Preview:
        """What readers will see of ``text`` (Telegram HTML) and how many active readers
        in ``audience_lang`` and ``category`` ("" = all) it reaches now; ``Refused`` (in
        ``lang``) for HTML Telegram would refuse (audited) or an unknown language."""
        try:
            plain = check_html(text)
        except InvalidHtml as error:
            await self._audit.record(who, "broadcast.prepare", "refused", reason=str(error))
            raise Refused(lang, "admin.broadcast.invalid_html", reason=str(error)) from error
        if audience_lang and audience_lang not in LANGUAGES:
            raise Refused(lang, "admin.broadcast.bad_lang", text=audience_lang)
        category = self._rules.canonical(category) if category else ""
        audience = await audience_size(
            self._stores.subscribers, self._rules, audience_lang, category
        )
        return Preview(text, plain, audience_lang, category, audience)

    async def prepare(
        self, who: str, text: str, *, lang: str, audience_lang: str = "", category: str = "",
        chat: int = 0,
    ) -> Broadcast:  # fmt: skip
        """A new draft, after ``check``; waits for ``send``."""
        preview = await self.check(
            who, text, lang=lang, audience_lang=audience_lang, category=category
        )
        broadcast = await self._store.create(
            text, lang=preview.lang, category=preview.category, who=who,
            audience=preview.audience, chat=chat,
        )  # fmt: skip
        await self._audit.record(
            who, "broadcast.prepare", "draft", broadcast=broadcast.broadcast_id,
            audience=preview.audience, lang=preview.lang, category=preview.category, text=text,
        )  # fmt: skip
        return broadcast

    async def send(self, who: str, broadcast_id: str, *, lang: str) -> int:
        """Enqueue the draft for its audience (as it is now); how many readers. Only the
        first call for a draft sends: later ones (a second press, a replayed button) are
        refused and audited."""
        was = await self._store.move(broadcast_id, "draft", "sending")
        if was != "draft":
            reason = f"the broadcast is {was or 'unknown'}"
            await self._audit.record(
                who, "broadcast.send", "refused", broadcast=broadcast_id, reason=reason
            )
            key = "admin.broadcast.unknown" if not was else "admin.broadcast.not_draft"
            raise Refused(lang, key, state=_state_name(lang, was))
        broadcast = await self._store.get(broadcast_id)
        assert broadcast is not None
        readers = broadcast_audience(
            self._stores.subscribers, self._rules, broadcast.lang, broadcast.category
        )
        count = await enqueue_broadcast(self._outbox, broadcast_id, readers)
        await self._audit.record(
            who, "broadcast.send", "started", broadcast=broadcast_id, readers=count
        )
        return count

    async def cancel(self, who: str, broadcast_id: str | None, *, lang: str) -> Broadcast:
        """Cancel a draft or a broadcast being sent (the newest when ``broadcast_id`` is
        None): readers not reached yet get nothing. ``Refused`` when there is nothing to
        cancel."""
        broadcast = await self._find(broadcast_id, lang)
        for state in ("draft", "sending"):
            if await self._store.move(broadcast.broadcast_id, state, "cancelled") == state:
                await self._audit.record(
                    who, "broadcast.cancel", "done", broadcast=broadcast.broadcast_id, was=state
                )
                cancelled = await self._store.get(broadcast.broadcast_id)
                assert cancelled is not None
                return cancelled
        await self._audit.record(
            who, "broadcast.cancel", "refused", broadcast=broadcast.broadcast_id,
            reason=f"the broadcast is {broadcast.state}",
        )  # fmt: skip
        raise Refused(lang, "admin.broadcast.not_running", state=_state_name(lang, broadcast.state))

    async def status(self, broadcast_id: str | None, *, lang: str) -> BroadcastStatus:
        """Where a broadcast is (the newest when ``broadcast_id`` is None)."""
        broadcast = await self._find(broadcast_id, lang)
        progress = await self._stores.progress.get(broadcast.batch_id)
        return BroadcastStatus(broadcast, progress, *pace(progress))

    async def record_status_message(self, broadcast_id: str, chat: int, message_id: int) -> None:
        """Where the admin's status message is."""
        await self._store.set_status_message(broadcast_id, chat, message_id)

    async def _find(self, broadcast_id: str | None, lang: str) -> Broadcast:
        found = await (
            self._store.latest() if broadcast_id is None else self._store.get(broadcast_id)
        )
        if found is None:
            raise Refused(lang, "admin.broadcast.none")
        return found


def _state_name(lang: str, state: str) -> str:
    """A broadcast state in ``lang`` (an unknown one as it is)."""
    key = f"bot.admin.broadcast.state.{state}"
    return t(lang, key) if state in STATES else state
