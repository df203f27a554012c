"""Which messages of a channel post (``bot.delivery.kinds.channel``) a correction edits.

A channel's delivery record has no reader variant: the post was rendered from the
channel's record (format, language) by ``render_channel_post``, with deep-link buttons
and no filter. So the post is re-rendered the same way from the version it shows and from
the corrected one:

- ``compact`` is one message: edited when it renders differently (its deep-link buttons
  re-rendered with it), as a reader's compact message is;
- ``full`` is ``render_full`` of the whole digest, exactly what a reader with no filter
  gets, and carries no buttons: the readers' plan for that variant is the channel's plan.
  It keeps the split of the version first posted; comparing two fresh renders message by
  message would not, when a longer or shorter text moves a split (a message would be
  left showing items the next one shows too).
"""

from __future__ import annotations

from bot.corrections import cache
from bot.corrections.plan import Plan, plan_messages
from bot.digest.categories import CategoryRules
from bot.digest.model import Digest
from bot.render.channel import render_channel_post
from bot.store.channels import Channel
from bot.store.ledger import Parts, Variant


def plan_channel_edits(
    before: Digest,
    after: Digest,
    channel: Channel,
    bot_username: str,
    rules: CategoryRules,
    parts: Parts | None,
) -> Plan:
    """The edits that turn ``channel``'s post of ``before`` into ``after``."""
    if channel.format == "full":
        return cache.plan(before, after, Variant("full", channel.language), rules, parts)
    was = render_channel_post(before, channel.format, channel.language, bot_username)
    now = render_channel_post(after, channel.format, channel.language, bot_username)
    return plan_messages(was, now, before.items, after.items)
