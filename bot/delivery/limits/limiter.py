"""The global rate and per-chat pacing every process obeys, held in Redis
(``bot.store.send_slots``).

``RateLimiter.acquire_many(chat_ids)`` asks once for the messages several senders want
to send now (``acquire(chat_id)`` for one) and answers with a ``Slot`` each: send after a
short wait, or try this chat later (its pace or a flood pause), so a sender never sits
idle on one chat while others could be served. ``pause(seconds)`` is what a 429 calls:
every sender in every process sees the pause on its next acquire.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from bot.store.send_slots import SendSlots

PRIVATE_PACE_SECONDS: Final = 1.0  # Telegram: about one message per second to a chat
GROUP_PACE_SECONDS: Final = 3.0  # 20 messages per minute to a group
HORIZON_SECONDS: Final = 0.25  # how far ahead a sender may reserve its slot


class SlotVerdict(enum.Enum):
    """What ``acquire`` decided (the numbers are ``bucket.lua``'s)."""

    GRANTED = 0
    FLOOD_PAUSE = 1
    CHAT_NOT_READY = 2
    BUSY = 3


@dataclass(frozen=True)
class Slot:
    """``GRANTED``: send after ``wait`` seconds. Otherwise: ask again after ``wait``."""

    verdict: SlotVerdict
    wait: float


def pace_seconds(chat_id: int) -> float:
    """The minimum gap between two messages to ``chat_id`` (groups have negative ids)."""
    return GROUP_PACE_SECONDS if chat_id < 0 else PRIVATE_PACE_SECONDS


class RateLimiter:
    """The shared limiter of one bot at ``rate`` messages per second."""

    def __init__(self, slots: SendSlots, rate: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self._slots = slots
        self._interval_us = round(1_000_000 / rate)

    async def acquire(self, chat_id: int) -> Slot:
        """Reserve the next global slot for one message to ``chat_id``, if it may go."""
        [slot] = await self.acquire_many([chat_id])
        return slot

    async def acquire_many(self, chat_ids: Sequence[int]) -> list[Slot]:
        """``acquire`` for one message to each of ``chat_ids``, in one script call, decided
        in order as if asked one after another; a chat listed twice gets one message."""
        if not chat_ids:
            return []
        paces = [(chat, round(pace_seconds(chat) * 1e6)) for chat in chat_ids]
        answers = await self._slots.reserve(self._interval_us, round(HORIZON_SECONDS * 1e6), paces)
        return [Slot(SlotVerdict(verdict), wait_us / 1e6) for verdict, wait_us in answers]

    async def pause(self, seconds: float) -> None:
        """Stop every sender for ``seconds`` (a 429's retry_after); a longer pause that
        is already running is kept."""
        await self._slots.pause(max(1, round(seconds * 1000)))

    async def paused_for(self) -> float:
        """Seconds the flood pause still lasts (0 when there is none)."""
        return await self._slots.paused_for_ms() / 1000
