"""Digest versions and edit plans, computed once per process: a correction to 5,000
readers loads two versions and plans a handful of variants, not 5,000.

Both are keyed by content hashes, which name the content itself, so one cache serves
every bot prefix of the process (tests run several)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Final

from bot.corrections.plan import Plan, plan_edits
from bot.digest.categories import CategoryRules
from bot.digest.model import Digest
from bot.store.digests import DigestArchive
from bot.store.ledger import Parts, Variant

KEPT: Final = 256

_versions: OrderedDict[tuple[str, str], Digest] = OrderedDict()
_plans: OrderedDict[tuple[object, ...], Plan] = OrderedDict()


def _keep(cache: OrderedDict[object, object], key: object, value: object) -> None:
    cache[key] = value
    if len(cache) > KEPT:
        cache.popitem(last=False)


async def version(archive: DigestArchive, date: str, content_hash: str) -> Digest | None:
    """The version of ``date`` with ``content_hash``; None when the archive lacks it."""
    key = (date, content_hash)
    cached = _versions.get(key)
    if cached is None:
        cached = await archive.load_version(date, content_hash)
        if cached is not None:
            _keep(_versions, key, cached)  # type: ignore[arg-type]
    return cached


def plan(
    before: Digest, after: Digest, variant: Variant, rules: CategoryRules, parts: Parts | None
) -> Plan:
    """``plan_edits``, once per (versions, variant, parts, rules)."""
    key = (before.content_hash, after.content_hash, variant, parts, rules.rules)
    cached = _plans.get(key)
    if cached is None:
        cached = plan_edits(before, after, variant, rules, parts)
        _keep(_plans, key, cached)  # type: ignore[arg-type]
    return cached
