"""Embedded Redis: how long a process waits to start the folder's server, to join a
running one, and to stop it as its last user; medians over ``--runs`` fresh folders.

    python benchmarks/embedded_redis.py [--runs 7]

Run it with another checkout's interpreter for a side-by-side baseline, e.g.
``OTHER_CHECKOUT/.venv/bin/python benchmarks/embedded_redis.py`` (that venv imports its own
``bot`` package).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bot.store.embedded import EmbeddedRedis


def one_run(folder: Path) -> tuple[float, float, float]:
    """Seconds for (start, join, stop as the last user) on an empty ``folder``."""
    first = EmbeddedRedis(folder)
    began = time.perf_counter()
    first.start()
    started = time.perf_counter() - began
    second = EmbeddedRedis(folder)
    began = time.perf_counter()
    second.start()
    joined = time.perf_counter() - began
    time.sleep(0.5)  # a real process works a while before it leaves
    second.stop()
    began = time.perf_counter()
    first.stop()
    return started, joined, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-embedded-") as root:
        for run in range(runs):
            results.append(one_run(Path(root) / str(run)))
    for name, values in zip(
        ("start", "join", "last stop"), zip(*results, strict=True), strict=True
    ):
        print(f"{name:>9}: median {statistics.median(values) * 1000:6.1f} ms over {runs} runs")


if __name__ == "__main__":
    main()
