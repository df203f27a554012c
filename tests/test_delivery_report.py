"""What ``briefbot push --wait`` prints: the progress line and the closing summary."""

from __future__ import annotations

from bot.delivery.queue.report import progress_line, redraw, summary
from bot.i18n import plural
from bot.store.progress import BatchProgress


def test_the_progress_line_shows_counts_rate_and_time_left() -> None:
    progress = BatchProgress("p", enqueued=1000, sent=480, failed=2, blocked=8, skipped=10)
    line = progress_line(progress, rate=25.0)
    assert line.startswith("[############............] 500/1000 ")
    assert "sent 480 failed 2 blocked 8 skipped 10" in line
    assert line.endswith("· 25.0/s · ETA 20s")


def test_the_line_of_a_push_not_yet_moving_has_no_eta() -> None:
    line = progress_line(BatchProgress("p", enqueued=10), rate=0.0)
    assert line.startswith("[........................] 0/10 ")
    assert line.endswith("· 0.0/s · ETA -")


def test_the_summary_names_every_outcome() -> None:
    done = BatchProgress("manual-x", enqueued=12, sent=9, failed=1, blocked=1, skipped=1)
    assert summary(done, 4.0) == (
        "push manual-x: 12 tasks, 9 sent, 1 failed (dead-lettered), 1 blocked, "
        "1 skipped, in 4.0s (3.0/s)"
    )


def test_the_summary_of_one_task_says_task() -> None:
    done = BatchProgress("manual-y", enqueued=1, sent=1)
    assert summary(done, 1.0).startswith("push manual-y: 1 task, 1 sent, ")


def test_plural_counts_regular_and_irregular_nouns() -> None:
    assert [plural(1, "key"), plural(0, "key"), plural(2, "delivery", "deliveries")] == [
        "1 key",
        "0 keys",
        "2 deliveries",
    ]


def terminal(writes: list[str]) -> str:
    """What one terminal line shows after ``writes`` (``\r`` returns to its start)."""
    shown: list[str] = []
    column = 0
    for char in "".join(writes):
        if char == "\r":
            column = 0
            continue
        if column < len(shown):
            shown[column] = char
        else:
            shown.append(char)
        column += 1
    return "".join(shown).rstrip()


def test_a_shorter_progress_line_leaves_nothing_of_the_longer_one() -> None:
    longer = progress_line(BatchProgress("p", enqueued=100, sent=10), rate=9.5)  # ETA 9s
    shorter = progress_line(BatchProgress("p", enqueued=100, sent=91), rate=1.5)  # ETA 6s
    assert longer.endswith("ETA 9s") and shorter.endswith("ETA 6s")
    wide = progress_line(BatchProgress("p", enqueued=100, sent=20), rate=10.0)
    assert terminal([redraw(wide, ""), redraw(longer, wide)]) == longer
    assert terminal([redraw(longer, ""), redraw("ETA 8s", longer)]) == "ETA 8s"
