"""``/search`` on a year of digests: query time of the search service (its in-memory
index, checked against every date's content hash on each query) against a scan of every
stored digest (load and parse each one from Redis, then match), side by side.

    python benchmarks/search.py [--days 365] [--items 20] [--runs 7] [--redis-url URL]

It stores ``--days`` synthetic digests of ``--items`` items (Chinese and English headlines
and summaries, as the shared digest has) under a fresh ``bench-search-...`` key prefix of
the machine's Redis (``redis://127.0.0.1:6379/9`` unless ``--redis-url``), deletes them
afterwards, and checks that both ways find the same items. Figures are medians over
``--runs`` rounds of every query; the first query (the index built from nothing) is
reported apart.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, timedelta

from redis.asyncio import Redis

from bot.digest.model import Digest, Item
from bot.keys import Keys
from bot.services.reader import Reader
from bot.services.search import SearchService, index_digest, matching, split_query
from bot.store.connection import make_client
from bot.store.digests import DigestArchive
from bot.store.subscribers import SubscriberStore

FIRST_DAY = date(2024, 7, 1)
QUERIES = ("英伟达", "芯片 融资", "openai", "robot -tesla", "自动驾驶", "nothing-matches-this")
SUBJECTS = ("英伟达", "OpenAI", "特斯拉", "小米", "京东", "Google", "Anthropic", "华为", "Meta")
ACTIONS = ("发布新一代芯片", "完成数亿元融资", "推出开源模型", "布局机器人业务", "扩建数据中心")
ENGLISH = (
    "Chip makers report record demand for AI accelerators",
    "A startup raises a Series B for robot hands",
    "Open model beats larger rivals on reasoning tests",
    "Tesla folds its robotaxi stack into FSD",
)
READER = Reader(1, "zh")


def synthetic_digest(day: date, items: int, rng: random.Random) -> Digest:
    """One day's digest of ``items`` items, a mix of Chinese and English."""
    built = []
    for number in range(1, items + 1):
        if rng.random() < 0.3:
            title = rng.choice(ENGLISH)
            summary = f"{title}. Analysts expect **more** news on [the market](https://x.test)."
        else:
            title = f"{rng.choice(SUBJECTS)}{rng.choice(ACTIONS)}"
            summary = f"{title}。业内认为这将推动**自动驾驶**与AI芯片的发展。" * 3
        built.append(Item(number, title, f"https://example.com/{day}/{number}", (summary,)))
    return Digest.build(
        date=day.isoformat(),
        title=f"{day:%Y.%m.%d} 全球AI新闻速递",
        categories=(),
        intro=("今日要闻。",),
        items=tuple(built),
        commentary=None,
        source=f"bench/{day}.md",
    )


async def scan_everything(archive: DigestArchive, query: str) -> list[tuple[str, int]]:
    """The baseline: every stored digest loaded and parsed, then matched."""
    include, exclude = split_query(query)
    found: list[tuple[str, int]] = []
    for day in await archive.all_dates():
        digest = await archive.load(day)
        if digest is not None:
            found.extend(
                (day, item.number) for item in matching(index_digest(digest), include, exclude)
            )
    return found


async def service_search(service: SearchService, query: str) -> list[tuple[str, int]]:
    """The search service (the hits it lists; at most 20, as the reader sees them)."""
    result = await service.search(READER, query)
    return [(hit.date, hit.item.number) for hit in result.hits]


async def timed(call: Callable[[], Awaitable[object]]) -> float:
    start = time.perf_counter()
    await call()
    return time.perf_counter() - start


async def main(days: int, items: int, runs: int, redis_url: str) -> None:
    client: Redis = make_client(redis_url)
    keys = Keys(f"bench-search-{uuid.uuid4().hex[:8]}")
    archive = DigestArchive(client, keys)
    rng = random.Random(7)
    try:
        for offset in range(days):
            await archive.save(synthetic_digest(FIRST_DAY + timedelta(days=offset), items, rng))
        service = SearchService(archive, SubscriberStore(client, keys))
        cold = await timed(lambda: service_search(service, QUERIES[0]))
        for query in QUERIES:
            indexed = await service_search(service, query)
            scanned = await scan_everything(archive, query)
            assert indexed == scanned[: len(indexed)], query
        index_times: list[float] = []
        scan_times: list[float] = []
        for _ in range(runs):
            for query in QUERIES:
                index_times.append(await timed(lambda q=query: service_search(service, q)))
                scan_times.append(await timed(lambda q=query: scan_everything(archive, q)))
        index_ms = statistics.median(index_times) * 1000
        scan_ms = statistics.median(scan_times) * 1000
        print(f"{days} digests x {items} items, {len(QUERIES)} queries x {runs} runs (medians)")
        print(f"  search service (in-memory index): {index_ms:8.1f} ms per query")
        print(f"  scan of every stored digest:      {scan_ms:8.1f} ms per query")
        print(
            f"  speed-up: {scan_ms / index_ms:.0f}x; "
            f"first query (index built): {cold * 1000:.0f} ms"
        )
    finally:
        batch = [key async for key in client.scan_iter(match=f"{keys.prefix}:*", count=1000)]
        if batch:
            await client.unlink(*batch)
        await client.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.days, arguments.items, arguments.runs, arguments.redis_url))
