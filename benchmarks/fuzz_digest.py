"""Fuzz the digest parser: random and mutated inputs, and what escapes it.

Feeds ``--inputs`` (default 100,000) inputs to ``parse_digest_bytes``, the function every
source hands its bytes to: mutations of examples/digests/*.md and of the hostile classes
of issue 10 (tests/fixtures/digests.py: deep nesting, alias bombs, YAML tags, bad URLs,
long runs of brackets, 20,000 keys, over 2 MB, invalid UTF-8), spliced, truncated (a
half-written file), repeated into long runs and nested deep, plus random bytes and random
Markdown/YAML tokens. Prints the number of inputs, how many parsed and how many were a
``DigestError``, the worst, p99 and median time per input, the peak memory of a worker,
and the count of any other exception (goal 0), with the first few of them.

    python benchmarks/fuzz_digest.py                 # 100,000 inputs on 2 workers
    python benchmarks/fuzz_digest.py --inputs 20000 --workers 1 --seed 7

Deterministic for a given ``--seed`` and ``--inputs``; ``--save-worst PATH`` writes the
slowest input, to replay with ``briefbot check``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import statistics
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the hostile classes live with the tests

from bot.digest.errors import DigestError  # noqa: E402
from bot.digest.parser import parse_digest_bytes  # noqa: E402
from tests.fixtures.digests import HOSTILE  # noqa: E402

CHUNK = 500
MAX_WORKERS = 2
TOKENS = [
    b"**", b"~~", b"*", b"_", b"`", b"[", b"]", b"(", b")", b"](", b"\\", b"#", b"### ",
    b"1. ", b"12. ", b"---\n", b"\n", b"\n\n", b"  ", b"\t", b"[x](http://a.example/)",
    b"(http://[a]/)", b"http://[x", b"javascript:", b"tg://", b"https://a\xef\xbc\x9ab/",
    b"<script>", b"&amp;", b"\xe5\xad\x97", b"\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb",
    b"\xff", b"\xe6\x91", b"\x00", b"\x07", b"\r\n", b"\xef\xbb\xbf",
    b"title: ", b"date: ", b"categories: ", b"date: 2025-07-21\n", b"[", b"{", b"}", b": ",
    b"- ", b"&a ", b"*a ", b"!!float ", b"!!timestamp ", b"!!python/object:x ", b"!!str ",
    b'"', b"'", b"? ", b"|\n", b">\n", b"<<: ", b"9" * 40, b"\xe5\x88\x86\xe7\xb1\xbb\xef\xbc\x9a",
]  # fmt: skip


@dataclass
class Report:
    """What one chunk of inputs gave."""

    times: list[float] = field(default_factory=list)
    parsed: int = 0
    refused: int = 0
    escaped: list[str] = field(default_factory=list)
    escaped_count: int = 0
    worst: tuple[float, str, bytes] = (0.0, "", b"")
    peak_kb: int = 0


def seeds() -> list[tuple[str, bytes]]:
    """The inputs mutations start from: the example digests and the hostile classes."""
    examples = [(p.name, p.read_bytes()) for p in sorted((ROOT / "examples/digests").glob("*.md"))]
    return examples + [(name, hostile.data) for name, hostile in HOSTILE.items()]


def generate(rng: random.Random, pool: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    """One input and how it was made."""
    roll = rng.random()
    if roll < 0.05:
        return "random bytes", rng.randbytes(rng.randint(0, 4000))
    if roll < 0.12:
        return "random tokens", b"".join(rng.choices(TOKENS, k=rng.randint(1, 400)))
    # The examples most of the time, a small hostile class often, a large one now and then
    # (one of those takes as long to parse as a hundred examples).
    examples, small, large = pool[:3], pool[3:], [seed for seed in pool if len(seed[1]) > 20_000]
    small = [seed for seed in small if seed not in large]
    pick = rng.random()
    name, data = rng.choice(examples if pick < 0.75 else small if pick < 0.995 else large)
    steps = [name]
    if pick < 0.75 and rng.random() < 0.7:
        # The front matter and a stretch of the body: the same constructs, a third the text.
        split = data.find(b"\n---\n", 4) + 5
        at = rng.randint(split, len(data))
        data = data[:split] + data[at : at + rng.randint(200, 2000)]
        steps.append("window")
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4, 6])):
        kind = rng.choice(MUTATIONS)
        data = kind(rng, data, pool)
        steps.append(kind.__name__)
    return " > ".join(steps), data


def flip(rng: random.Random, data: bytes, pool: list[tuple[str, bytes]]) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    return data[:at] + bytes([rng.randrange(256)]) + data[at + 1 :]


def insert(rng: random.Random, data: bytes, pool: list[tuple[str, bytes]]) -> bytes:
    at = rng.randint(0, len(data))
    return data[:at] + b"".join(rng.choices(TOKENS, k=rng.randint(1, 20))) + data[at:]


def delete(rng: random.Random, data: bytes, pool: list[tuple[str, bytes]]) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    return data[:at] + data[at + rng.randint(1, 200) :]


def truncate(rng: random.Random, data: bytes, pool: list[tuple[str, bytes]]) -> bytes:
    return data[: rng.randint(0, len(data))]  # a half-written file


def repeat(rng: random.Random, data: bytes, pool: list[tuple[str, bytes]]) -> bytes:
    """A slice repeated into a long run (rarely up to megabytes)."""
    if not data:
        return data
    at = rng.randrange(len(data))
    piece = data[at : at + rng.randint(1, 12)]
    size = rng.random()
    limit = 2_100_000 if size < 0.001 else 200_000 if size < 0.01 else 20_000
    times = rng.randint(2, max(2, limit // len(piece)))
    return data[:at] + piece * times + data[at:]


def nest(rng: random.Random, data: bytes, pool: list[tuple[str, bytes]]) -> bytes:
    """An opener and closer wrapped around a point many times (brackets, spans, YAML)."""
    opener, closer = rng.choice(
        [(b"[", b"]"), (b"**", b"**"), (b"~~", b"~~"), (b"*", b"*"), (b"_", b"_"),
         (b"[", b"](u)"), (b"{a: ", b"}"), (b"- ", b""), (b"(", b")"), (b"`", b"")]
    )  # fmt: skip
    depth = rng.randint(2, 5000)
    at = rng.randint(0, len(data))
    return data[:at] + opener * depth + closer * rng.randint(0, depth) + data[at:]


def splice(rng: random.Random, data: bytes, pool: list[tuple[str, bytes]]) -> bytes:
    other = rng.choice(pool)[1]
    return data[: rng.randint(0, len(data))] + other[rng.randint(0, len(other)) :]


MUTATIONS = [flip, insert, delete, truncate, repeat, nest, splice]


def run_chunk(task: tuple[int, int, int]) -> Report:
    """Inputs ``start..start+count`` of run ``seed``."""
    seed, start, count = task
    pool = seeds()
    report = Report()
    for index in range(start, start + count):
        rng = random.Random(f"{seed}:{index}")
        how, data = generate(rng, pool)
        began = time.perf_counter()
        try:
            parse_digest_bytes(data, "fuzz.md")
            report.parsed += 1
        except DigestError:
            report.refused += 1
        except BaseException as error:  # anything else is what this script looks for
            report.escaped_count += 1
            if len(report.escaped) < 5:
                where = traceback.format_exception(error)[-2].strip().splitlines()[0]
                report.escaped.append(f"input {index} ({how}): {error!r} at {where}")
        elapsed = time.perf_counter() - began
        report.times.append(elapsed)
        if elapsed > report.worst[0]:
            report.worst = (elapsed, f"input {index} ({how}), {len(data):,} bytes", data)
    report.peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=MAX_WORKERS, choices=[1, 2])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--save-worst", type=Path, help="write the slowest input here")
    args = parser.parse_args()
    tasks = [
        (args.seed, start, min(CHUNK, args.inputs - start))
        for start in range(0, args.inputs, CHUNK)
    ]
    began = time.perf_counter()
    total = Report()
    with multiprocessing.get_context("spawn").Pool(args.workers) as workers:
        for done, report in enumerate(workers.imap_unordered(run_chunk, tasks), 1):
            if done % max(1, len(tasks) // 10) == 0:
                print(
                    f"  {done * CHUNK:,} inputs, {time.perf_counter() - began:.0f} s",
                    file=sys.stderr,
                )
            total.times += report.times
            total.parsed += report.parsed
            total.refused += report.refused
            total.escaped_count += report.escaped_count
            total.escaped += report.escaped[: 5 - len(total.escaped)]
            total.worst = max(total.worst, report.worst, key=lambda worst: worst[0])
            total.peak_kb = max(total.peak_kb, report.peak_kb)
    wall = time.perf_counter() - began
    times = sorted(total.times)
    print(f"inputs: {len(times):,} ({total.parsed:,} parsed, {total.refused:,} DigestError)")
    print(
        f"time per input: median {statistics.median(times) * 1e3:.2f} ms, "
        f"p99 {times[int(len(times) * 0.99)] * 1e3:.1f} ms, worst {total.worst[0] * 1e3:.0f} ms "
        f"({total.worst[1]})"
    )
    print(f"peak memory of a worker: {total.peak_kb / 1024:.0f} MB (max RSS)")
    print(f"non-DigestError exceptions: {total.escaped_count}")
    for line in total.escaped:
        print(f"  {line}")
    print(f"wall time: {wall:.0f} s on {args.workers} worker(s), seed {args.seed}")
    if args.save_worst is not None:
        args.save_worst.write_bytes(total.worst[2])


if __name__ == "__main__":
    main()
