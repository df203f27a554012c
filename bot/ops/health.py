"""``/healthz``: whether this process can do its job, and what an operator looks at first.

The process is healthy (200) while Redis answers a PING within ``PING_LIMIT_SECONDS``;
503 when it does not (Redis is the only state: without it nothing can be read, sent or
scheduled). Everything else is reported, not judged: a Bot API that has not answered for
a while, no digest today, a backlog, because restarting the process fixes none of them.
The body, every figure in seconds or Unix time:

    {"status": "ok", "process": "run", "redis": {"ok": true, "ping_seconds": 0.0004},
     "bot_api": {"last_success": 1753056000.1, "age_seconds": 12.0},
     "scheduler_lease": {"holder": "3f2c..."}, "digest": {"date": "2025-07-21",
     "stored_at": 1753050000.0, "age_seconds": 6000.0},
     "last_delivery": {"outcome": "sent", "at": 1753055990.0, "age_seconds": 10.0},
     "outbox": {"depth": 0, "pending": 0, "oldest_age_seconds": null}}
"""

from __future__ import annotations

import time
from typing import Any

from bot.ops import metrics
from bot.runtime import Runtime
from bot.store.errors import StoreUnavailable
from bot.store.ops_readings import OpsReadings

# Within the 15 s the operator is promised: the client's own retries take longer.
PING_LIMIT_SECONDS = 3.0


def _age(now: float, at: float | None) -> float | None:
    return None if at is None else round(max(0.0, now - at), 3)


async def health(runtime: Runtime, process: str) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) of ``/healthz`` for this process (``process``: run or worker)."""
    now = time.time()
    readings = OpsReadings(runtime.connection.client, runtime.connection.keys)
    last_success = metrics.last_bot_api_success()
    delivery = metrics.last_delivery()
    body: dict[str, Any] = {
        "status": "ok",
        "process": process,
        "redis": {"ok": True},
        "bot_api": {"last_success": last_success, "age_seconds": _age(now, last_success)},
        "last_delivery": None
        if delivery is None
        else {"outcome": delivery[0], "at": delivery[1], "age_seconds": _age(now, delivery[1])},
    }
    try:
        body["redis"]["ping_seconds"] = round(await readings.ping_seconds(PING_LIMIT_SECONDS), 6)
        body["scheduler_lease"] = {"holder": await runtime.stores.lease.current_holder()}
        latest = await readings.latest_digest()
        body["digest"] = (
            None
            if latest is None
            else {
                "date": latest.date,
                "stored_at": latest.saved_at,
                "age_seconds": _age(now, latest.saved_at),
            }
        )
        depth, _dead = await readings.stream_lengths()
        body["outbox"] = {
            "depth": depth,
            "pending": await runtime.stores.outbox.pending(),
            "oldest_age_seconds": await readings.outbox_oldest_seconds(now),
        }
    except StoreUnavailable as error:
        body["status"] = "unavailable"
        body["redis"] = {"ok": False, "error": str(error)}
        return 503, body
    return 200, body
