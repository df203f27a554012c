"""What each reader receives follows their own settings: format (compact: one message;
full: several, each after the chat's pace, without holding up other chats), categories (only
their items, or nothing on a day without any) and language (the labels)."""

from __future__ import annotations

import dataclasses
from typing import Any

from redis.asyncio import Redis
from telegram.request import RequestData

from bot.delivery.kinds.push import enqueue_push
from bot.delivery.senders.pool import PoolConfig
from bot.i18n import t
from bot.keys import Keys
from bot.transport import AiohttpRequest
from tests.fixtures.delivery import FAST, DeliveryWorld, store_long_digest


class SendOrder(AiohttpRequest):
    """The bot's own transport, noting the chat of every message Telegram accepted, in
    the order the answers came back (one slot sends one at a time: the event order)."""

    def __init__(self) -> None:
        super().__init__(4)
        self.chats: list[int] = []

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **timeouts: Any
    ) -> tuple[int, bytes]:
        status, body = await super().do_request(url, method, request_data, **timeouts)
        if url.endswith("/sendMessage") and request_data is not None and status == 200:
            self.chats.append(int(request_data.json_parameters["chat_id"]))
        return status, body


async def test_full_format_spreads_its_messages_while_other_chats_are_served(
    world: DeliveryWorld, redis: Redis, keys: Keys
) -> None:
    long = await store_long_digest(redis, keys)
    first, second = await world.readers(2, format="full")
    # One slot only: if waiting for a chat's pace held the slot, the second chat would
    # get nothing until the first chat's second message went out.
    order = SendOrder()
    await world.pool(config=dataclasses.replace(FAST, concurrency=1), request=order)
    await enqueue_push(world.outbox, long.date, [first, second], "full")
    progress = await world.finished("full")
    assert progress.sent == 2  # one delivery per reader, however many messages
    assert sorted(order.chats) == sorted([first, first, second, second])
    # By event order, not by the clock: the second chat's first message went out while the
    # first chat waited for its pace, before that chat's second message.
    first_again = order.chats.index(first, order.chats.index(first) + 1)
    assert second in order.chats[:first_again], order.chats
    texts = await world.bot_texts(first)
    assert texts[0].startswith("长简报") and "第2条" in texts[1]
    assert len(await world.bot_texts(second)) == 2


async def test_a_category_filter_sends_only_those_items_and_says_so(
    world: DeliveryWorld,
) -> None:
    (hardware,) = await world.readers(1, categories=["硬件前沿"])
    (by_alias,) = await world.readers(1, categories=["Hardware"])  # an alias, any case
    (sports,) = await world.readers(1, categories=["体育"])
    (everything,) = await world.readers(1)
    await world.pool()
    progress = await world.finished(await world.push([hardware, by_alias, sports, everything]))
    assert (progress.sent, progress.skipped) == (4, 0)
    (filtered,) = await world.bot_texts(hardware)
    (whole,) = await world.bot_texts(everything)
    total = len(world.digest.items)
    shown = sum(1 for item in world.digest.items if "硬件前沿" in item.categories)
    for item in world.digest.items:
        assert item.title in whole
        assert (item.title in filtered) == ("硬件前沿" in item.categories)
    # The push says it is filtered, and how to see everything.
    assert filtered.endswith(f"\n\n按你的筛选（分类：硬件前沿），{total} 条里有 {shown} 条符合。")
    assert "条符合" not in whole
    (alias_text,) = await world.bot_texts(by_alias)
    assert alias_text.endswith(f"按你的筛选（分类：Hardware），{total} 条里有 {shown} 条符合。")
    # Nothing matched: one line, not silence.
    assert await world.bot_texts(sports) == [
        f"{world.digest.date} 的 {total} 条里没有符合你筛选（分类：体育）的条目。"
    ]


async def test_a_keyword_filter_shapes_the_push_with_a_show_all_button(
    world: DeliveryWorld,
) -> None:
    (openai,) = await world.readers(1, keywords=["+OpenAI", "-马斯克"], language="en")
    await world.pool()
    await world.finished(await world.push([openai]))
    (message,) = await world.control.bot_messages(openai)
    kept = [i for i in world.digest.items if "openai" in (i.title + "".join(i.summary)).lower()]
    kept = [i for i in kept if "马斯克" not in i.title + "".join(i.summary)]
    assert 0 < len(kept) < len(world.digest.items)
    for item in world.digest.items:
        assert (f"{item.number}. {item.title}" in message.text) == (item in kept)
    assert message.text.endswith(
        f"{len(kept)} of {len(world.digest.items)} items match your filter "
        "(any of OpenAI; none of 马斯克)."
    )
    assert message.buttons[-1] == [
        {"text": "📋 Show all", "callback_data": f"v1:all:{world.digest.date.replace('-', '')}"}
    ]


async def test_a_forum_subscribed_from_a_topic_gets_the_push_in_that_topic(
    world: DeliveryWorld,
) -> None:
    (forum,) = await world.readers(1, thread_id=7)
    (plain,) = await world.readers(1, groups=True)
    await world.pool()
    await world.finished(await world.push([forum, plain]))
    (in_topic,) = await world.control.bot_messages(forum)
    (in_group,) = await world.control.bot_messages(plain)
    assert in_topic.message_thread_id == 7
    assert in_group.message_thread_id is None
    assert in_topic.text == in_group.text


async def test_the_reader_language_sets_the_labels_not_the_digest(world: DeliveryWorld) -> None:
    (english,) = await world.readers(1, language="en")
    (chinese,) = await world.readers(1, language="zh")
    await world.pool()
    await world.finished(await world.push([english, chinese]))
    (en_text,) = await world.bot_texts(english)
    (zh_text,) = await world.bot_texts(chinese)
    assert t("en", "render.items") in en_text and t("zh", "render.items") not in en_text
    assert t("zh", "render.items") in zh_text
    assert world.digest.items[0].title in en_text and world.digest.items[0].title in zh_text


async def test_readers_who_stopped_or_paused_after_the_push_was_queued_are_skipped(
    world: DeliveryWorld,
) -> None:
    stopped, paused, active = await world.readers(3)
    push_id = await world.push([stopped, paused, active])
    await world.subscribers.unsubscribe(stopped)
    await world.subscribers.pause(paused)
    await world.pool(config=PoolConfig(concurrency=2, read_block_ms=100))
    progress = await world.finished(push_id)
    assert (progress.sent, progress.skipped) == (1, 2)
    assert await world.bot_texts(stopped) == [] and await world.bot_texts(paused) == []
    assert len(await world.bot_texts(active)) == 1
