"""The one-time rename of keys written before the prefix became a hash tag.

Up to version 0.1 every key was ``briefbot:sub:42``; now it is ``{briefbot}:sub:42`` (see
``bot.keys``), so that Redis Cluster keeps one bot's keys in one slot. ``migrate_keys``
renames every old-named key of one prefix with ``RENAMENX``, which keeps the value, its
type, its expiry and a stream's consumer groups, and never overwrites a key of the new
layout: such a pair is reported and left as it is. Running it again renames nothing.

It runs on the single server the old version used (the old version could not use a
cluster, so a cluster holds no old-named keys), with every briefbot process stopped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from redis.asyncio import Redis

from bot.keys import SEPARATOR, Keys
from bot.store.errors import translate_errors

BATCH = 1000
_GLOB_SPECIAL = re.compile(r"([*?\[\]\\])")


class MigrationRefused(RuntimeError):
    """The migration cannot run now; the message says why and what to do."""


@dataclass
class MigrationReport:
    renamed: int = 0
    # Old-named keys left in place because the new name exists too.
    conflicts: list[str] = field(default_factory=list)


def old_name(keys: Keys, key: str) -> str:
    """The name ``key`` (of the new layout) had before: the prefix without braces."""
    return keys.prefix + key.removeprefix(keys.tag)


def _old_pattern(keys: Keys) -> str:
    return _GLOB_SPECIAL.sub(r"\\\1", keys.prefix) + SEPARATOR + "*"


@translate_errors
async def migrate_keys(client: Redis, keys: Keys, *, cluster: bool = False) -> MigrationReport:
    """Rename every ``prefix:…`` key to ``{prefix}:…``; raise ``MigrationRefused`` when a
    briefbot process still runs (its scheduler lease exists) or on a cluster."""
    if cluster:
        raise MigrationRefused(
            "migrate-keys renames keys on the single server the old version used; run it "
            "there (REDIS_CLUSTER=false) before moving the data to a cluster"
        )
    for lease in (old_name(keys, keys.scheduler_lease()), keys.scheduler_lease()):
        if await client.exists(lease):
            raise MigrationRefused(
                f"a briefbot process holds the scheduler lease ({lease}); stop every "
                "briefbot process, wait SCHEDULER_LEASE_SECONDS and run migrate-keys again"
            )
    report = MigrationReport()
    batch: list[str] = []
    async for key in client.scan_iter(match=_old_pattern(keys), count=BATCH):
        batch.append(str(key))
        if len(batch) >= BATCH:
            await _rename(client, keys, batch, report)
            batch = []
    if batch:
        await _rename(client, keys, batch, report)
    return report


async def _rename(client: Redis, keys: Keys, old: list[str], report: MigrationReport) -> None:
    # One round trip per batch; each RENAMENX is atomic on its own, so a crash midway
    # leaves every key under exactly one of its two names and a rerun finishes the job.
    async with client.pipeline(transaction=False) as pipe:
        for key in old:
            pipe.renamenx(key, keys.tag + key.removeprefix(keys.prefix))
        results: list[bool] = await pipe.execute()
    for key, renamed in zip(old, results, strict=True):
        if renamed:
            report.renamed += 1
        else:
            report.conflicts.append(key)
