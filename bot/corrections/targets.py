"""What a delivered digest was rendered for, and a correction's plan for it: a post in a
connected channel (rendered from the channel's record: format, language, deep links) or
a reader's messages (the variant the ledger kept; for a record older than that, the
reader's settings now). The correction service counts with these and the edit kind edits
with them, so the two always decide alike."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.corrections import cache
from bot.corrections.channel_plan import plan_channel_edits
from bot.corrections.plan import Plan
from bot.delivery.senders.variants import reader_variant
from bot.digest.categories import CategoryRules
from bot.digest.model import Digest
from bot.store.channels import Channel, ChannelStore
from bot.store.ledger import LedgerEntry, Parts, Variant
from bot.store.subscriber import Subscriber

Target = Channel | Variant


async def rendered_for(
    delivery: LedgerEntry,
    channels: ChannelStore,
    reader: Callable[[int], Awaitable[Subscriber | None]],
) -> Target | None:
    """The channel or the reader's variant ``delivery`` was rendered for; None for an old
    record of a reader (or a channel) gone since. ``reader`` reads a subscriber."""
    if delivery.variant is not None:
        return delivery.variant
    channel = await channels.get(delivery.chat_id)
    if channel is not None:
        return channel
    subscriber = await reader(delivery.chat_id)
    return None if subscriber is None else reader_variant(subscriber)


def is_paused_channel(target: Target | None) -> bool:
    """A channel whose posts are left as they are (paused since)."""
    return isinstance(target, Channel) and target.status != "active"


def plan_for(
    target: Target,
    before: Digest,
    after: Digest,
    rules: CategoryRules,
    parts: Parts | None,
    bot_username: str,
) -> Plan:
    """The edits that turn ``target``'s messages of ``before`` into ``after``."""
    if isinstance(target, Channel):
        return plan_channel_edits(before, after, target, bot_username, rules, parts)
    return cache.plan(before, after, target, rules, parts)
