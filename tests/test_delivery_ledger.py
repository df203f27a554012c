"""The delivery ledger: one delivery per (date, chat), stale claims taken over."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from bot.keys import Keys
from bot.store.ledger import DeliveryLedger, Sent
from tests.fixtures.stores import MovableClock

DATE = "2025-07-21"


async def test_only_one_of_many_concurrent_claims_is_granted(ledger: DeliveryLedger) -> None:
    results = await asyncio.gather(
        *(ledger.claim(DATE, 42, f"sender-{n}", stale_after=60) for n in range(10))
    )
    granted = [r for r in results if r.granted]
    assert len(granted) == 1
    winner = granted[0].entry.claimer
    assert all(r.entry.claimer == winner for r in results)


async def test_a_sent_delivery_is_never_claimed_again(
    ledger: DeliveryLedger, clock: MovableClock
) -> None:
    assert (await ledger.claim(DATE, 42, "a", stale_after=60)).granted
    sent = await ledger.record_sent(DATE, 42, [1001, 1002], "hash-1")
    clock.advance(days=1)
    again = await ledger.claim(DATE, 42, "a", stale_after=60)
    assert not again.granted
    assert again.entry.sent
    assert again.entry.message_ids == (1001, 1002)
    assert again.entry.content_hash == "hash-1"
    assert await ledger.get(DATE, 42) == sent


async def test_the_same_claimer_may_claim_again_and_a_stale_claim_is_taken_over(
    ledger: DeliveryLedger, clock: MovableClock
) -> None:
    assert (await ledger.claim(DATE, 42, "a", stale_after=60)).granted
    assert (await ledger.claim(DATE, 42, "a", stale_after=60)).granted
    clock.advance(seconds=30)
    refused = await ledger.claim(DATE, 42, "b", stale_after=60)
    assert not refused.granted and refused.entry.claimer == "a"
    clock.advance(seconds=31)
    taken = await ledger.claim(DATE, 42, "b", stale_after=60)
    assert taken.granted and taken.entry.claimer == "b"


async def test_a_released_claim_can_be_claimed_by_another_sender(
    ledger: DeliveryLedger,
) -> None:
    await ledger.claim(DATE, 42, "a", stale_after=60)
    assert not await ledger.release(DATE, 42, "b")  # not b's to give back
    assert await ledger.release(DATE, 42, "a")
    assert await ledger.get(DATE, 42) is None
    assert (await ledger.claim(DATE, 42, "b", stale_after=60)).granted


async def test_a_sent_entry_cannot_be_released(ledger: DeliveryLedger) -> None:
    await ledger.claim(DATE, 42, "a", stale_after=60)
    await ledger.record_sent(DATE, 42, [7], "h")
    assert not await ledger.release(DATE, 42, "a")
    entry = await ledger.get(DATE, 42)
    assert entry is not None and entry.sent


async def test_deliveries_list_every_chat_of_a_date_for_corrections(
    ledger: DeliveryLedger,
) -> None:
    chats = [*range(1, 300), -1001234567890]
    for chat in chats:
        await ledger.claim(DATE, chat, "a", stale_after=60)
        await ledger.record_sent(DATE, chat, [chat * 10 % 1000 + 1], "h")
    await ledger.claim(DATE, 5000, "a", stale_after=60)  # in flight
    await ledger.record_sent("2025-07-22", 1, [9], "other day")
    entries = {e.chat_id: e async for e in ledger.deliveries(DATE, count=50)}
    assert set(entries) == {*chats, 5000}
    assert entries[-1001234567890].message_ids == ((-1001234567890 * 10) % 1000 + 1,)
    assert not entries[5000].sent
    assert await ledger.count(DATE) == len(chats) + 1
    assert await ledger.count("2025-07-23") == 0


async def test_claim_many_applies_the_claim_rule_to_each_item_in_one_call(
    ledger: DeliveryLedger, clock: MovableClock
) -> None:
    await ledger.claim(DATE, 1, "a", stale_after=60)
    await ledger.record_sent(DATE, 1, [11], "h")  # delivered already
    await ledger.claim(DATE, 2, "b", stale_after=60)  # b's, will stay fresh
    await ledger.claim(DATE, 3, "b", stale_after=60)  # b's, will go stale
    clock.advance(seconds=61)
    await ledger.claim(DATE, 2, "b", stale_after=60)
    await ledger.claim(DATE, 4, "a", stale_after=60)  # a's own claim
    results = await ledger.claim_many(
        [(DATE, 1), (DATE, 2), (DATE, 3), (DATE, 4), (DATE, 5), (DATE, 5), ("2025-07-22", 1)],
        "a",
        stale_after=60,
    )
    assert [r.granted for r in results] == [False, False, True, True, True, True, True]
    assert results[0].entry.sent and results[0].entry.message_ids == (11,)
    assert results[1].entry.claimer == "b"
    assert all(r.entry.claimer == "a" for r in results[2:])
    assert (await ledger.get("2025-07-22", 1)) == results[6].entry
    assert await ledger.claim_many([], "a", stale_after=60) == []


async def test_concurrent_claim_many_grant_each_chat_to_exactly_one_claimer(
    ledger: DeliveryLedger,
) -> None:
    batches = [[(DATE, chat) for chat in range(start, start + 20)] for start in (0, 10, 5)]
    answers = await asyncio.gather(
        *(ledger.claim_many(b, f"sender-{n}", stale_after=60) for n, b in enumerate(batches))
    )
    winners: dict[int, str] = {}
    for n, (batch, results) in enumerate(zip(batches, answers, strict=True)):
        for (_, chat), result in zip(batch, results, strict=True):
            if result.granted:
                assert chat not in winners, f"chat {chat} granted twice"
                winners[chat] = f"sender-{n}"
            else:
                assert result.entry.claimer != f"sender-{n}"
    assert sorted(winners) == list(range(30))


async def test_record_many_records_every_delivery_and_they_are_never_claimed_again(
    ledger: DeliveryLedger, redis: Redis, keys: Keys
) -> None:
    entries = await ledger.record_many(
        [
            Sent(DATE, 1, (10, 11), "h1"),
            Sent(DATE, 2, (20,), "h1"),
            Sent("2025-07-22", 1, (30,), "h2"),
        ]
    )
    assert [e.message_ids for e in entries] == [(10, 11), (20,), (30,)]
    assert all(e.sent for e in entries)
    assert await ledger.get(DATE, 2) == entries[1]
    assert await ledger.get("2025-07-22", 1) == entries[2]
    again = await ledger.claim_many([(DATE, 1), (DATE, 2)], "a", stale_after=60)
    assert [r.granted for r in again] == [False, False]
    for date in (DATE, "2025-07-22"):  # kept for corrections and reruns, then expires
        assert 29 * 86400 < await redis.ttl(keys.sent(date)) <= 30 * 86400
