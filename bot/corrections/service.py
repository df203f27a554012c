"""Corrections as an admin (from Telegram or the command line) asks for them: what a new
version changes for readers and how many delivered messages that edits (``preview``),
then ``apply``: the version stored as current (the archive keeps every version), and one
edit task per chat whose delivery does not show it yet, in one batch.

Applying is idempotent and resumable: a chat counts as done once its edit ledger entry
for the version is written (``bot.store.edits``), so applying again enqueues only the
chats not done, and nothing when every one is. A push of the same date still running
picks the corrected version up: ``apply`` waits until every sender's digest cache has
rechecked (``SETTLE_SECONDS``) before it reads the ledger, so a reader rendered before
that is in the ledger (claimed or sent) and gets an edit task, and one rendered after
gets the corrected text in the first place.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Final

from bot.corrections import cache
from bot.corrections.diff import Change, diff_digests
from bot.corrections.targets import is_paused_channel, plan_for, rendered_for
from bot.delivery.kinds.edit import EditTask
from bot.delivery.queue.outbox import Outbox
from bot.delivery.queue.tasks import Task
from bot.delivery.senders.variants import RECHECK_SECONDS
from bot.digest.categories import CategoryRules
from bot.digest.model import Digest
from bot.services.audit import AuditTrail
from bot.store.ledger import LedgerEntry
from bot.store.stores import Stores

SETTLE_SECONDS: Final = RECHECK_SECONDS + 1.0


@dataclass
class EditCount:
    """What applying a version edits: messages and chats, chats still being pushed, and
    records that no longer match their version (left alone)."""

    messages: int = 0
    chats: int = 0
    in_flight: int = 0
    unmatched: int = 0
    chat_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Preview:
    """A version of ``date`` against the one readers see now."""

    date: str
    before: Digest | None
    after: Digest
    changes: list[Change]
    count: EditCount

    @property
    def nothing_to_do(self) -> bool:
        """No difference and no delivered message left to edit."""
        return (
            not self.count.messages
            and not self.count.in_flight
            and (not self.changes or self.before is None)
        )


@dataclass(frozen=True)
class Applied:
    """An applied correction: its batch (progress key) and how many chats were enqueued."""

    batch_id: str
    enqueued: int


def batch_of(date: str, content_hash: str) -> str:
    """The batch id of the correction of ``date`` to ``content_hash``."""
    return f"correct-{date}-{content_hash[:16]}"


class CorrectionService:
    """Previews and applies corrections over one bot's stores."""

    def __init__(
        self,
        stores: Stores,
        rules: CategoryRules,
        audit: AuditTrail,
        settle_seconds: float = SETTLE_SECONDS,
    ) -> None:
        self._stores = stores
        self._rules = rules
        self._audit = audit
        self._settle = settle_seconds

    async def claim_confirmation(self, after: Digest) -> bool:
        """True for the first confirmation of applying ``after`` (across processes); a
        replayed or second press gets False."""
        return await self._stores.alert_claims.claim(
            f"correction-confirm:{after.date}:{after.content_hash}"
        )

    async def current(self, date: str) -> Digest | None:
        """The version of ``date`` readers see now."""
        return await self._stores.digests.load(date)

    async def find_version(self, date: str, prefix: str) -> Digest | None:
        """A stored version of ``date`` whose content hash starts with ``prefix``."""
        for content_hash in await self._stores.digests.version_hashes(date):
            if content_hash.startswith(prefix):
                return await cache.version(self._stores.digests, date, content_hash)
        return None

    async def preview(self, after: Digest) -> Preview:
        """What ``after`` changes for readers of its date, and what applying it edits."""
        before = await self._stores.digests.load(after.date)
        changes = [] if before is None else diff_digests(before, after)
        count = await self.count(after)
        return Preview(after.date, before, after, changes, count)

    async def hold(self, after: Digest) -> str:
        """Keep ``after`` as a version pending an admin (a /correct draft): stored among
        the versions and marked pending, or stored as current when its date was never
        delivered. The archive's save status."""
        return (await self._stores.digests.offer(after)).status

    async def count(self, after: Digest) -> EditCount:
        """The chats whose delivery of ``after``'s date does not show it yet and is not done."""
        count = EditCount()
        async for entry, plan_messages in self._to_edit(after):
            if not entry.sent:
                count.in_flight += 1
                count.chat_ids.append(entry.chat_id)
            elif plan_messages is None:
                count.unmatched += 1
            elif plan_messages:
                count.messages += plan_messages
                count.chats += 1
                count.chat_ids.append(entry.chat_id)
        return count

    async def _to_edit(self, after: Digest) -> AsyncIterator[tuple[LedgerEntry, int | None]]:
        """Each delivery not showing ``after`` and not done, with how many of its messages
        change (None: the record does not match its version)."""
        stores, date = self._stores, after.date
        page: list[LedgerEntry] = []
        async for entry in stores.ledger.deliveries(date):
            if entry.content_hash != after.content_hash or not entry.sent:
                page.append(entry)
            if len(page) >= 500:
                async for item in self._page(after, page):
                    yield item
                page = []
        async for item in self._page(after, page):
            yield item

    async def _page(
        self, after: Digest, page: list[LedgerEntry]
    ) -> AsyncIterator[tuple[LedgerEntry, int | None]]:
        if not page:
            return
        done = await self._stores.edits.done_among(
            after.date, after.content_hash, [e.chat_id for e in page]
        )
        for entry, finished in zip(page, done, strict=True):
            if finished:
                continue
            if not entry.sent:
                yield entry, 0
                continue
            yield entry, await self._messages_to_edit(after, entry)

    async def _messages_to_edit(self, after: Digest, entry: LedgerEntry) -> int | None:
        target = await rendered_for(entry, self._stores.channels, self._stores.subscribers.get)
        if is_paused_channel(target):
            return 0  # a paused channel's post is left as it is
        before = await cache.version(self._stores.digests, after.date, entry.content_hash or "")
        if target is None or before is None:
            return None
        # Only counted here: a deep link differs between versions by its item number alone,
        # so any bot name finds the same messages (the edit kind uses the real one).
        plan = plan_for(target, before, after, self._rules, entry.parts, "bot")
        return len(plan.edits) if plan.messages == len(entry.message_ids) else None

    async def apply(self, after: Digest, who: str, notify: bool = False) -> Applied:
        """Make ``after`` its date's current version and enqueue an edit task for every
        chat whose delivery does not show it yet (none twice across applies)."""
        stores, date = self._stores, after.date
        result = await stores.digests.save(after)
        await stores.digests.set_correction_state(date, after.content_hash, "applied")
        if result.status != "unchanged":
            await asyncio.sleep(self._settle)  # every sender's cache now has `after`
        count = await self.count(after)
        batch = batch_of(date, after.content_hash)
        tasks: list[Task] = [
            EditTask(date, chat, after.content_hash, batch, notify) for chat in count.chat_ids
        ]
        enqueued = await Outbox.of(stores).enqueue(batch, tasks)
        await self._audit.record(
            who,
            "correct.apply",
            "done" if enqueued else "nothing to do",
            date=date,
            version=after.content_hash[:16],
            chats=enqueued,
            messages=count.messages,
            notify=int(notify),
        )
        return Applied(batch, enqueued)

    async def ignore(self, after: Digest, who: str) -> None:
        """Leave readers on the delivered version; the poller will not offer ``after`` again."""
        await self._stores.digests.set_correction_state(after.date, after.content_hash, "ignored")
        await self._audit.record(
            who, "correct.ignore", "done", date=after.date, version=after.content_hash[:16]
        )

    async def state(self, date: str, content_hash: str) -> str | None:
        """``pending`` / ``applied`` / ``ignored`` for a held version, None otherwise."""
        return (await self._stores.digests.correction_states(date)).get(content_hash)
