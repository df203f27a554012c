"""The one log line a batch (a push, a broadcast, a correction) gets when it finishes: its
counters as ``extra=`` fields, so ``LOG_FORMAT=json`` carries them for collectors. Counts
only: a message's text is never logged at INFO."""

from __future__ import annotations

import logging
import time

from bot.store.progress import BatchProgress, ProgressStore

logger = logging.getLogger("bot.delivery.summary")


async def summarise_if_finished(
    progress: ProgressStore, batch_id: str, kind: str | None, now: float | None = None
) -> bool:
    """Log the batch's summary if it has just finished and no process has logged this
    finish yet; True when this call logged it."""
    state = await progress.claim_summary(batch_id)
    if state is None:
        return False
    log_summary(state, kind, (time.time() if now is None else now) - state.started_at)
    return True


def log_summary(state: BatchProgress, kind: str | None, seconds: float) -> None:
    """``push scheduled-2025-07-21 finished: 30 of 30 delivered, 0 failed, ...``."""
    seconds = max(seconds, 0.0)
    rate = state.handled / seconds if seconds > 0 else 0.0
    logger.info(
        "%s %s finished: %d of %d delivered, %d failed, %d blocked, %d skipped in %.1fs (%.1f/s)",
        kind or "batch",
        state.batch_id,
        state.sent,
        state.enqueued,
        state.failed,
        state.blocked,
        state.skipped,
        seconds,
        rate,
        extra={
            "batch_id": state.batch_id,
            "kind": kind,
            "enqueued": state.enqueued,
            "delivered": state.sent,
            "failed": state.failed,
            "blocked": state.blocked,
            "skipped": state.skipped,
            "duration_seconds": round(seconds, 3),
            "rate_per_second": round(rate, 2),
        },
    )
