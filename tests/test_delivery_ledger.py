"""The delivery ledger: one delivery per (date, chat), stale claims taken over."""

from __future__ import annotations

import asyncio

from bot.store.ledger import DeliveryLedger
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
