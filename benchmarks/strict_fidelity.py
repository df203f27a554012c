"""Benchmark: fidelity against the strictest reading of the limit. A push at
RATE_LIMIT_PER_SECOND=30 against the sandbox allowing at most 30 messages in ANY
one-second interval (``flood_window``, 429 retry_after 1) and Telegram's per-chat limits.

    python benchmarks/strict_fidelity.py [--subscribers 1800] [--runs 3] [--workers 2]
                                         [--engine-baseline CHECKOUT] [--baseline-runs 1]
                                         [--redis-url URL]

Side by side: ``briefbot push --now --wait`` alone, then with ``--workers`` ``briefbot
worker`` processes sharing the push; for this checkout and, with ``--engine-baseline``,
another checkout of briefbot (today's engine). Reported per row, medians of ``--runs``:
the sustained rate on the sandbox's clock (first to last message) and its share of 30/s,
429s provoked, and the busiest second the sandbox saw. Goal: at least 97% of 30/s with
zero 429s, in one process and with the workers added.
"""

from __future__ import annotations

import asyncio
import sys

from delivery_harness import (
    LimitedPush,
    create_chats,
    engine_python,
    limit_benchmark_parser,
    median,
    push_against_limits,
    redis_url,
    sandbox_process,
)

LIMIT = 30


def main() -> int:
    parser = limit_benchmark_parser(__doc__.split("\n\n")[0], subscribers=1800)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    engines = {"briefbot": engine_python(None)}
    if args.engine_baseline:
        engines = {"today's engine": engine_python(args.engine_baseline), **engines}
    env = {"RATE_LIMIT_PER_SECOND": str(LIMIT)}
    rows: dict[str, list[LimitedPush]] = {}
    with redis_url(args.redis_url) as url, sandbox_process() as (sandbox, _):
        chats = asyncio.run(create_chats(sandbox, args.subscribers))
        print(f"{args.subscribers:,} readers, RATE_LIMIT_PER_SECOND={LIMIT}, the sandbox "
              f"allowing {LIMIT} in any one second; {args.runs} runs", flush=True)  # fmt: skip
        for run_number in range(1, args.runs + 1):
            for engine, python in engines.items():
                if engine != "briefbot" and run_number > args.baseline_runs:
                    continue
                for workers in (0, args.workers):
                    label = f"{engine}, push --wait" + (f" + {workers} workers" if workers else "")
                    push = asyncio.run(push_against_limits(
                        url, sandbox, chats, env, flood_window=LIMIT, workers=workers,
                        python=python,
                    ))  # fmt: skip
                    rows.setdefault(label, []).append(push)
                    print(f"run {run_number}, {label}: {push.sent} sent at {push.rate:.2f}/s, "
                          f"{push.too_many_requests} 429s, busiest second {push.peak}",
                          flush=True)  # fmt: skip
    print(f"\n{'sender':<44}{'rate/s':>8}{'of 30/s':>9}{'429s':>6}{'peak':>6}  429s per run")
    for label, pushes in rows.items():
        rate = median([p.rate for p in pushes])
        errors = median([p.too_many_requests for p in pushes])
        print(f"{label:<44}{rate:>8.2f}{rate / LIMIT:>8.1%}{errors:>6.0f}"
              f"{median([p.peak for p in pushes]):>6.0f}  "
              f"{', '.join(str(p.too_many_requests) for p in pushes)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
