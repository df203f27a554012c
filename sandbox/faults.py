"""Injected faults: Telegram's flood limits (429), vanished chats, 5xx bursts, latency, and a
server that stops answering. Off by default, so benchmarks are never limited by the sandbox."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from sandbox.models import JSON

# Methods that send or change a message: the ones Telegram's flood limits count.
RATE_LIMITED_METHODS = frozenset(
    {"sendMessage", "editMessageText", "editMessageReplyMarkup", "copyMessage", "forwardMessage"}
)
# Telegram's published limits, switched on with ``FaultConfig.real_limits()``.
REAL_GLOBAL_RATE = 30.0
REAL_PER_CHAT_RATE = 1.0
REAL_PER_CHAT_BURST = 3
REAL_GROUP_PER_MINUTE = 20


class FaultConfigError(ValueError):
    """A fault setting the control API cannot accept."""


@dataclass(frozen=True)
class FaultConfig:
    """Which faults are on. ``None`` / 0 / empty means off."""

    global_rate: float | None = None  # messages per second over all chats
    global_burst: int | None = None  # bucket size of the global limit (default: the rate)
    # The strictest reading of "N messages per second": at most N messages over all chats
    # in ANY one-second interval (a sliding window on the server's clock), not a bucket.
    flood_window: int | None = None
    per_chat_rate: float | None = None  # messages per second per chat
    per_chat_burst: int = REAL_PER_CHAT_BURST
    group_per_minute: int | None = None  # messages per minute per group / supergroup
    retry_after: int | None = None  # fixed retry_after in 429s (default: time to a token)
    missing_chats: frozenset[int] = frozenset()  # answer 400 "chat not found"
    deactivated_chats: frozenset[int] = frozenset()  # 403 "user is deactivated" to sends
    error_burst: int = 0  # the next N requests answer ``error_status``
    error_status: int = 502
    latency_ms: int = 0  # added before each answer
    hang: bool = False  # accept requests and never answer
    # Methods error_burst / latency / hang apply to; None: every method but getUpdates.
    methods: frozenset[str] | None = None

    @classmethod
    def real_limits(cls, flood_window: int | None = None) -> FaultConfig:
        """Telegram's own flood limits, nothing else; with ``flood_window``, the overall
        limit is that many messages in any one-second interval instead of the 30/s token
        bucket (a real limit stricter, or lower, than the one a bot is configured for)."""
        return cls(
            global_rate=None if flood_window else REAL_GLOBAL_RATE,
            flood_window=flood_window or None,
            per_chat_rate=REAL_PER_CHAT_RATE,
            per_chat_burst=REAL_PER_CHAT_BURST,
            group_per_minute=REAL_GROUP_PER_MINUTE,
        )

    def updated(self, changes: dict[str, Any]) -> FaultConfig:
        """A copy with ``changes`` (JSON values from the control API) applied and checked."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise FaultConfigError(f"unknown fault settings: {', '.join(unknown)}")
        values: dict[str, Any] = {}
        try:
            for name, value in changes.items():
                values[name] = _coerce(name, value)
        except (TypeError, ValueError, OverflowError) as exc:  # OverflowError: int(1e400)
            raise FaultConfigError(f"bad value for {name}: {value!r} ({exc})") from exc
        return replace(self, **values)

    def to_json(self) -> JSON:
        data = asdict(self)
        data["missing_chats"] = sorted(self.missing_chats)
        data["deactivated_chats"] = sorted(self.deactivated_chats)
        data["methods"] = None if self.methods is None else sorted(self.methods)
        return data

    def affects(self, method: str) -> bool:
        """Whether error bursts, latency and hanging apply to ``method``."""
        if self.methods is None:
            return method.lower() != "getupdates"
        # Method names are case-insensitive, as in the Bot API.
        return method.lower() in {name.lower() for name in self.methods}


def _coerce(name: str, value: Any) -> Any:
    if name in ("missing_chats", "deactivated_chats"):
        return frozenset(int(v) for v in value)
    if name == "methods":
        return None if value is None else frozenset(str(v) for v in value)
    if name == "hang":
        if not isinstance(value, bool):
            raise TypeError("expected true or false")
        return value
    if value is None:
        if name in (
            "global_rate",
            "global_burst",
            "flood_window",
            "per_chat_rate",
            "group_per_minute",
        ):
            return None
        if name == "retry_after":
            return None
        raise TypeError("may not be null")
    number = float(value) if name in ("global_rate", "per_chat_rate") else int(value)
    if not math.isfinite(number):  # a NaN rate would compare false with every limit
        raise ValueError("not a finite number")
    if number < 0 or (name == "error_status" and not 500 <= number <= 599):
        raise ValueError("out of range")
    return number


@dataclass(slots=True)
class _Bucket:
    """A token bucket: ``rate`` tokens a second, at most ``capacity``."""

    rate: float
    capacity: float
    tokens: float
    stamp: float

    def take(self, now: float) -> float:
        """Take a token; 0 when granted, else seconds until one is available."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


@dataclass
class Faults:
    """The current fault configuration and the flood-limit buckets it drives."""

    config: FaultConfig = field(default_factory=FaultConfig)
    _global: _Bucket | None = None
    clock: Callable[[], float] = time.monotonic  # the server's clock (tests set their own)
    _window: deque[float] = field(default_factory=deque)  # accepted sends, last second
    _chats: dict[int, _Bucket] = field(default_factory=dict)
    _groups: dict[int, _Bucket] = field(default_factory=dict)

    def configure(self, config: FaultConfig) -> None:
        """Switch to ``config``; flood buckets start full again."""
        self.config = config
        self._global = None
        self._window.clear()
        self._chats.clear()
        self._groups.clear()

    def take_error(self, method: str) -> int | None:
        """The 5xx status this request must answer, if an error burst is running."""
        config = self.config
        if config.error_burst <= 0 or not config.affects(method):
            return None
        self.config = replace(config, error_burst=config.error_burst - 1)
        return config.error_status

    def flood_wait(self, chat_id: int, is_group: bool) -> int | None:
        """None when a message to ``chat_id`` may go now, else the retry_after to answer.

        A refused message takes no token, as with Telegram.
        """
        config = self.config
        now = self.clock()
        waits: list[tuple[_Bucket, float]] = []
        if config.global_rate:
            if self._global is None:
                burst = config.global_burst or max(1.0, config.global_rate)
                self._global = _Bucket(config.global_rate, burst, burst, now)
            waits.append((self._global, self._global.take(now)))
        if config.per_chat_rate:
            bucket = self._chats.get(chat_id)
            if bucket is None:
                burst = float(max(1, config.per_chat_burst))
                bucket = self._chats[chat_id] = _Bucket(config.per_chat_rate, burst, burst, now)
            waits.append((bucket, bucket.take(now)))
        if is_group and config.group_per_minute:
            bucket = self._groups.get(chat_id)
            if bucket is None:
                per_minute = float(config.group_per_minute)
                bucket = _Bucket(per_minute / 60.0, per_minute, per_minute, now)
                self._groups[chat_id] = bucket
            waits.append((bucket, bucket.take(now)))
        longest = max((wait for _, wait in waits), default=0.0)
        if config.flood_window and self._window_full(now, config.flood_window):
            longest = max(longest, 1.0)  # the oldest leaves the window within a second
        if longest <= 0:
            if config.flood_window:
                self._window.append(now)
            return None
        for bucket, wait in waits:
            if wait == 0:
                bucket.tokens += 1.0  # give back what this refused message took
        return config.retry_after or max(1, math.ceil(longest))

    def _window_full(self, now: float, limit: int) -> bool:
        """Whether ``limit`` messages were accepted in the second before ``now``."""
        window = self._window
        while window and window[0] < now - 1.0:  # one exactly 1 s ago still counts
            window.popleft()
        return len(window) >= limit
