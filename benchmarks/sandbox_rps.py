"""Sandbox throughput: how many Bot API requests a second the sandbox answers, so the other
benchmarks know it does not limit them.

    python benchmarks/sandbox_rps.py [--requests 4000] [--concurrency 64] [--runs 5]
                                     [--clients 1]

Starts ``briefbot sandbox`` in its own process (one core), then from ``--clients`` other
processes keeps ``--concurrency`` aiohttp requests in flight each. Side by side: the
baseline, a bare aiohttp server in its own process answering a fixed ``{"ok": true}`` (the
ceiling of any aiohttp server with this client on this machine); ``getMe`` (routing, token
check, counters); ``sendMessage`` with plain text; ``sendMessage`` with a digest-sized HTML
message (entities parsed, counted in UTF-16, stored). Figures are medians of ``--runs``
runs; the ratio column is against the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from sandbox import EXAMPLE_TOKEN, SandboxControl

# About the size and markup of a compact morning push: a bold title, an intro, ten
# numbered linked headlines in Chinese with emoji.
DIGEST_HTML = "<b>📰 今日简报 2025-07-21</b>\n<i>科技与产业的十条要闻</i>\n\n" + "\n".join(
    f'{n}. <a href="https://example.com/news/{n}?a=1&amp;b=2">英伟达发布新一代芯片 '
    f"性能提升{n}0%</a> <b>硬件前沿</b> 🚀"
    for n in range(1, 11)
)
CHATS = 200


@dataclass(frozen=True)
class Workload:
    name: str
    method: str
    body: dict[str, Any]
    unique: bool = False


BASELINE = Workload("bare aiohttp (baseline)", "getMe", {})
WORKLOADS = [
    Workload("sandbox getMe", "getMe", {}),
    Workload("sendMessage, plain text", "sendMessage", {"text": "早上好 good morning"}),
    # The same text every time, as in a push (the sandbox parses it once).
    Workload(
        "sendMessage, digest HTML", "sendMessage", {"text": DIGEST_HTML, "parse_mode": "HTML"}
    ),
    # A different text every time: every request pays for the HTML parsing.
    Workload(
        "sendMessage, unique HTML",
        "sendMessage",
        {"text": DIGEST_HTML, "parse_mode": "HTML"},
        unique=True,
    ),
]


def start_server(command: list[str]) -> tuple[subprocess.Popen[bytes], str]:
    """A server process whose first output line ends with its Bot API base URL."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    base_url = process.stdout.readline().decode().split()[-1]
    return process, base_url.removesuffix("/bot")


async def bare_server() -> None:
    """The baseline: aiohttp answering every Bot API path with the same small JSON."""
    body = b'{"ok":true,"result":true}'

    async def answer(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=body, content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/bot{token}/{method}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(f"bare server http://127.0.0.1:{runner.addresses[0][1]}/bot", flush=True)
    await asyncio.Event().wait()


async def client_run(
    url: str, workload: Workload, chats: list[int], count: int, concurrency: int
) -> tuple[float, int]:
    """Send ``count`` requests with ``concurrency`` in flight; (seconds, failures)."""
    endpoint = f"{url}/bot{EXAMPLE_TOKEN}/{workload.method}"
    connector = aiohttp.TCPConnector(limit=concurrency)
    failures = 0
    run_tag = time.time_ns()  # keeps "unique" texts unique across runs
    async with aiohttp.ClientSession(connector=connector) as http:
        next_index = 0

        async def worker() -> None:
            nonlocal next_index, failures
            while next_index < count:
                index = next_index
                next_index += 1
                body = {**workload.body, "chat_id": chats[index % len(chats)]}
                if workload.unique:
                    body["text"] = f"{body['text']}\n<i>#{run_tag}-{index}</i>"
                async with http.post(endpoint, json=body) as response:
                    await response.read()
                    if response.status != 200:
                        failures += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started, failures


def client_process(
    url: str, workload: Workload, chats: list[int], count: int, concurrency: int
) -> tuple[float, int]:
    return asyncio.run(client_run(url, workload, chats, count, concurrency))


def measure(
    pool: Any, url: str, workload: Workload, chats: list[int], args: argparse.Namespace
) -> float:
    """One run: every client process sends its share; requests per second overall."""
    share = args.requests // args.clients
    jobs = [(url, workload, chats, share, args.concurrency) for _ in range(args.clients)]
    results = pool.starmap(client_process, jobs)
    failures = sum(f for _, f in results)
    if failures:
        raise SystemExit(f"{workload.name}: {failures} requests failed")
    # The slowest client's own time: handing jobs to the pool is not the server's work.
    return share * args.clients / max(seconds for seconds, _ in results)


async def make_chats(url: str) -> list[int]:
    async with SandboxControl(url) as control:
        return [(await control.create_private_chat()).chat_id for _ in range(CHATS)]


async def counters(url: str) -> dict[str, Any]:
    async with SandboxControl(url) as control:
        return await control.counters()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--bare-server", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        asyncio.run(bare_server())
        return 0

    process, url = start_server([sys.executable, "-m", "bot", "sandbox", "--port", "0"])
    bare, bare_url = start_server([sys.executable, __file__, "--bare-server"])
    try:
        chats = asyncio.run(make_chats(url))
        print(
            f"sandbox at {url}; {args.requests} requests per run, {args.concurrency} in "
            f"flight per client, {args.clients} client process(es), {args.runs} runs"
        )
        print(f"digest message: {len(DIGEST_HTML)} characters of HTML\n")
        print(f"{'workload':<28}{'median req/s':>14}{'min':>10}{'max':>10}{'vs baseline':>13}")
        targets = [(bare_url, BASELINE)] + [(url, workload) for workload in WORKLOADS]
        rates: dict[str, list[float]] = {workload.name: [] for _, workload in targets}
        with multiprocessing.get_context("spawn").Pool(args.clients) as pool:
            pool.starmap(client_process, [(url, WORKLOADS[0], chats, 200, 8)] * args.clients)
            # Workloads take turns within each run, so a change in the machine's load
            # between runs affects them all alike.
            for _ in range(args.runs):
                for target, workload in targets:
                    rates[workload.name].append(measure(pool, target, workload, chats, args))
        baseline = statistics.median(rates[BASELINE.name])
        for name, values in rates.items():
            median = statistics.median(values)
            print(
                f"{name:<28}{median:>14,.0f}{min(values):>10,.0f}{max(values):>10,.0f}"
                f"{median / baseline:>12.2f}x"
            )
        served = asyncio.run(counters(url))
        print(
            f"\nsandbox counted {served['requests_total']:,} requests, "
            f"{served['messages_total']:,} messages, peak "
            f"{served['peak_messages_per_second']:,} messages in one second"
        )
    finally:
        for server in (process, bare):
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
