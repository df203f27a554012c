"""Benchmark: a rate that adapts. briefbot set to RATE_LIMIT_PER_SECOND=30 against a
sandbox whose real limit is 20 messages in ANY one-second interval (``flood_window``):
the rate over time and the 429s per 100 messages once the first 10 seconds are over.

    python benchmarks/adaptation.py [--subscribers 1200] [--runs 3] [--limit 20]
                                    [--rate 30] [--engine-baseline CHECKOUT]
                                    [--baseline-runs 1] [--redis-url URL]

Side by side: this checkout and, with ``--engine-baseline``, another checkout of briefbot
(today's engine). The sandbox is sampled every 0.5 s; after the first 10 s: the rate
(messages over time) as a share of the real limit, and 429s per 100 messages; medians of
``--runs``, and a text chart of the median run's rate over time (2-second steps). Goal:
at least 80% of 20/s and under one 429 per 100 messages after the first 10 seconds.
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

SETTLE_SECONDS = 10.0
STEP_SECONDS = 2.0


def after_settling(push: LimitedPush) -> tuple[float, float]:
    """(messages/s, 429s per 100 messages) from SETTLE_SECONDS to the last message."""
    settled = [s for s in push.samples if s[0] >= SETTLE_SECONDS]
    ended = [s for s in settled if s[1] >= push.sent] or settled[-1:]
    if len(settled) < 2 or not ended:
        return float("nan"), float("nan")
    (t0, m0, e0), (t1, m1, e1) = settled[0], ended[0]
    return (m1 - m0) / (t1 - t0), 100 * (e1 - e0) / max(1, m1 - m0)


def chart(push: LimitedPush, limit: int, width: int = 40) -> list[str]:
    """The rate in STEP_SECONDS steps as bars (``|`` marks the real limit), with 429s."""
    lines, scale = [], width / (1.5 * limit)
    samples = push.samples
    step_end, start = STEP_SECONDS, samples[0]
    for sample in samples[1:]:
        if sample[0] < step_end and sample is not samples[-1]:
            continue
        seconds = sample[0] - start[0]
        rate = (sample[1] - start[1]) / seconds if seconds > 0 else 0.0
        bar = list(("#" * round(rate * scale)).ljust(width))
        bar[min(width - 1, round(limit * scale))] = "|"
        lines.append(f"{start[0]:>5.0f}s {rate:>6.1f}/s {''.join(bar)} {sample[2] - start[2]} 429s")
        start, step_end = sample, step_end + STEP_SECONDS
        if sample[1] >= push.sent:
            break
    return lines


def main() -> int:
    parser = limit_benchmark_parser(__doc__.split("\n\n")[0], subscribers=1200)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--rate", type=int, default=30)
    args = parser.parse_args()
    engines = {"briefbot": engine_python(None)}
    if args.engine_baseline:
        engines = {"today's engine": engine_python(args.engine_baseline), **engines}
    env = {"RATE_LIMIT_PER_SECOND": str(args.rate)}
    rows: dict[str, list[LimitedPush]] = {}
    with redis_url(args.redis_url) as url, sandbox_process() as (sandbox, _):
        chats = asyncio.run(create_chats(sandbox, args.subscribers))
        print(f"{args.subscribers:,} readers, RATE_LIMIT_PER_SECOND={args.rate}, the sandbox "
              f"allowing {args.limit} in any one second; {args.runs} runs", flush=True)  # fmt: skip
        for run_number in range(1, args.runs + 1):
            for engine, python in engines.items():
                if engine != "briefbot" and run_number > args.baseline_runs:
                    continue
                push = asyncio.run(push_against_limits(
                    url, sandbox, chats, env, flood_window=args.limit, python=python,
                ))  # fmt: skip
                rows.setdefault(engine, []).append(push)
                rate, errors = after_settling(push)
                print(f"run {run_number}, {engine}: {push.sent} sent, after {SETTLE_SECONDS:.0f}s "
                      f"{rate:.1f}/s ({rate / args.limit:.0%}), {errors:.2f} 429s per 100 "
                      f"messages, {push.too_many_requests} 429s in all", flush=True)  # fmt: skip
    print(f"\nafter the first {SETTLE_SECONDS:.0f}s{'':<20}{'rate/s':>8}{'of limit':>9}"
          f"{'429s/100':>9}{'429s':>6}")  # fmt: skip
    for engine, pushes in rows.items():
        figures = [after_settling(p) for p in pushes]
        rate, errors = median([r for r, _ in figures]), median([e for _, e in figures])
        print(f"{engine:<36}{rate:>8.1f}{rate / args.limit:>8.0%}{errors:>9.2f}"
              f"{median([p.too_many_requests for p in pushes]):>6.0f}")  # fmt: skip
    for engine, pushes in rows.items():
        middle = sorted(pushes, key=lambda p: after_settling(p)[0])[len(pushes) // 2]
        print(f"\n{engine}, the median run ('|' = the real limit, {args.limit}/s):")
        print("\n".join(chart(middle, args.limit)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
