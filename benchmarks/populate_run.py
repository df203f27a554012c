"""Store the example digest and make the chats of a file active compact subscribers under
one key prefix, with the code of whichever briefbot checkout runs this script, so an older
engine benchmarked side by side reads records it wrote itself.

    python benchmarks/populate_run.py REDIS_URL PREFIX CHATS_JSON_FILE

Only modules every version of briefbot has are used (what ``delivery_harness.prepared_run``
calls, through the benchmarked checkout's own Python).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from redis.asyncio import Redis

from bot.digest.parser import load_digest
from bot.keys import Keys
from bot.store.digests import DigestArchive
from bot.store.subscriber import Subscriber
from bot.store.subscribers import SubscriberStore

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "digests" / "2025-07-21.md"
BATCH = 5000


async def populate(url: str, prefix: str, chats: list[int]) -> None:
    client = Redis.from_url(url, decode_responses=True)
    try:
        await DigestArchive(client, Keys(prefix)).save(load_digest(EXAMPLE))
        store = SubscriberStore(client, Keys(prefix))
        for start in range(0, len(chats), BATCH):
            await store.put_many(
                [
                    Subscriber(chat, "active", "Asia/Shanghai", "08:00", "compact", (), "zh", 0)
                    for chat in chats[start : start + BATCH]
                ]
            )
    finally:
        await client.aclose()


if __name__ == "__main__":
    url, prefix, path = sys.argv[1:4]
    asyncio.run(populate(url, prefix, json.loads(Path(path).read_text())))
