"""When each connected channel gets its post: the digest of the channel's own local date,
at its set time in its zone, once per date.

A channel is due from its posting instant until ``cutoff`` after it (the push's cutoff:
a post missed in a longer downtime, or a digest later than that, is skipped for the day).
A digest that is not stored yet at the posting time is posted the tick after it arrives.
Each date is enqueued once (``ChannelStore.plan_once``), and the delivery ledger makes the
post itself exactly-once whatever happens to the task.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.delivery.kinds.channel import enqueue_channel_post
from bot.delivery.queue.outbox import Outbox
from bot.store.channels import Channel, ChannelStore
from bot.store.clock import Clock
from bot.store.digests import DigestArchive
from bot.store.next_push import local_instant

logger = logging.getLogger(__name__)


class ChannelPlanner:
    """Enqueues the posts that are due; only the lease holder calls ``tick``."""

    def __init__(
        self,
        channels: ChannelStore,
        archive: DigestArchive,
        outbox: Outbox,
        cutoff: timedelta,
        clock: Clock,
    ) -> None:
        self._channels = channels
        self._archive = archive
        self._outbox = outbox
        self._cutoff = cutoff
        self._clock = clock

    def due_date(self, channel: Channel) -> str | None:
        """The date whose post is due now (the channel's local date, once its posting
        time has come and until the cutoff), else None."""
        now = self._clock()
        day = now.astimezone(channel.zone).date()
        instant = local_instant(day, channel.clock, channel.zone)
        if instant > now or now - instant > self._cutoff:
            return None
        return day.isoformat()

    async def tick(self) -> list[tuple[int, str]]:
        """Enqueue every due post not enqueued yet; the (chat, date) pairs enqueued."""
        planned = []
        for channel in await self._channels.all():
            date = self.due_date(channel) if channel.status == "active" else None
            if date is None or await self._archive.current_hash(date) is None:
                continue
            if await self._channels.plan_once(channel.chat_id, date):
                await enqueue_channel_post(self._outbox, date, channel.chat_id)
                planned.append((channel.chat_id, date))
        if planned:
            logger.info("channel posts enqueued: %s", ", ".join(f"{c} ({d})" for c, d in planned))
        return planned
