"""The one cache of digests per process, read through the archive: each stored version
parsed once, and what is rendered from it made once, both keyed by the digest's content
hash.

Readers asking for /today, the senders rendering a push's variants and the item views all
go through it, so a morning of readers and a push of thousands parse the digest once and
render each variant once. A correction stores a new version with a new hash, so nothing
stale is served: ``current`` asks Redis for the current hash (one small HGET) unless it
did within ``max_age`` seconds, and every render key holds the hash it was made from.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Final, Generic, TypeVar, cast

from bot.digest.model import Digest
from bot.store.digests import DigestArchive

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
V = TypeVar("V")
DIGEST_VERSIONS: Final = 16
RENDERS: Final = 512


class Memo(Generic[K, V]):
    """Remembers up to ``size`` values that never change once built, the least recently
    used going first; ``get_or_make`` builds a missing one."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._values: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: K) -> V | None:
        """The remembered value (now the most recently used), or None."""
        found = self._values.get(key)
        if found is not None:
            self._values.move_to_end(key)
        return found

    def put(self, key: K, value: V) -> V:
        """Remember ``value``, forgetting the oldest entry past ``size``."""
        self._values[key] = value
        while len(self._values) > self._size:
            self._values.popitem(last=False)
        return value

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The remembered value, or ``make()`` remembered."""
        found = self.get(key)
        return found if found is not None else self.put(key, make())


class DigestCache:
    """Parsed digest versions and renders, over one archive."""

    def __init__(self, archive: DigestArchive) -> None:
        self._archive = archive
        self._parsed: Memo[str, Digest] = Memo(DIGEST_VERSIONS)
        self._checked: dict[str, tuple[str, float]] = {}  # date -> (hash, when checked)
        self._pending: dict[tuple[str, str], asyncio.Future[object]] = {}  # lookups under way
        self._renders: Memo[Hashable, object] = Memo(RENDERS)

    async def current(self, date: str, max_age: float = 0.0) -> Digest | None:
        """The current version of ``date``'s digest (None when none is stored); its hash
        is looked up again unless that was done less than ``max_age`` seconds ago (the
        senders' hot path allows a few seconds; a reader's question none)."""
        now = time.monotonic()
        checked = self._checked.get(date)
        if checked is not None and now - checked[1] < max_age:
            content_hash: str | None = checked[0]
        elif max_age > 0:
            content_hash = await self._once(
                ("hash", date), lambda: self._archive.current_hash(date)
            )
        else:
            content_hash = await self._archive.current_hash(date)
        if content_hash is None:
            self._checked.pop(date, None)
            return None
        digest = self._parsed.get(content_hash)
        if digest is None:
            digest = await self._once(("load", date), lambda: self._archive.load(date))
            if digest is None:
                return None
            self._parsed.put(digest.content_hash, digest)
        self._checked[date] = (digest.content_hash, now)
        return digest

    async def _once(self, key: tuple[str, str], lookup: Callable[[], Awaitable[T]]) -> T:
        """``lookup()``, run once for everyone who asks for ``key`` meanwhile: when the
        window ends (or a version is first seen), every sender slot asks at once, and a
        pool of 100 slots must not open 100 Redis connections for the same answer."""
        pending = self._pending.get(key)
        if pending is None:
            started: asyncio.Future[object] = asyncio.ensure_future(lookup())
            self._pending[key] = pending = started
            started.add_done_callback(lambda _: self._pending.pop(key, None))
        return cast(T, await asyncio.shield(pending))  # one waiter cancelled leaves the rest

    def rendered(self, key: tuple[Hashable, ...], make: Callable[[], V]) -> V:
        """What ``make()`` renders, made once per ``key``. The key names what is rendered
        and must hold the content hash of the digest it comes from (so a correction is
        rendered afresh), e.g. ``("compact", digest.content_hash, lang)``."""
        return cast(V, self._renders.get_or_make(key, make))
