"""The folder source: every ``YYYY-MM-DD.md`` in ``DIGEST_DIR``, and any other ``.md``
whose front matter carries a ``date``. A file is read and parsed again only when its
modification time or size changed, so polling a folder of years of digests stays cheap.

A file is parsed from one read of its bytes; one that changed while it was read (an
editor still writing it) is left for the next poll rather than parsed half. A file that
cannot be parsed is a refused find with its problems: it never stops the scan of the
others, and whatever digest of that date is stored stays in use.
"""

from __future__ import annotations

import asyncio
import codecs
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.digest.categories import CategoryRules
from bot.digest.errors import DigestError
from bot.digest.parser import parse_digest_bytes
from bot.sources.found import MAX_DIGEST_BYTES, Found, too_large
from bot.store.digests import DigestArchive

logger = logging.getLogger(__name__)

_DATED_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}\.md$")
_DELIMITER = re.compile(rb"^-{3,}[ \t]*$")
_DATE_KEY = re.compile(rb"^date[ \t]*:")


@dataclass(frozen=True)
class _Signature:
    """What tells us a file changed without reading it."""

    mtime_ns: int
    size: int


class FolderSource:
    """Scans one folder; hands over each file whose content changed since it was acknowledged."""

    name = "folder"

    def __init__(self, folder: Path, rules: CategoryRules | None = None) -> None:
        self._folder = folder
        self._rules = rules
        self._acknowledged: dict[Path, _Signature] = {}
        self._missing_reported = False

    async def poll(self, dates: Sequence[date]) -> list[Found]:
        """Every dated file in the folder that is new or changed (``dates`` is not needed:
        the folder holds whatever the editor dropped in, and all of it is scanned)."""
        return await asyncio.to_thread(self._scan)

    async def acknowledge(self, found: Found) -> None:
        """Do not parse this file again until it changes."""
        if isinstance(found.token, tuple):
            path, signature = found.token
            if isinstance(path, Path) and isinstance(signature, _Signature):
                self._acknowledged[path] = signature

    def _scan(self) -> list[Found]:
        if not self._folder.is_dir():
            if not self._missing_reported:
                logger.warning("digest folder %s does not exist (yet)", self._folder)
                self._missing_reported = True
            return []
        self._missing_reported = False
        try:
            paths = sorted(self._folder.iterdir())
        except OSError as error:
            logger.warning("cannot list digest folder %s: %s", self._folder, error)
            return []
        found: list[Found] = []
        for path in paths:
            # Editors and sync tools write temporary and hidden files next to the real one.
            if path.suffix != ".md" or path.name.startswith((".", "~")) or not path.is_file():
                continue
            try:
                stat = path.stat()
            except OSError:
                continue  # removed between listing and stat
            signature = _Signature(stat.st_mtime_ns, stat.st_size)
            if self._acknowledged.get(path) == signature:
                continue
            item = self._read(path, signature)
            if item is not None:
                found.append(item)
        return found

    def _read(self, path: Path, signature: _Signature) -> Found | None:
        """The find of the file at ``path`` as ``signature`` describes it; None when it is
        not a digest (remembered) or is to be read again next poll."""
        origin = str(path)
        token = (path, signature)
        if signature.size > MAX_DIGEST_BYTES:
            return Found(origin, None, (too_large(origin),), token=token)
        try:
            with path.open("rb") as file:
                data = file.read(MAX_DIGEST_BYTES + 1)
                after = os.fstat(file.fileno())
        except OSError as error:
            logger.warning("cannot read digest file %s: %s", origin, error)
            return None
        if _Signature(after.st_mtime_ns, after.st_size) != signature or len(data) != after.st_size:
            logger.info("digest file %s changed while it was read; reading it next poll", origin)
            return None
        if not _DATED_NAME.match(path.name) and not _declares_date(data):
            # Notes, a README: not digests. Remember them so they are not read again.
            self._acknowledged[path] = signature
            return None
        try:
            digest, _ = parse_digest_bytes(data, origin, self._rules)
        except DigestError as error:
            return Found(origin, None, tuple(map(str, error.problems)), token=token)
        except Exception as error:
            # A parser bug must not stop the bot nor hide the other files: refuse this one.
            logger.exception("parsing digest file %s failed", origin)
            problem = f"{origin}: could not be parsed ({type(error).__name__}); see the bot's log"
            return Found(origin, None, (problem,), token=token)
        return Found(origin, digest, token=token)


def _declares_date(data: bytes) -> bool:
    """Whether ``data`` starts with a ``---`` front matter block holding a ``date:`` line."""
    lines = iter(data.removeprefix(codecs.BOM_UTF8).splitlines())
    if not _DELIMITER.match(next(lines, b"")):
        return False
    for line in lines:
        if _DELIMITER.match(line):
            return False
        if _DATE_KEY.match(line):
            return True
    return False


async def store_folder(folder: Path, rules: CategoryRules, archive: DigestArchive) -> list[Found]:
    """Store every valid digest of ``folder``, categorised by the operator's ``rules`` (what
    a process does at start, and ``briefbot push`` before it pushes); returns the refused
    files."""
    refused: list[Found] = []
    for found in await FolderSource(folder, rules).poll(()):
        if found.digest is None:
            refused.append(found)
        else:
            await archive.offer(found.digest)  # a changed delivered date waits for an admin
    return refused
