"""What the sandbox has served, for benchmarks and tests: per method, per chat, 429s, peak."""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from sandbox.models import JSON


@dataclass
class Counters:
    """Request and message counts since the sandbox started or was last reset."""

    requests: Counter[str] = field(default_factory=Counter)
    messages_per_chat: Counter[int] = field(default_factory=Counter)
    status_codes: Counter[int] = field(default_factory=Counter)
    too_many_requests: int = 0
    peak_messages_per_second: int = 0
    first_message_at: float | None = None  # server clock (monotonic seconds)
    last_message_at: float | None = None
    clock: Callable[[], float] = time.monotonic
    _recent: deque[float] = field(default_factory=deque)

    def reset(self) -> None:
        """Start counting from zero (a benchmark run, a test phase)."""
        self.requests.clear()
        self.messages_per_chat.clear()
        self.status_codes.clear()
        self.too_many_requests = 0
        self.peak_messages_per_second = 0
        self.first_message_at = self.last_message_at = None
        self._recent.clear()

    def request(self, method: str) -> None:
        self.requests[method] += 1

    def answered(self, status: int) -> None:
        self.status_codes[status] += 1
        if status == 429:
            self.too_many_requests += 1

    def message_sent(self, chat_id: int) -> None:
        """Count a delivered bot message; the peak is the most in any one-second window."""
        self.messages_per_chat[chat_id] += 1
        stamp = self.clock()
        if self.first_message_at is None:
            self.first_message_at = stamp
        self.last_message_at = stamp
        recent = self._recent
        recent.append(stamp)
        while recent[0] <= stamp - 1.0:
            recent.popleft()
        if len(recent) > self.peak_messages_per_second:
            self.peak_messages_per_second = len(recent)

    def to_json(self) -> JSON:
        return {
            "requests": dict(self.requests),
            "requests_total": sum(self.requests.values()),
            "messages_per_chat": {str(chat): n for chat, n in self.messages_per_chat.items()},
            "messages_total": sum(self.messages_per_chat.values()),
            "status_codes": {str(code): n for code, n in self.status_codes.items()},
            "too_many_requests": self.too_many_requests,
            "peak_messages_per_second": self.peak_messages_per_second,
            "sustained_messages_per_second": self.sustained_rate(),
        }

    def sustained_rate(self) -> float | None:
        """Messages per second between the first and the last one, on the server's clock
        (what a benchmark at a limit reports, free of the sender's start-up)."""
        first, last = self.first_message_at, self.last_message_at
        total = sum(self.messages_per_chat.values())
        if first is None or last is None or last <= first:
            return None
        return (total - 1) / (last - first)
