"""The counters every status message of a batch shows (a broadcast, a push)."""

from __future__ import annotations

from bot.services.pace import BatchProgress


def progress_params(progress: BatchProgress, rate: float, eta: float | None) -> dict[str, object]:
    """sent / failed / blocked / skipped, handled of total, rate and ETA, for ``t``."""
    return {
        "sent": progress.sent,
        "failed": progress.failed,
        "blocked": progress.blocked,
        "skipped": progress.skipped,
        "handled": progress.handled,
        "total": progress.enqueued,
        "rate": f"{rate:.1f}",
        "eta": "-" if eta is None else f"{eta:.0f}s",
    }
