"""The channel kind: the digest of a date posted to a connected channel or group, once.

It is the push's machinery with what a channel needs instead of a reader's: the same
delivery ledger (claim before the first message, record after the last, so a repeated or
reclaimed task posts nothing), the same send slots, pacing and failure handling, but the
post is rendered from the channel's record (``bot.store.channels``: format, language; no
categories, no read state) with deep-link buttons (``bot.render.channel``). When Telegram
says the bot may no longer post there (kicked, not an administrator, no right to post),
the channel is paused and the admins are told once; nothing is retried.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from bot.delivery.kinds.claims import refused_claim
from bot.delivery.queue.held import Job
from bot.delivery.queue.outbox import Outbox
from bot.delivery.queue.tasks import BadTask, chat_of, check_batch, text_of
from bot.delivery.senders.deliverer import Deliverer, Finished, Later, Step
from bot.delivery.senders.variants import DigestMissing
from bot.i18n import t
from bot.keys import CHECK, InvalidKeyPart
from bot.render.channel import render_channel_post
from bot.store.channels import Channel
from bot.store.ledger import Sent

NAME: Final = "channel"


def channel_batch(date: str) -> str:
    """The batch every channel post of ``date`` counts in (one per date)."""
    return f"channels-{date}"


@dataclass(frozen=True)
class ChannelPostTask:
    """Post the digest of ``date`` to the connected channel ``chat_id``."""

    date: str
    chat_id: int

    kind = NAME

    @property
    def batch_id(self) -> str:
        return channel_batch(self.date)

    def with_chat(self, chat_id: int) -> ChannelPostTask:
        """The same post for a chat's new id (a group that became a supergroup)."""
        return ChannelPostTask(self.date, chat_id)

    def body(self) -> dict[str, object]:
        """``date`` and ``chat``."""
        return {"date": self.date, "chat": self.chat_id}


def paused_alert(channel: Channel) -> Callable[[str], str]:
    """The admins' alert that ``channel`` is paused (its ``reason``), in each one's language
    (the same words as ``bot.services.channels_text.paused_alert_text``)."""

    def text(lang: str) -> str:
        why = t(lang, f"bot.admin.channels.reason.{channel.reason or 'refused'}")
        return t(lang, "alert.channel_paused", channel=channel.name, reason=why)

    return text


class ChannelKind:
    """Decodes and runs channel posts."""

    name = NAME

    def decode(self, body: Mapping[str, Any]) -> ChannelPostTask:
        chat, date = chat_of(body), text_of(body, "date")
        try:
            CHECK.sent(date)
        except InvalidKeyPart as error:
            raise BadTask(str(error)) from error
        check_batch(channel_batch(date))
        return ChannelPostTask(date, chat)

    async def step(self, job: Job, engine: Deliverer) -> Step:
        """Claim and render on the first step, post one message per step, record after
        the last; a post refused for want of rights pauses the channel."""
        task = _post(job)
        if job.all_sent:
            return await self._record(task, job, engine)
        admission = await engine.admit(task.date, task.chat_id, read_reader=False)
        claim, slot = admission.claim, admission.slot
        if claim is None:
            return Later(slot.wait)
        if not claim.granted:
            return refused_claim(claim, engine.policy.stale_after)
        if job.messages is None:
            prepared = await self._prepare(job, task, engine)
            if prepared is not None:
                return prepared
        later = await engine.send_next(job, slot)
        moved_to = _post(job).chat_id
        if moved_to != task.chat_id:
            # The group became a supergroup: the engine restarts the post at its new id,
            # and the channel's record follows it there.
            await engine.stores.channels.migrate(task.chat_id, moved_to)
        if isinstance(later, Finished) and later.outcome == "blocked":
            await lost_rights(engine, task.chat_id, "refused")
        if later is not None:
            return later
        return await self._record(task, job, engine)

    async def _prepare(self, job: Job, task: ChannelPostTask, engine: Deliverer) -> Step | None:
        """Render the post; a step result when there is nothing to post."""
        channel = await engine.stores.channels.get(task.chat_id)
        if channel is None or channel.status != "active":
            await self.release(job, engine)
            return Finished("skipped")  # removed or paused since it was enqueued
        try:
            digest = await engine.content.digest(task.date)
        except DigestMissing as error:
            return await engine.give_up(job, str(error))
        username = engine.bot.username
        rendered = render_channel_post(digest, channel.format, channel.language, username)
        job.messages = tuple(message.api_params() for message in rendered)
        job.content_hash = digest.content_hash
        return None

    async def _record(self, task: ChannelPostTask, job: Job, engine: Deliverer) -> Step:
        sent = Sent(task.date, task.chat_id, tuple(job.message_ids), job.content_hash, None)
        await engine.records.submit(sent)
        await engine.stores.channels.posted(task.chat_id, task.date)
        return Finished("sent")

    async def release(self, job: Job, engine: Deliverer) -> None:
        task = _post(job)
        await engine.ledger.release(task.date, task.chat_id, engine.claimer)


async def lost_rights(engine: Deliverer, chat_id: int, reason: str) -> None:
    """Pause the channel and tell the admins, once (a second refusal finds it paused)."""
    channel, paused_now = await engine.stores.channels.pause(chat_id, reason)
    if channel is not None and paused_now:
        # Only the call that paused it gets here; the time keeps a later pause (after the
        # channel was added again) from being taken for this one.
        key = f"channel-paused:{chat_id}:{engine.stores.channels.now()}"
        await engine.alerts.send_once(key, paused_alert(channel))


def _post(job: Job) -> ChannelPostTask:
    task = job.task
    assert isinstance(task, ChannelPostTask), f"the channel kind was given a {task.kind} task"
    return task


CHANNEL: Final = ChannelKind()


async def enqueue_channel_post(outbox: Outbox, date: str, chat_id: int) -> int:
    """Enqueue the post of ``date`` to ``chat_id``; returns how many tasks (1)."""
    return await outbox.enqueue(channel_batch(date), [ChannelPostTask(date, chat_id)])
