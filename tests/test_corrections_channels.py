"""A correction reaches the posts in connected channels, end to end through the sandbox
with real Redis: each post is edited in place as the channel kind renders it (its format
and language, deep-link buttons), a paused channel is left alone, a post whose record no
longer matches is left alone and counted, and applying again edits nothing."""

from __future__ import annotations

from datetime import time

from bot.delivery.kinds.channel import channel_batch, enqueue_channel_post
from bot.services.audit import AuditTrail
from bot.services.channels import AddRequest, ChannelAdmin
from bot.store.digests import DigestArchive
from bot.store.subscriber import Format
from tests.fixtures.corrections import item, long_digest, service, with_item
from tests.fixtures.delivery import DeliveryWorld

NEW_TITLE = "更正：京东与美团的竞争延伸到具身智能"
ADMIN = 515151
LINK = "https://t.me/briefbot_sandbox_bot?start=item_20250721_"


async def test_a_headline_correction_edits_the_channel_posts_in_place(
    world: DeliveryWorld,
) -> None:
    digest = long_digest(world.digest)  # the full post takes several messages
    await DigestArchive(world.redis, world.keys).save(digest)
    admin = ChannelAdmin(world.stores, AuditTrail(world.stores.audit), time(8), "Asia/Shanghai")
    bot = await world.bot()
    channels: dict[str, int] = {}
    settings: list[tuple[str, Format]] = [
        ("compact_chan", "compact"),
        ("full_chan", "full"),
        ("paused_chan", "compact"),
        ("changed_chan", "full"),
    ]
    for name, fmt in settings:
        channels[name] = (await world.control.create_channel(name, username=name)).chat_id
        await admin.add("cli:test", bot, AddRequest(f"@{name}", format=fmt), lang="en")
    await world.pool()
    for chat in channels.values():
        await enqueue_channel_post(world.outbox, digest.date, chat)
    assert (await world.finished(channel_batch(digest.date))).sent == 4
    full_before = await world.control.bot_messages(channels["full_chan"])
    assert len(full_before) >= 3
    old_title = item(digest, 7).title
    [holding] = [i for i, m in enumerate(full_before) if old_title in m.text]
    # The bot lost its right to post in one; another was switched to the compact format
    # after its full post went out (its post no longer matches what the record says).
    await world.stores.channels.pause(channels["paused_chan"], "refused")
    await admin.add("cli:test", bot, AddRequest("@changed_chan", format="compact"), lang="en")

    corrections = service(world, settle_seconds=0)
    corrected = with_item(digest, 7, title=NEW_TITLE)
    preview = await corrections.preview(corrected)
    counted = (preview.count.messages, preview.count.chats, preview.count.unmatched)
    assert counted == (2, 2, 1)  # the compact post and one message of the full one
    applied = await corrections.apply(corrected, "cli:test", notify=True)
    progress = await world.finished(applied.batch_id)
    assert (applied.enqueued, progress.sent, progress.failed) == (2, 2, 0)

    [post] = await world.control.bot_messages(channels["compact_chan"])
    assert len(post.history) == 1  # edited once, in place; no notice in a channel
    assert NEW_TITLE in post.text and old_title not in post.text
    urls = [button["url"] for row in post.buttons for button in row]
    assert urls == [f"{LINK}{i.number}" for i in digest.items]  # still deep links
    messages = await world.control.bot_messages(channels["full_chan"])
    assert len(messages) == len(full_before)
    assert [len(m.history) for m in messages] == [i == holding for i in range(len(messages))]
    assert NEW_TITLE in messages[holding].text
    for name in ("paused_chan", "changed_chan"):
        assert all(not m.history for m in await world.control.bot_messages(channels[name]))

    # Applying again edits nothing.
    again = await corrections.preview(corrected)
    assert (again.count.messages, again.count.chats) == (0, 0)
    assert (await corrections.apply(corrected, "cli:test")).enqueued == 0
    for chat in channels.values():
        messages = await world.control.bot_messages(chat)
        assert sum(len(m.history) for m in messages) <= 1


async def test_a_channel_that_removed_the_bot_is_paused_by_the_correction(
    world: DeliveryWorld,
) -> None:
    await world.control.create_private_chat(user_id=ADMIN, language_code="en")
    kicked = await world.control.create_channel("Kicked", username="kicked_chan")
    admin = ChannelAdmin(world.stores, AuditTrail(world.stores.audit), time(8), "Asia/Shanghai")
    await admin.add("cli:test", await world.bot(), AddRequest("@kicked_chan"), lang="en")
    await world.pool(admin_ids=frozenset({ADMIN}))
    await enqueue_channel_post(world.outbox, world.digest.date, kicked.chat_id)
    await world.finished(channel_batch(world.digest.date))
    await world.control.set_bot_status(kicked.chat_id, "kicked")

    corrections = service(world, settle_seconds=0)
    applied = await corrections.apply(with_item(world.digest, 1, title=NEW_TITLE), "cli:test")
    progress = await world.finished(applied.batch_id)
    assert (progress.blocked, progress.failed) == (1, 0)
    paused = await world.stores.channels.get(kicked.chat_id)
    assert paused is not None and (paused.status, paused.reason) == ("paused", "refused")
    [alert] = await world.bot_texts(ADMIN)
    assert "@kicked_chan" in alert
