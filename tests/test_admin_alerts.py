"""Admin alerts arrive in each admin's own language: the one stored in their subscriber
record, else the one their Telegram app sent with their last admin command, else Chinese
(real pool, sandbox, real Redis)."""

from __future__ import annotations

from bot.delivery.kinds.push import enqueue_push
from bot.services.admins import AdminProfiles
from bot.services.reader import Reader
from bot.services.subscriptions import SubscriptionService
from bot.store.admin_languages import AdminLanguages
from tests.fixtures.delivery import DeliveryWorld

MISSING = "2031-01-01"  # no digest stored: the push task is dead-lettered at once


async def test_each_admin_reads_the_alert_in_their_language(world: DeliveryWorld) -> None:
    english_app = (await world.control.create_private_chat(language_code="en")).chat_id
    chinese_record = (await world.control.create_private_chat(language_code="en")).chat_id
    unknown = (await world.control.create_private_chat(language_code=None)).chat_id
    [reader] = await world.readers(1)
    stores = world.stores
    subscriptions = SubscriptionService(stores.subscribers, _no_categories)
    admins = AdminProfiles(
        AdminLanguages(world.redis, world.keys, stores.subscribers), subscriptions
    )
    # An admin who used an admin command from an English app, without subscribing:
    assert await admins.language(Reader(english_app, "en-GB")) == "en"
    # An admin subscribed in Chinese (their record wins over their app's language):
    await stores.subscribers.subscribe(chinese_record, language="zh")
    assert await admins.language(Reader(chinese_record, "en")) == "zh"

    await world.pool(admin_ids=frozenset({english_app, chinese_record, unknown}))
    await enqueue_push(world.outbox, MISSING, [reader], "broken-push")
    await world.finished("broken-push")
    [english] = await world.control.wait_for_messages(english_app)
    assert english.text.startswith("Push broken-push could not deliver some messages")
    for chat in (chinese_record, unknown):
        [chinese] = await world.control.wait_for_messages(chat)
        assert chinese.text.startswith("推送 broken-push 有发不出去的消息")


async def _no_categories() -> tuple[str, ...]:
    return ()
