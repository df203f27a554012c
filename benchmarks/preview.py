"""How long ``briefbot preview`` takes on a 20-item digest.

    python benchmarks/preview.py [--runs 7] [--items 20]

Builds a 20-item digest (the shared digest's items repeated, with their real lengths), then
times, as the median of ``--runs`` runs:

- the real CLI in a subprocess (``python -m bot preview``: interpreter start, imports,
  parsing, rendering, printing), for the compact view and ``--format full --json``, side by
  side with a bare ``python -c pass`` and ``python -c "import bot.cli.preview"`` baseline, so
  the ratio shows what briefbot's own work adds to starting Python;
- the in-process work alone: ``parse_digest`` and each renderer, median of many runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bot.digest.parser import load_digest, parse_digest
from bot.render import render_compact, render_full, render_item

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / "examples" / "digests" / "2025-07-21.md"


def digest_text(items: int) -> str:
    """A valid digest of ``items`` items made of the shared digest's real text."""
    shared = load_digest(SHARED)
    lines = [
        "---",
        f'title: "{shared.title}"',
        f"date: {shared.date}",
        f"categories: {list(shared.categories)}",
        "---",
        "",
        *shared.intro,
        "",
    ]
    for number in range(1, items + 1):
        item = shared.items[(number - 1) % len(shared.items)]
        lines += [f"{number}. [{item.title}]({item.url})", "", *item.summary, ""]
    assert shared.commentary is not None
    lines += [f"### {shared.commentary.heading}", ""]
    for paragraph in shared.commentary.paragraphs:
        lines += [paragraph, ""]
    return "\n".join(lines)


def subprocess_seconds(commands: list[list[str]], runs: int) -> list[float]:
    """Median wall time of each command (output discarded), after a warm-up run of each.

    The commands take turns, run by run, so a load change on the machine hits them all.
    """
    for argv in commands:
        subprocess.run(argv, cwd=ROOT, check=True, capture_output=True)
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for index, argv in enumerate(commands):
            start = time.perf_counter()
            subprocess.run(argv, cwd=ROOT, check=True, capture_output=True)
            times[index].append(time.perf_counter() - start)
    return [statistics.median(series) for series in times]


def inprocess_seconds(work: Callable[[], object], runs: int) -> float:
    """Median wall time of ``work()`` over ``runs`` calls, after a warm-up call."""
    work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="subprocess runs per figure")
    parser.add_argument("--items", type=int, default=20, help="items in the digest")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "2025-07-21.md"
        text = digest_text(args.items)
        path.write_text(text, encoding="utf-8")
        digest = parse_digest(text, str(path))
        full = render_full(digest)
        print(
            f"digest: {len(digest.items)} items, {len(text)} characters; "
            f"full format: {len(full)} message(s)"
        )
        python = [sys.executable]
        preview = [*python, "-m", "bot", "preview", str(path)]
        commands = {
            "python -c pass (baseline)": [*python, "-c", "pass"],
            "python -c 'import bot.cli.preview'": [*python, "-c", "import bot.cli.preview"],
            "briefbot preview (compact)": preview,
            "briefbot preview --format full --json": [*preview, "--format", "full", "--json"],
        }
        medians = subprocess_seconds(list(commands.values()), args.runs)
        rows = list(zip(commands, medians, strict=True))
        baseline = medians[0]
        print(f"\nsubprocess, median of {args.runs} runs:")
        print(f"{'command':<42} {'ms':>8} {'x baseline':>11}")
        for name, seconds in rows:
            print(f"{name:<42} {seconds * 1000:8.1f} {seconds / baseline:11.2f}")

        calls = 200
        work: list[tuple[str, Callable[[], object]]] = [
            ("parse_digest", lambda: parse_digest(text, str(path))),
            ("render_compact", lambda: render_compact(digest)),
            ("render_full", lambda: render_full(digest)),
            ("render_item (each of the items)", lambda: [
                render_item(digest, item.number) for item in digest.items
            ]),
        ]  # fmt: skip
        print(f"\nin process, median of {calls} calls:")
        print(f"{'work':<42} {'ms':>8}")
        for name, function in work:
            print(f"{name:<42} {inprocess_seconds(function, calls) * 1000:8.2f}")


if __name__ == "__main__":
    main()
