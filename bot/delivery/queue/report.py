"""How a push's progress reads on a terminal: one progress line, and the final summary."""

from __future__ import annotations

from bot.store.progress import BatchProgress

BAR_WIDTH = 24


def progress_line(progress: BatchProgress, rate: float) -> str:
    """``[#####.....] 512/1000 sent 500 failed 0 blocked 2 skipped 10 · 29.8/s · ETA 16s``."""
    total = max(progress.enqueued, 1)
    done = min(progress.handled, total)
    filled = round(BAR_WIDTH * done / total)
    bar = "#" * filled + "." * (BAR_WIDTH - filled)
    remaining = progress.enqueued - progress.handled
    eta = f"ETA {remaining / rate:.0f}s" if rate > 0 and remaining > 0 else "ETA -"
    return (
        f"[{bar}] {progress.handled}/{progress.enqueued} sent {progress.sent} "
        f"failed {progress.failed} blocked {progress.blocked} skipped {progress.skipped} "
        f"· {rate:.1f}/s · {eta}"
    )


def redraw(line: str, previous: str) -> str:
    """What to print to replace the ``previous`` progress line with ``line`` in place: a
    carriage return, the line, and spaces over whatever the previous one had beyond it
    (a shorter line would otherwise leave its tail behind: ``ETA 8ss``)."""
    return "\r" + line + " " * max(0, len(previous) - len(line))


def summary(progress: BatchProgress, seconds: float) -> str:
    """The closing line of ``briefbot push --wait``."""
    rate = progress.handled / seconds if seconds > 0 else 0.0
    return (
        f"push {progress.batch_id}: {progress.enqueued} task{'s' * (progress.enqueued != 1)}, "
        f"{progress.sent} sent, "
        f"{progress.failed} failed (dead-lettered), {progress.blocked} blocked, "
        f"{progress.skipped} skipped, in {seconds:.1f}s ({rate:.1f}/s)"
    )
