"""``briefbot subscribers import FILE`` / ``export [FILE]``: JSON Lines, one subscriber a line.

Import streams the file, writes valid lines in batches (idempotent: importing twice gives
the same state), reports each bad line as ``FILE:LINE: message`` and carries on; it exits
1 when any line was bad. Export streams every subscriber (any status) to FILE, or stdout.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TextIO

from bot.cli.process import run_with_runtime
from bot.i18n import plural
from bot.runtime import Runtime
from bot.store.subscriber_lines import BadLine, SubscriberLine, parse_line, to_line
from bot.store.subscribers import PUT_BATCH, SubscriberStore

Job = Callable[[SubscriberStore], Awaitable[int]]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``subscribers import`` and ``subscribers export``."""
    parser = subparsers.add_parser("subscribers", help="import or export subscribers (JSONL)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    importer = actions.add_parser("import", help="add or update subscribers from a file")
    importer.add_argument("file", type=Path, help="JSON Lines file, one subscriber a line")
    importer.set_defaults(func=_import_command)
    exporter = actions.add_parser("export", help="write every subscriber as JSON Lines")
    exporter.add_argument("file", type=Path, nargs="?", help="output file (default: stdout)")
    exporter.set_defaults(func=_export_command)


def _import_command(args: argparse.Namespace) -> int:
    path: Path = args.file
    if not os.access(path, os.R_OK) or not path.is_file():
        print(f"briefbot: {path}: not a readable file", file=sys.stderr)
        return 1
    return _run(lambda store: import_file(store, path))


def _export_command(args: argparse.Namespace) -> int:
    path: Path | None = args.file
    if path is not None and not os.access(path.parent, os.W_OK):
        print(f"briefbot: {path}: its folder does not exist or is not writable", file=sys.stderr)
        return 1
    return _run(lambda store: export_to(store, path))


def _run(job: Job) -> int:
    """Run ``job`` with the subscriber store; a file that cannot be read or written is
    one line and exit status 1, like an unreachable Redis."""

    async def main(runtime: Runtime) -> int:
        try:
            return await job(runtime.stores.subscribers)
        except OSError as error:
            print(f"briefbot: {error.filename or 'output'}: {error.strerror}", file=sys.stderr)
            return 1

    return run_with_runtime(main)


async def import_file(store: SubscriberStore, path: Path) -> int:
    """Import ``path``; bad lines go to stderr as ``path:line: message``. A line changes
    only the fields it gives, and never turns a blocked reader active."""
    imported = bad = 0
    batch: list[SubscriberLine] = []
    kept_blocked = 0
    for number, text in _lines(path):
        try:
            if isinstance(text, BadLine):
                raise text
            batch.append(parse_line(text))
        except BadLine as error:
            bad += 1
            print(f"{path}:{number}: {error}", file=sys.stderr)
            continue
        if len(batch) == PUT_BATCH:
            written, blocked = await _write_batch(store, batch)
            imported, kept_blocked, batch = imported + written, kept_blocked + blocked, []
    written, blocked = await _write_batch(store, batch)
    imported, kept_blocked = imported + written, kept_blocked + blocked
    summary = f"imported {plural(imported, 'subscriber')} from {path}; {plural(bad, 'bad line')}"
    if kept_blocked:
        summary += f"; {plural(kept_blocked, 'blocked reader')} left blocked"
    print(summary, file=sys.stderr)
    return 1 if bad else 0


async def _write_batch(store: SubscriberStore, batch: list[SubscriberLine]) -> tuple[int, int]:
    """Lay each line over the stored record (or the one an earlier line of the batch
    made) and write them; returns (records written, blocked readers a line asked to
    make active)."""
    if not batch:
        return 0, 0
    ids = list(dict.fromkeys(line.chat_id for line in batch))
    records = dict(zip(ids, await store.get_many(ids), strict=True))
    kept_blocked = 0
    for line in batch:
        stored = records[line.chat_id]
        record = line.apply(stored, store.defaults)
        if (
            stored is not None
            and stored.status == "blocked"
            and line.given.get("status") == "active"
        ):
            kept_blocked += 1
        records[line.chat_id] = record
    written = [record for record in records.values() if record is not None]
    await store.put_many(written)
    return len(written), kept_blocked


def _lines(path: Path) -> Iterator[tuple[int, str | BadLine]]:
    """Non-blank lines with their 1-based numbers; a line that is not UTF-8 comes as the
    ``BadLine`` that reports it."""
    with path.open("rb") as file:
        for number, raw in enumerate(file, start=1):
            try:
                text = raw.decode("utf-8").removeprefix("\ufeff").strip()
            except UnicodeDecodeError as error:
                yield number, BadLine(f"not UTF-8 text (byte {error.start + 1} of the line)")
                continue
            if text:
                yield number, text


async def export_to(store: SubscriberStore, path: Path | None) -> int:
    """Export every subscriber to ``path`` (written to a temporary file and renamed, so
    a failure never leaves half a file) or to stdout."""
    if path is None:
        count = await _write(store, sys.stdout)
        sys.stdout.flush()
    else:
        partial = path.with_name(f".{path.name}.partial")
        try:
            with partial.open("w", encoding="utf-8") as file:
                count = await _write(store, file)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    print(f"exported {plural(count, 'subscriber')} to {path or 'stdout'}", file=sys.stderr)
    return 0


async def _write(store: SubscriberStore, out: TextIO) -> int:
    count = 0
    async for subscriber in store.iter_all():
        out.write(to_line(subscriber) + "\n")
        count += 1
    return count
