"""A push through the outbox, the sender pool and the sandbox over real HTTP: every reader
gets the day's digest once, in their own format, language and categories."""

from __future__ import annotations

from tests.fixtures.delivery import DeliveryWorld


async def test_a_push_reaches_every_reader_exactly_once(world: DeliveryWorld) -> None:
    chats = await world.readers(30)
    await world.pool()
    push_id = await world.push(chats)
    progress = await world.finished(push_id)
    assert (progress.enqueued, progress.sent, progress.failed) == (30, 30, 0)
    for chat in chats:
        texts = await world.bot_texts(chat)
        assert len(texts) == 1
        assert world.digest.title in texts[0]
