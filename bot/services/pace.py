"""How fast a batch of deliveries goes and how long it still needs: what the admin's
status messages show for a broadcast or a push."""

from __future__ import annotations

import time

from bot.store.progress import BatchProgress as BatchProgress  # what status screens show


def pace(progress: BatchProgress) -> tuple[float, float | None]:
    """Tasks per second since the batch started, and the seconds left at that rate (None
    when unknown or nothing is left)."""
    elapsed = time.time() - progress.started_at if progress.started_at else 0.0
    rate = progress.handled / elapsed if elapsed > 0 else 0.0
    remaining = progress.enqueued - progress.handled
    return rate, (remaining / rate if rate > 0 and remaining > 0 else None)
