"""The Redis side of corrections: a source's changed version of a delivered date is held
for an admin (never current by itself), an ignored or superseded one is not offered again;
the ledger keeps each delivery's variant and reads records written before it; a
correction's edit ledger finishes a chat once and rewrites its delivery record."""

from __future__ import annotations

import json

from redis.asyncio import Redis

from bot.digest.model import Digest
from bot.keys import Keys
from bot.store.digests import DigestArchive
from bot.store.edits import EditLedger
from bot.store.ledger import DeliveryLedger, LedgerEntry, Sent, Variant
from tests.fixtures.corrections import with_item

DATE = "2025-07-21"


async def test_a_delivered_date_holds_a_changed_version_for_an_admin(
    redis: Redis, keys: Keys, archive: DigestArchive, ledger: DeliveryLedger, example_digest: Digest
) -> None:
    v2 = with_item(example_digest, 3, title="第二版")
    assert (await archive.offer(v2)).status == "changed"  # nobody has it yet: stored
    assert (await archive.load(DATE)) == v2
    await ledger.record_sent(DATE, 42, [7], v2.content_hash)
    v3 = with_item(v2, 3, title="第三版")
    assert (await archive.offer(v3)).status == "held"
    assert (await archive.load(DATE)) == v2  # readers still see what was delivered
    assert await archive.load_version(DATE, v3.content_hash) == v3
    assert await archive.correction_states(DATE) == {v3.content_hash: "pending"}
    assert (await archive.offer(v3)).status == "held"  # still pending, still held

    await archive.set_correction_state(DATE, v3.content_hash, "ignored")
    assert (await archive.offer(v3)).status == "ignored"
    # v2 corrected by an admin (a /correct fix) to v4: the file still holding v2 is no news.
    v4 = with_item(v2, 3, title="管理员更正")
    await archive.save(v4)
    assert (await archive.offer(v2)).status == "superseded"
    assert (await archive.load(DATE)) == v4
    # save (an admin applying) always makes it current.
    assert (await archive.save(v3)).status == "changed"


async def test_the_ledger_keeps_the_variant_and_reads_old_records(
    redis: Redis, keys: Keys, ledger: DeliveryLedger
) -> None:
    variant = Variant("full", "en", ("硬件前沿",), ("+openai",))
    await ledger.record_many([Sent(DATE, 5, (1, 2), "h", variant)])
    stored = await ledger.get(DATE, 5)
    assert stored is not None and stored.variant == variant and stored.message_ids == (1, 2)
    old = {"state": "sent", "at": 1.0, "message_ids": [9], "content_hash": "h"}
    await redis.hset(keys.sent(DATE), "6", json.dumps(old))
    legacy = await ledger.get(DATE, 6)
    assert legacy is not None and legacy.variant is None and legacy.parts is None
    assert legacy.message_ids == (9,)


async def test_an_edit_is_claimed_once_and_finishing_rewrites_the_delivery(
    redis: Redis, keys: Keys, ledger: DeliveryLedger
) -> None:
    edits = EditLedger(redis, keys)
    delivered = await ledger.record_sent(DATE, 5, [1, 2, 3], "old")
    first = await edits.claim(DATE, "new", 5, "a", stale_after=60)
    assert first.granted
    assert not (await edits.claim(DATE, "new", 5, "b", stale_after=60)).granted
    parts = (("head", "i1"), ("i2",), ("i3",))
    corrected = LedgerEntry(5, "sent", delivered.at, None, (1, 2, 3), "new", None, parts)
    await edits.finish(DATE, "new", (2,), corrected)
    assert await edits.done_among(DATE, "new", [5, 6]) == [True, False]
    again = await edits.claim(DATE, "new", 5, "a", stale_after=60)
    assert not again.granted and again.entry.sent
    entry = await ledger.get(DATE, 5)
    assert entry is not None and entry.content_hash == "new"
    assert entry.parts == parts
