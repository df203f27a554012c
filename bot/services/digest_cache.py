"""The one cache of digests per process: each stored version parsed once, and what is
rendered from it made once, both keyed by the digest's content hash.

Readers asking for /today, the senders rendering a push's variants and the item views all
go through it, so a morning of readers and a push of thousands parse the digest once and
render each variant once. A correction stores a new version with a new hash, so nothing
stale is served: ``current`` asks Redis for the current hash (one small HGET) unless it
did within ``max_age`` seconds, and every render key holds the hash it was made from.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Final, TypeVar, cast

from bot.digest.model import Digest
from bot.services.memo import Memo
from bot.store.digests import DigestArchive

V = TypeVar("V")
DIGEST_VERSIONS: Final = 16
RENDERS: Final = 512


class DigestCache:
    """Parsed digest versions and renders, over one archive."""

    def __init__(self, archive: DigestArchive) -> None:
        self._archive = archive
        self._parsed: Memo[str, Digest] = Memo(DIGEST_VERSIONS)
        self._checked: dict[str, tuple[str, float]] = {}  # date -> (hash, when checked)
        self._renders: Memo[Hashable, object] = Memo(RENDERS)

    async def current(self, date: str, max_age: float = 0.0) -> Digest | None:
        """The current version of ``date``'s digest (None when none is stored); its hash
        is looked up again unless that was done less than ``max_age`` seconds ago (the
        senders' hot path allows a few seconds; a reader's question none)."""
        now = time.monotonic()
        checked = self._checked.get(date)
        if checked is not None and now - checked[1] < max_age:
            content_hash: str | None = checked[0]
        else:
            content_hash = await self._archive.current_hash(date)
        if content_hash is None:
            self._checked.pop(date, None)
            return None
        digest = self._parsed.get(content_hash)
        if digest is None:
            digest = await self._archive.load(date)
            if digest is None:
                return None
            self._parsed.put(digest.content_hash, digest)
        self._checked[date] = (digest.content_hash, now)
        return digest

    def rendered(self, key: tuple[Hashable, ...], make: Callable[[], V]) -> V:
        """What ``make()`` renders, made once per ``key``. The key names what is rendered
        and must hold the content hash of the digest it comes from (so a correction is
        rendered afresh), e.g. ``("compact", digest.content_hash, lang)``."""
        return cast(V, self._renders.get_or_make(key, make))
