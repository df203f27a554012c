"""Statistics after a real push (sandbox, real Redis), from ``briefbot stats --json`` as
an operator's script reads them."""

from __future__ import annotations

import json
from pathlib import Path

from bot.store.reads import ReadState
from tests.fixtures.delivery import DeliveryWorld
from tests.test_delivery_cli import _briefbot, _env


async def test_stats_json_after_a_push(
    world: DeliveryWorld, redis_url: str, tmp_path: Path
) -> None:
    chats = await world.readers(8)
    english = await world.readers(2, language="en")
    for chat in chats[:2]:
        await world.control.block(chat)  # Telegram answers 403: marked blocked
    await world.subscribers.unsubscribe(chats[2])
    await world.subscribers.pause(chats[3])
    await world.pool()
    delivered = [*chats[4:], *english]
    await world.finished(await world.push([*chats[:2], *delivered]))
    reads = ReadState(world.redis, world.keys)
    for chat in delivered[:3]:
        await reads.mark_read(chat, world.digest.date, 1)
    await reads.mark_read(delivered[0], world.digest.date, 2)

    env = _env(world, redis_url, tmp_path)
    status, output = await _briefbot(env, "stats", world.digest.date, "--json")
    assert status == 0, output
    stats = json.loads(output[output.index("{") :])
    assert stats["date"] == world.digest.date
    assert stats["subscribers"] == {"active": 6, "paused": 1, "stopped": 1, "blocked": 2}
    assert stats["languages"] == {"en": 2, "zh": 4}
    assert stats["push"] == {"delivered": 6, "failed": 0, "blocked": 2, "pending": 0}
    items = {item["number"]: item for item in stats["items"]}
    assert len(items) == len(world.digest.items)
    assert items[1]["title"] == world.digest.items[0].title
    assert (items[1]["reads"], items[1]["rate"]) == (3, 0.5)
    assert (items[2]["reads"], items[3]["reads"]) == (1, 0)
    assert stats["trend"] == [{"date": world.digest.date, "delivered": 6, "reads": 4}]

    status, text = await _briefbot(env, "stats")  # the newest digest, as text
    assert status == 0, text
    assert f"Statistics of {world.digest.date}" in text
    assert "Push: delivered 6 · failed 0 · blocked 2 · pending 0" in text
    assert f"1. {world.digest.items[0].title} — 3 (50%)" in text
    status, text = await _briefbot(env, "stats", "2020-01-01")
    assert status == 1 and "no stored digest of 2020-01-01" in text
