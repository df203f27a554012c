"""What a digest source hands the poller: one digest text it found, parsed or refused."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from bot.digest.parser import MAX_DIGEST_BYTES as PARSER_MAX_DIGEST_BYTES

if TYPE_CHECKING:
    from datetime import date

    from bot.digest.model import Digest


# Refused without being read whole (the parser's own cap, see bot.digest.parser).
MAX_DIGEST_BYTES = PARSER_MAX_DIGEST_BYTES


def too_large(origin: str) -> str:
    """The problem reported for a source larger than ``MAX_DIGEST_BYTES``."""
    return f"{origin}: larger than {MAX_DIGEST_BYTES // 1_000_000} MB, not a digest"


@dataclass(frozen=True)
class Found:
    """A digest a source found: ``digest`` when it parsed, else the ``path:line`` problems."""

    origin: str
    digest: Digest | None
    problems: tuple[str, ...] = ()
    # Source-specific bookkeeping to commit once the poller has handled this find
    # (the URL source's ETag / Last-Modified, the folder source's file signature).
    token: object = field(default=None, compare=False)

    @property
    def problems_hash(self) -> str:
        """A short stable id of this exact error set: admins are told once per distinct set."""
        joined = "\n".join((self.origin, *self.problems)).encode()
        return hashlib.sha256(joined).hexdigest()[:16]


class DigestSource(Protocol):
    """A place digests come from; the poller asks it for news and acknowledges each find."""

    name: str

    async def poll(self, dates: Sequence[date]) -> list[Found]:
        """Digests that are new or changed since they were last acknowledged."""

    async def acknowledge(self, found: Found) -> None:
        """The poller stored (or reported) ``found``: do not hand it over again."""
