"""The folder source: every ``YYYY-MM-DD.md`` in ``DIGEST_DIR``, and any other ``.md``
whose front matter carries a ``date``. A file is read and parsed again only when its
modification time or size changed, so polling a folder of years of digests stays cheap.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.digest.categories import CategoryRules
from bot.digest.errors import DigestError
from bot.digest.parser import parse_digest
from bot.sources.found import MAX_DIGEST_BYTES, Found, too_large
from bot.store.digests import DigestArchive

logger = logging.getLogger(__name__)

_DATED_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}\.md$")
# A `date:` line inside a leading `---` front matter block.
_FRONT_MATTER_DATE = re.compile(r"\A\ufeff?---[ \t]*\r?\n(?:.*\r?\n)*?date[ \t]*:", re.MULTILINE)


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
        found: list[Found] = []
        for path in sorted(self._folder.iterdir()):
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
        origin = str(path)
        if signature.size > MAX_DIGEST_BYTES:
            return Found(origin, None, (too_large(origin),), token=(path, signature))
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            problem = f"{origin}:1: not UTF-8 text (byte {error.start})"
            return Found(origin, None, (problem,), token=(path, signature))
        except OSError as error:
            logger.warning("cannot read digest file %s: %s", origin, error)
            return None
        if not _DATED_NAME.match(path.name) and not _FRONT_MATTER_DATE.search(text):
            # Notes, a README: not digests. Remember them so they are not read again.
            self._acknowledged[path] = signature
            return None
        try:
            digest = parse_digest(text, origin, self._rules)
        except DigestError as error:
            problems = tuple(map(str, error.problems))
            return Found(origin, None, problems, token=(path, signature))
        return Found(origin, digest, token=(path, signature))


async def store_folder(folder: Path, rules: CategoryRules, archive: DigestArchive) -> list[Found]:
    """Store every valid digest of ``folder``, categorised by the operator's ``rules`` (what
    a process does at start, and ``briefbot push`` before it pushes); returns the refused
    files."""
    refused: list[Found] = []
    for found in await FolderSource(folder, rules).poll(()):
        if found.digest is None:
            refused.append(found)
        else:
            await archive.save(found.digest)
    return refused
