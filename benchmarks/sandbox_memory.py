"""Sandbox memory: bytes held per private chat and per message, against the size of the same
data as the Bot API's JSON (the baseline: what the sandbox must at least remember).

    python benchmarks/sandbox_memory.py [--chats 10000] [--runs 3]

Each run starts a fresh in-process sandbox, creates ``--chats`` private chats, then sends
each one digest-sized HTML message (the same text to all, as a push does), measuring with
``tracemalloc``. Figures are medians over ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tracemalloc

from sandbox_rps import DIGEST_HTML  # the same message as the throughput benchmark

from sandbox import Sandbox
from sandbox.params import Params


async def one_run(chats: int) -> tuple[float, float, float, float]:
    """(bytes per chat, bytes per message, JSON bytes per chat, JSON bytes per message)."""
    sandbox = Sandbox()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        created = [sandbox.state.create_private_chat() for _ in range(chats)]
        after_chats = tracemalloc.get_traced_memory()[0]
        sample = []  # a few answers, to size the JSON; keeping all would count them too
        for chat in created:
            params = Params({"chat_id": chat.id, "text": DIGEST_HTML, "parse_mode": "HTML"})
            answer = await sandbox.api.call("sendMessage", params)
            if len(sample) < 100:
                sample.append(answer)
        after_messages = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    chat_json = statistics.mean(len(json.dumps(c.to_api()).encode()) for c in created[:100])
    message_json = statistics.mean(len(json.dumps(m, ensure_ascii=False).encode()) for m in sample)
    return (
        (after_chats - start) / chats,
        (after_messages - after_chats) / chats,
        chat_json,
        message_json,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = [asyncio.run(one_run(args.chats)) for _ in range(args.runs)]
    per_chat, per_message, chat_json, message_json = (
        statistics.median(values) for values in zip(*runs, strict=True)
    )
    print(f"{args.chats:,} chats, one digest-sized HTML message each, {args.runs} runs (median)")
    print(f"{'':<12}{'sandbox bytes':>15}{'as JSON':>10}{'ratio':>8}")
    print(f"{'per chat':<12}{per_chat:>15,.0f}{chat_json:>10,.0f}{per_chat / chat_json:>7.1f}x")
    print(
        f"{'per message':<12}{per_message:>15,.0f}{message_json:>10,.0f}"
        f"{per_message / message_json:>7.1f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
