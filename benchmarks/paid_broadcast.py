"""Benchmark: paid broadcast out of the box. A push with ``PAID_BROADCAST=true`` and
nothing else set, against the sandbox allowing at most 1,000 messages in ANY one-second
interval (``flood_window``) and Telegram's per-chat limits, one process.

    python benchmarks/paid_broadcast.py [--subscribers 6000] [--runs 3]
                                        [--engine-baseline CHECKOUT] [--baseline-runs 1]
                                        [--baseline-subscribers 600] [--redis-url URL]

Side by side: this checkout and, with ``--engine-baseline``, another checkout of briefbot
(today's engine, on ``--baseline-subscribers`` readers since it may be slow at its
defaults; a rate is a rate). Reported, medians of ``--runs``: the sustained rate on the
sandbox's clock and the 429s. Goal: at least 900/s with no more than 5 429s.
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

LIMIT = 1000


def main() -> int:
    parser = limit_benchmark_parser(__doc__.split("\n\n")[0], subscribers=6000)
    parser.add_argument("--baseline-subscribers", type=int, default=600)
    args = parser.parse_args()
    engines = {"briefbot": (engine_python(None), args.subscribers)}
    if args.engine_baseline:
        baseline = (engine_python(args.engine_baseline), args.baseline_subscribers)
        engines = {"today's engine": baseline, **engines}
    rows: dict[str, list[LimitedPush]] = {}
    with redis_url(args.redis_url) as url, sandbox_process() as (sandbox, _):
        chats = asyncio.run(create_chats(sandbox, args.subscribers))
        print(f"PAID_BROADCAST=true alone, the sandbox allowing {LIMIT:,} in any one second; "
              f"{args.runs} runs", flush=True)  # fmt: skip
        for run_number in range(1, args.runs + 1):
            for engine, (python, readers) in engines.items():
                if engine != "briefbot" and run_number > args.baseline_runs:
                    continue
                label = f"{engine}, push --wait, {readers:,} readers"
                push = asyncio.run(push_against_limits(
                    url, sandbox, chats[:readers], {"PAID_BROADCAST": "true"},
                    flood_window=LIMIT, python=python,
                ))  # fmt: skip
                rows.setdefault(label, []).append(push)
                print(f"run {run_number}, {label}: {push.sent} sent at {push.rate:,.0f}/s, "
                      f"{push.too_many_requests} 429s, busiest second {push.peak}",
                      flush=True)  # fmt: skip
    print(f"\n{'sender':<44}{'rate/s':>8}{'of 1,000':>9}{'429s':>6}{'peak':>6}  429s per run")
    for label, pushes in rows.items():
        rate = median([p.rate for p in pushes])
        print(f"{label:<44}{rate:>8,.0f}{rate / LIMIT:>8.1%}"
              f"{median([p.too_many_requests for p in pushes]):>6.0f}"
              f"{median([p.peak for p in pushes]):>6.0f}  "
              f"{', '.join(str(p.too_many_requests) for p in pushes)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
