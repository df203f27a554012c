"""Who a broadcast goes to: active subscribers, narrowed by language and by category,
streamed page by page from the subscriber index (never everyone in memory at once).

A category broadcast reaches the readers who receive that category's items: those who
chose it (by its name or an alias of ``CATEGORY_RULES_FILE``) and those who chose no
category (they receive every item).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from bot.digest.categories import CategoryRules
from bot.store.subscriber import Subscriber
from bot.store.subscribers import SubscriberStore


def in_audience(subscriber: Subscriber, lang: str, category: str, rules: CategoryRules) -> bool:
    """Whether ``subscriber`` is one of a broadcast's readers ("" filters nothing)."""
    if subscriber.status != "active":
        return False
    if lang and subscriber.language != lang:
        return False
    if not category or not subscriber.categories:
        return True
    return any(rules.resolve_in(name, (category,)) for name in subscriber.categories)


async def broadcast_audience(
    subscribers: SubscriberStore, rules: CategoryRules, lang: str, category: str
) -> AsyncIterator[int]:
    """The chat ids of a broadcast's readers, in the index's order."""
    async for subscriber in subscribers.iter_all():
        if in_audience(subscriber, lang, category, rules):
            yield subscriber.chat_id


async def audience_size(
    subscribers: SubscriberStore, rules: CategoryRules, lang: str, category: str
) -> int:
    """How many readers a broadcast with these filters reaches now."""
    return sum([1 async for _ in broadcast_audience(subscribers, rules, lang, category)])
