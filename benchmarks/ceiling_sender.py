"""The ceiling: a minimal sender doing a delivery's work with the fewest round trips, to
measure how far briefbot's engine is from what this machine can do.

    python benchmarks/ceiling_sender.py REDIS_URL PREFIX BOT_API_URL DATE
                                        [--inflight 16] [--lanes 2]

Run after ``briefbot push DATE --now`` (without ``--wait``) has enqueued the push. Each
of ``--lanes`` lanes loops, over and over, for up to ``--inflight / --lanes`` tasks at once
(so up to ``--inflight`` requests are in flight, as with ``SENDER_CONCURRENCY`` slots; two
lanes, so one sends while the other is in Redis):
1. one read of the stream (XREADGROUP);
2. one pipelined round trip: claim every chat in the ledger, read every subscriber's
   record, take the rate slots (a GCRA schedule, as briefbot's);
3. the sendMessage POSTs, all at once (raw JSON over aiohttp, the body serialized once);
4. one pipelined round trip: record what was sent in the ledger, XACK + XDEL the entries
   and count them in the push's progress hash.
It exits once the stream is empty. No retries, no error kinds, no pacing per chat, no
takeover: only the work every delivery needs, in as few Redis calls as it can be done.
Its Lua is its own (not briefbot's scripts), so changing the engine never changes the
ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

import aiohttp
from delivery_harness import EXAMPLE
from redis.asyncio import Redis

from bot.digest.parser import load_digest
from bot.keys import Keys
from bot.render import render_compact

GROUP = "senders"
RETENTION = 30 * 86400

CLAIM = """
local now, out = ARGV[1], {}
for i, key in ipairs(KEYS) do
  local chat = ARGV[1 + i]
  if redis.call('HEXISTS', key, chat) == 1 then out[i] = 0 else
    redis.call('HSET', key, chat, '{"state":"claimed","claimer":"ceiling","at":' .. now .. '}')
    out[i] = 1
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[#ARGV])
return out
"""

SLOTS = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local out = {}
for i = 1, tonumber(ARGV[2]) do
  out[i] = slot - now
  slot = slot + tonumber(ARGV[1])
end
redis.call('SET', KEYS[1], string.format('%.0f', slot), 'PX', 2000)
return out
"""


class Ceiling:
    """The lanes over one Redis client and one aiohttp session."""

    def __init__(self, client: Redis, keys: Keys, api: str, date: str, batch: int) -> None:
        self.client, self.keys, self.api, self.date, self.batch = client, keys, api, date, batch
        self.claim = client.register_script(CLAIM)
        self.slots = client.register_script(SLOTS)
        text = render_compact(load_digest(EXAMPLE)).text
        self.body_rest = json.dumps({"text": text, "parse_mode": "HTML"})[1:].encode()
        self.interval_us = 1.0  # far above any rate the machine reaches, as the benchmark
        self.sent = 0

    async def lane(self, session: aiohttp.ClientSession, consumer: str) -> None:
        outbox, ledger = self.keys.outbox(), self.keys.sent(self.date)
        while True:
            answer = await self.client.xreadgroup(
                GROUP, consumer, {outbox: ">"}, count=self.batch, block=200
            )
            if not answer:
                if not await self.client.xlen(outbox):
                    return
                continue
            entries = answer[0][1]
            tasks = [json.loads(fields["task"]) for _, fields in entries]
            chats = [int(task["chat"]) for task in tasks]
            async with self.client.pipeline(transaction=False) as pipe:
                await self.claim(keys=[ledger] * len(chats), args=[time.time(), *chats, RETENTION],
                           client=pipe)  # fmt: skip
                for chat in chats:
                    pipe.hgetall(self.keys.subscriber(chat))
                await self.slots(keys=[self.keys.bucket()], args=[self.interval_us, len(chats)],
                           client=pipe)  # fmt: skip
                claimed, *subscribers, waits = await pipe.execute()
            go = [
                i
                for i, chat in enumerate(chats)
                if claimed[i] and subscribers[i].get("status") == "active"
            ]
            await asyncio.sleep(max(waits) / 1e6)
            ids = await asyncio.gather(*(self.send(session, chats[i]) for i in go))
            async with self.client.pipeline(transaction=False) as pipe:
                for i, message_id in zip(go, ids, strict=True):
                    entry = {"state": "sent", "at": time.time(), "message_ids": [message_id]}
                    pipe.hset(ledger, str(chats[i]), json.dumps(entry))
                entry_ids = [entry_id for entry_id, _ in entries]
                pipe.xack(outbox, GROUP, *entry_ids)
                pipe.xdel(outbox, *entry_ids)
                pipe.hincrby(self.keys.push_progress(tasks[0]["push"]), "sent", len(go))
                await pipe.execute()
            self.sent += len(go)

    async def send(self, session: aiohttp.ClientSession, chat: int) -> int:
        body = b'{"chat_id": "%d", ' % chat + self.body_rest
        headers = {"Content-Type": "application/json"}
        async with session.post(f"{self.api}/sendMessage", data=body, headers=headers) as answer:
            reply: dict[str, Any] = json.loads(await answer.read())
        return int(reply["result"]["message_id"])


async def run(args: argparse.Namespace) -> int:
    client = Redis.from_url(args.redis_url, decode_responses=True)
    lanes = max(1, args.lanes)
    batch = max(1, args.inflight // lanes)
    ceiling = Ceiling(client, Keys(args.prefix), args.api, args.date, batch)
    connector = aiohttp.TCPConnector(limit=lanes * batch)
    try:
        async with aiohttp.ClientSession(connector=connector) as session:
            await asyncio.gather(
                *(ceiling.lane(session, f"ceiling-{lane}") for lane in range(lanes))
            )
    finally:
        await client.aclose()
    print(f"{ceiling.sent} sent", file=sys.stderr)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("redis_url")
    parser.add_argument("prefix")
    parser.add_argument("api", help="Bot API URL with the token, e.g. http://HOST:PORT/bot<token>")
    parser.add_argument("date")
    parser.add_argument("--inflight", type=int, default=16)
    parser.add_argument("--lanes", type=int, default=2)
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
