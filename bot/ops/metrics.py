"""briefbot's Prometheus metrics, made with ``prometheus-client`` in its default registry.

Names follow Prometheus' conventions and the task-queue exporters operators already know
(Celery's ``celery_task_sent_total``, Dramatiq's ``dramatiq_messages_total`` /
``dramatiq_message_errors_total`` / ``dramatiq_messages_inprogress``): ``briefbot_`` first,
base units in the name (``_seconds``), ``_total`` on counters (added by the library).

Two sorts: what this process did (counters and histograms, moved where it happens: the
senders, the transport, the handlers), and the shared state every process sees the same
way (gauges read from Redis when ``/metrics`` is scraped, ``bot.ops.server``). Every
process exposes its own; sum the counters across processes in PromQL.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Coroutine
from datetime import date, datetime
from datetime import time as clock_time
from typing import Any, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from prometheus_client import Counter, Gauge, Histogram

T = TypeVar("T")
P = ParamSpec("P")

# --- what this process did --------------------------------------------------------------
MESSAGES_SENT = Counter(
    "briefbot_messages_sent", "Messages this process sent to Telegram, by task kind", ["kind"]
)
MESSAGES_EDITED = Counter(
    "briefbot_messages_edited",
    "Messages this process edited in place (corrections), by task kind",
    ["kind"],
)
TASKS = Counter(
    "briefbot_tasks",
    "Delivery tasks this process finished, by kind and outcome (sent, skipped, blocked, failed)",
    ["kind", "outcome"],
)
SEND_FAILURES = Counter(
    "briefbot_send_failures",
    "Failed sends, by reason (flood, gone, migrated, transient, permanent)",
    ["reason"],
)
FLOOD_WAITS = Counter("briefbot_flood_waits", "429 Too Many Requests answers from Telegram")
FLOOD_PAUSE = Counter(
    "briefbot_flood_pause_seconds", "Seconds every sender was told to pause by 429 answers"
)
RETRIES = Counter("briefbot_send_retries", "Sends retried after a transient failure")
DEAD_LETTERED = Counter("briefbot_dead_lettered", "Tasks this process gave up on (dead letters)")
IN_PROGRESS = Gauge("briefbot_messages_inprogress", "Sends to Telegram in flight in this process")
DELIVERY_LAG = Histogram(
    "briefbot_delivery_lag_seconds",
    "From a reader's push time to their digest's last message being sent",
    buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600),
)
HANDLER_LATENCY = Histogram(
    "briefbot_handler_duration_seconds",
    "Time to handle a reader's command, by command",
    ["command"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
BOT_API_LAST_SUCCESS = Gauge(
    "briefbot_bot_api_last_success_timestamp_seconds",
    "When this process last got a 200 answer from the Bot API (Unix time)",
)

# --- shared state, read from Redis at each scrape -------------------------------------
REDIS_UP = Gauge("briefbot_redis_up", "1 when Redis answered this scrape's PING, else 0")
REDIS_PING = Gauge("briefbot_redis_ping_seconds", "How long this scrape's PING to Redis took")
OUTBOX_DEPTH = Gauge("briefbot_outbox_depth", "Tasks in the outbox (waiting or being sent)")
OUTBOX_PENDING = Gauge("briefbot_outbox_pending", "Outbox tasks read by a sender, not yet done")
OUTBOX_OLDEST = Gauge(
    "briefbot_outbox_oldest_age_seconds", "Age of the oldest task in the outbox (0 when empty)"
)
DEAD_LETTERS = Gauge("briefbot_dead_letters", "Tasks in the dead-letter stream")
SUBSCRIBERS = Gauge("briefbot_subscribers", "Subscribers by status", ["status"])
DIGEST_AGE = Gauge("briefbot_digest_age_seconds", "Seconds since the newest digest was stored")


_bot_api: dict[str, float] = {}
_last_task: list[tuple[str, float]] = []
_sends = {"in_flight": 0}
# Read when scraped, not set on every send: a sender makes tens of thousands of sends,
# and a gauge's inc/dec (or set) takes its lock each time.
IN_PROGRESS.set_function(lambda: _sends["in_flight"])
BOT_API_LAST_SUCCESS.set_function(lambda: _bot_api.get("last_success", 0.0))


@functools.cache
def _tasks_of(kind: str, outcome: str) -> Counter:
    return TASKS.labels(kind=kind, outcome=outcome)


@functools.cache
def _sent_of(kind: str) -> Counter:
    return MESSAGES_SENT.labels(kind=kind)


def message_sent(kind: str) -> None:
    """A task of ``kind`` sent one message (a labelled child looked up once per kind: a
    sender counts every delivery)."""
    _sent_of(kind).inc()


def send_started() -> None:
    """A send to Telegram went in flight in this process (``send_ended`` when it is over)."""
    _sends["in_flight"] += 1


def send_ended() -> None:
    """A send that ``send_started`` counted is over (answered or failed)."""
    _sends["in_flight"] -= 1


def task_finished(kind: str, outcome: str) -> None:
    """A delivery task got its final outcome in this process."""
    _tasks_of(kind, outcome).inc()
    _last_task[:] = [(outcome, time.time())]


def last_delivery() -> tuple[str, float] | None:
    """(outcome, when) of the last task this process finished, or None."""
    return _last_task[0] if _last_task else None


def observe_delivery_lag(day: str, zone: ZoneInfo, at: clock_time) -> None:
    """A reader's digest of ``day`` is ready to go now; their push time was ``at`` in
    ``zone`` that day. A push sent before it (``briefbot push --now``) is no lag."""
    lag = time.time() - _push_instant(day, zone, at)
    if lag >= 0:
        DELIVERY_LAG.observe(lag)


@functools.lru_cache(maxsize=1024)  # a push's readers share a few zones and times
def _push_instant(day: str, zone: ZoneInfo, at: clock_time) -> float:
    return datetime.combine(date.fromisoformat(day), at, tzinfo=zone).timestamp()


def send_failed(reason: str, pause_seconds: float = 0.0) -> None:
    """A send failed for ``reason`` (an ``ErrorKind`` value); a 429 told us to pause."""
    SEND_FAILURES.labels(reason=reason).inc()
    if reason == "flood":
        FLOOD_WAITS.inc()
        FLOOD_PAUSE.inc(pause_seconds)


def bot_api_answered() -> None:
    """The Bot API answered 200 just now (``bot.transport``)."""
    _bot_api["last_success"] = time.time()


def last_bot_api_success() -> float | None:
    """When the Bot API last answered 200 in this process, or None."""
    return _bot_api.get("last_success")


def timed_handler(
    command: str, callback: Callable[P, Coroutine[Any, Any, T]]
) -> Callable[P, Coroutine[Any, Any, T]]:
    """``callback`` with its duration observed under ``command``."""
    histogram = HANDLER_LATENCY.labels(command=command)

    async def timed(*args: P.args, **kwargs: P.kwargs) -> T:
        with histogram.time():
            return await callback(*args, **kwargs)

    return timed
