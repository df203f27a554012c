"""The global rate and per-chat pacing every process obeys, held in Redis
(``bot.store.send_slots``).

``RateLimiter.acquire_many(chat_ids)`` runs ``bucket.lua`` once for the messages several
senders want to send now (``acquire(chat_id)`` for one) and answers with a ``Slot`` each:
send after a short wait, or try this chat later (its pace or a flood pause), so a sender
never sits idle on one chat while others could be served.

Never early, never bunched, whoever counts: slots are spaced at the rate less a safety
margin, so a message may leave up to ``SAFETY_MARGIN`` seconds late without any second on
the receiver's clock holding more than the rate. A slot's moment is Redis's, read on this
process's clock through the offset of the fastest recent round trip to Redis (not "when the
answer was read plus the wait": an answer read late would make every slot of the batch
late, unseen). The receiver counts a message somewhere between when its request left and
when its answer came; past the quickest round trip of late, whatever more the answer took
may have been spent before the receiver counted it. So a message whose answer came later
than its slot plus that quickest round trip is reported (``departed``) as counted then, and
no slot is given less than a second after the rate-th latest send as counted: no one-second
window on the receiver's clock holds more than the rate, whatever the jitter after the
request left. A slot is good only until ``SLOT_VALID_SECONDS`` after its moment: a sender
that wakes later gives it up and asks again.

A rate that adapts: ``flood(retry_after)``, what a 429 calls, pauses every sender in every
process and lowers the shared rate (``flood.lua``); the rate then climbs back while no 429
comes (``bucket.lua``). The effective rate is logged when it changes.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from bot.store.errors import StoreUnavailable
from bot.store.ledger import ClaimResult
from bot.store.send_slots import Claimer, SendSlots, SlotAsk
from bot.store.subscriber import Subscriber

logger = logging.getLogger(__name__)

PRIVATE_PACE_SECONDS: Final = 1.0  # Telegram: about one message per second to a chat
GROUP_PACE_SECONDS: Final = 3.0  # 20 messages per minute to a group
HORIZON_SECONDS: Final = 0.25  # how far ahead a sender may reserve its slot
# Slots go at (1 - margin) of the rate: rate+1 consecutive slots then span 1/(1 - margin)
# seconds, about 25 ms more than one, which is how late a message may leave.
SAFETY_MARGIN: Final = 0.025
SLOT_VALID_SECONDS: Final = 0.25  # a sender waking later than this gives its slot up
REPORT_LATE_SECONDS: Final = 0.002  # a send counted later than this after its slot is reported
GUARD_SECONDS: Final = 0.005  # a slot is this much more than a second after the rate-th
# latest send as counted: room for the sends not reported and for reading Redis's clock
# A round trip measured this many seconds ago counts that much worse per second (so the
# fastest one is forgotten when the path got slower, or a clock moved).
CLOCK_AGING: Final = 1e-4  # Redis's clock (its offset drifts by parts per million)
ROUND_TRIP_AGING: Final = 1e-3  # the Bot API's quickest round trip
DECREASE: Final = 0.8  # a 429 multiplies the shared rate by this
KNEE: Final = 0.97  # ... and fast climbing back stops at the rate of the 429 times this
KNEE_CLIMBING: Final = 0.85  # ... or this, for a 429 on the way up (the knee was too high)
CONFIRM_SECONDS: Final = 5.0  # ... or as soon as it was reached
FAST_CLIMB: Final = 0.2  # of the configured rate per second, below the knee
SLOW_CLIMB: Final = 1 / 600  # of the configured rate per second, above it at first
PROBE_DOUBLING_SECONDS: Final = 10.0  # the climb above the knee doubles its speed this often
LOWEST_RATE: Final = 0.5  # messages per second a 429 never takes the rate below
LOG_CHANGE: Final = 0.05  # the effective rate is logged when it moves by this fraction


class SlotVerdict(enum.Enum):
    """What ``acquire`` decided (the numbers are ``bucket.lua``'s)."""

    GRANTED = 0
    FLOOD_PAUSE = 1
    CHAT_NOT_READY = 2
    BUSY = 3
    NOT_CLAIMED = 4  # another sender holds the delivery, or it was sent (no slot taken)
    NOT_ACTIVE = 5  # the reader has no record or is not active (no slot taken)


@dataclass(frozen=True)
class Slot:
    """``GRANTED``: send after ``wait`` seconds, at ``at`` on the monotonic clock, and not
    later than ``SLOT_VALID_SECONDS`` after it. Otherwise: ask again after ``wait``."""

    verdict: SlotVerdict
    wait: float
    at: float = 0.0
    redis_at_us: int = 0  # the same instant on Redis's clock (what every process shares)


@dataclass
class Fastest:
    """The quickest of recent round trips, each counted ``aging`` seconds slower per second
    since it was measured, with what was measured along with it (an offset of clocks)."""

    aging: float
    seconds: float = math.inf
    at: float = 0.0
    measured: float = 0.0

    def now(self, now: float) -> float:
        """The quickest round trip as of ``now``, aged."""
        return self.seconds + (now - self.at) * self.aging

    def offer(self, seconds: float, now: float, measured: float = 0.0, keep: bool = False) -> None:
        """A round trip of ``seconds`` that ended at ``now``: kept if it is the quickest
        (or ``keep``: what was kept before is known wrong)."""
        if keep or seconds <= self.now(now):
            self.seconds, self.at, self.measured = seconds, now, measured


@dataclass(frozen=True)
class Admission:
    """One ``admit_many`` answer: the slot, the claim (None when none was asked, or a
    flood pause came first) and the reader's record (None when not read or not there)."""

    slot: Slot
    claim: ClaimResult | None = None
    reader: Subscriber | None = None


def pace_seconds(chat_id: int) -> float:
    """The minimum gap between two messages to ``chat_id`` (groups have negative ids)."""
    return GROUP_PACE_SECONDS if chat_id < 0 else PRIVATE_PACE_SECONDS


class RateLimiter:
    """The shared limiter of one bot at ``rate`` messages per second."""

    def __init__(self, slots: SendSlots, rate: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.effective_rate = rate  # as of the last answer from Redis
        self.late_slots = 0  # slots given up because the sender woke too late
        self._logged_rate = rate
        self._paused_until = 0.0  # monotonic: a 429 this process got, until its pause ends
        self._window = max(1, math.floor(rate))  # sends in any second, as counted
        self._late: list[tuple[int, int]] = []  # (slot instant, when counted) to report
        self._reporter: asyncio.Task[None] | None = None
        self._slots = slots
        self._redis_clock = Fastest(CLOCK_AGING)  # measured: Redis's clock less ours, s
        self._bot_api = Fastest(ROUND_TRIP_AGING)  # the quickest Bot API call, s

    async def acquire(self, chat_id: int) -> Slot:
        """Reserve the next global slot for one message to ``chat_id``, if it may go."""
        [slot] = await self.acquire_many([chat_id])
        return slot

    async def acquire_many(self, chat_ids: Sequence[int]) -> list[Slot]:
        """``acquire`` for one message to each of ``chat_ids``, in one script call, decided
        in order as if asked one after another; a chat listed twice gets one message."""
        admitted = await self.admit_many([self.ask(chat) for chat in chat_ids])
        return [admission.slot for admission in admitted]

    @staticmethod
    def ask(chat_id: int, date: str | None = None, read_reader: bool = False) -> SlotAsk:
        """A slot for one message to ``chat_id``; with ``date``, only for a granted claim of
        that date's delivery (and with ``read_reader``, of an active reader)."""
        return SlotAsk(chat_id, round(pace_seconds(chat_id) * 1e6), date, read_reader)

    async def admit_many(
        self, asks: Sequence[SlotAsk], claimer: Claimer | None = None
    ) -> list[Admission]:
        """Slots for ``asks`` (see ``ask``) in one script call, decided in order: for an
        ask with a date, the claim first and the reader's record (``claimer`` claims), so
        a delivery's first step is one round trip, not three."""
        if not asks:
            return []
        rules = (self.rate, HORIZON_SECONDS * 1e6, SAFETY_MARGIN, FAST_CLIMB, SLOW_CLIMB,
                 PROBE_DOUBLING_SECONDS, self._window, GUARD_SECONDS * 1e6)  # fmt: skip
        asked = time.monotonic()
        reserved = await self._slots.reserve(rules, asks, claimer)
        answered = time.monotonic()
        self._note_rate(reserved.rate)
        decided = self._on_our_clock(reserved.decided_us, asked, answered)
        admitted = []
        for answer in reserved.answers:
            wait = answer.wait_us / 1e6
            at_us = reserved.decided_us + answer.wait_us
            slot = Slot(SlotVerdict(answer.verdict), wait, decided + wait, at_us)
            admitted.append(Admission(slot, answer.claim, answer.reader))
        return admitted

    def _on_our_clock(self, redis_us: int, asked: float, answered: float) -> float:
        """When Redis decided (``redis_us`` on its clock), on this process's monotonic
        clock: through the offset of the quickest recent round trip, which is accurate to
        half of it, and never outside this call's own round trip."""
        redis = redis_us / 1e6
        clock = self._redis_clock
        offset = redis - (asked + answered) / 2
        clock.offer(answered - asked, answered, offset)
        # Decided within this call, give or take the kept offset's own error (half its trip);
        # further off, a clock moved (Redis's was set): this call knows better.
        slack = clock.now(answered) / 2
        if not asked - slack <= redis - clock.measured <= answered + slack:
            clock.offer(answered - asked, answered, offset, keep=True)
        return redis - clock.measured

    def on_time(self, slot: Slot) -> bool:
        """Whether a sender that slept until ``slot`` may use it now. A sender that wakes
        late (a busy event loop, a loaded machine) still sends, and its real departure is
        reported (``departed``), so the slots a second later move back and no second holds
        more than the rate; one woken later than ``SLOT_VALID_SECONDS`` (or after a 429
        came) gives it up and asks again."""
        now = time.monotonic()
        if now < self._paused_until:
            return False  # a 429 came meanwhile: Redis says for how long on the next ask
        late = now - slot.at
        if late > SLOT_VALID_SECONDS:
            self.late_slots += 1
            if self.late_slots in (1, 10, 100) or self.late_slots % 1000 == 0:
                logger.info("woke %.0f ms after a send slot: gave it up (%d so far)",
                            late * 1000, self.late_slots)  # fmt: skip
            return False
        return True

    def departed(self, slot: Slot, left: float | None, answered: float) -> None:
        """The request of ``slot`` left at ``left`` and its answer (or failure) came at
        ``answered`` (monotonic; ``left`` None: it was never written). The receiver counted
        it at the latest when it answered, less the quickest round trip (the part of the
        trip any request takes); later than ``REPORT_LATE_SECONDS`` after the slot, that
        instant is reported, so the slots a second after it leave room for it."""
        if left is None:
            return
        self._bot_api.offer(answered - left, answered)
        counted = answered - self._bot_api.now(answered)  # at most answered - left
        if counted - slot.at <= REPORT_LATE_SECONDS:
            return
        late_us = round((counted - slot.at) * 1e6)
        self._late.append((slot.redis_at_us, slot.redis_at_us + late_us))
        if self._reporter is None:
            self._reporter = asyncio.create_task(self._report_late())

    async def drain(self) -> None:
        """Wait for the late sends still being reported (on shutdown)."""
        if self._reporter is not None:
            await asyncio.shield(self._reporter)

    async def _report_late(self) -> None:
        """Report late sends in batches (one script call for those that pile up meanwhile);
        a report Redis does not take is dropped: the margin still covers it."""
        try:
            await asyncio.sleep(0)
            while self._late:
                batch, self._late = self._late, []
                try:
                    await self._slots.departed(batch)
                except StoreUnavailable as error:
                    logger.warning("could not report %d late sends: %s", len(batch), error)
        finally:
            self._reporter = None

    async def flood(self, retry_after: float) -> float:
        """A 429: stop every sender for ``retry_after`` seconds (a longer pause already
        running is kept) and, once per flood, lower the shared rate. The effective rate."""
        millis = max(1, round(retry_after * 1000))
        # The slots this process already holds are given up at once, without a round trip
        # (each would draw a 429 of its own); other processes see the pause on their next ask.
        self._paused_until = max(self._paused_until, time.monotonic() + retry_after)
        rules = (self.rate, DECREASE, min(LOWEST_RATE, self.rate), KNEE, KNEE_CLIMBING,
                 CONFIRM_SECONDS)  # fmt: skip
        lowered, rate = await self._slots.flood(millis, rules)
        if lowered:
            logger.warning(
                "429 from Telegram: every sender pauses %.1fs; the shared rate is now "
                "%.1f/s (configured %g/s)", retry_after, rate, self.rate,
            )  # fmt: skip
            self._logged_rate = rate
        self.effective_rate = rate
        return rate

    async def paused_for(self) -> float:
        """Seconds the flood pause still lasts (0 when there is none)."""
        return await self._slots.paused_for_ms() / 1000

    def _note_rate(self, rate: float) -> None:
        """Keep the effective rate; log it when it moved noticeably (or is back to full)."""
        self.effective_rate = rate
        moved = abs(rate - self._logged_rate) >= LOG_CHANGE * self.rate
        if moved or (rate >= self.rate > self._logged_rate):
            logger.info("send rate now %.1f/s (configured %g/s)", rate, self.rate)
            self._logged_rate = rate
