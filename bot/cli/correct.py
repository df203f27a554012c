"""``briefbot correct DATE [--file PATH] [--yes] [--wait] [--notify]``: correct a digest
that was delivered, from the server.

Compares the stored version of DATE with the one in ``DIGEST_DIR`` (or ``--file``),
prints what readers would see change and how many delivered messages that edits; with
``--yes`` it applies it (the corrected version stored, an edit task per affected chat);
``--wait`` also sends the edits from this process with a progress line and exits 0 once
every edit is handled; ``--notify`` adds a short silent notice to each affected reader.
Run again, it finds nothing to do and exits 0; after a crash it enqueues what is left.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date as Date
from pathlib import Path

from bot.cli.process import run_with_runtime
from bot.cli.watch import send_and_watch
from bot.corrections.diff import diff_lines
from bot.corrections.service import CorrectionService, Preview
from bot.delivery.queue.outbox import Outbox
from bot.digest.errors import DigestError
from bot.digest.model import Digest
from bot.digest.parser import load_digest
from bot.i18n import plural
from bot.logs import configure_logging
from bot.runtime import Runtime
from bot.services.audit import AuditTrail, cli_actor
from bot.sources.folder import FolderSource


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``correct``."""
    parser = subparsers.add_parser(
        "correct", help="edit the delivered messages of a digest to its corrected version"
    )
    parser.add_argument("date", help="digest date YYYY-MM-DD")
    parser.add_argument("--file", type=Path, help="the corrected digest (default: DIGEST_DIR's)")
    parser.add_argument("--yes", action="store_true", help="apply it (default: only show it)")
    parser.add_argument(
        "--wait", action="store_true", help="send the edits from this process and wait"
    )
    parser.add_argument("--notify", action="store_true", help="tell each affected reader, silently")
    parser.set_defaults(
        func=lambda args: run_with_runtime(lambda r: correct(r, args), sends=args.wait)
    )


def _fail(message: str) -> int:
    print(f"briefbot: {message}", file=sys.stderr)
    return 1


async def correct(runtime: Runtime, args: argparse.Namespace) -> int:
    """Show, and with ``--yes`` apply, one correction; the exit status."""
    settings = runtime.settings
    configure_logging(
        "WARNING", secrets=(settings.telegram_bot_token.value,), log_format=settings.log_format
    )
    try:
        date = Date.fromisoformat(args.date).isoformat()
    except ValueError:
        return _fail(f"{args.date[:64]!r} is not a date like 2025-07-21")
    if await runtime.stores.digests.load(date) is None:
        return _fail(f"no digest of {date} is stored (briefbot push stores DIGEST_DIR's)")
    after = await _corrected(runtime, date, args.file)
    if isinstance(after, str):
        return _fail(after)
    service = CorrectionService(runtime.stores, runtime.rules, AuditTrail(runtime.stores.audit))
    preview = await service.preview(after)
    _print_preview(preview)
    if preview.nothing_to_do:
        print(f"nothing to do: every delivered message of {date} shows this version")
        return 0
    if not args.yes:
        print("run again with --yes to apply it")
        return 0
    applied = await service.apply(after, cli_actor(), notify=args.notify)
    print(f"enqueued edits for {plural(applied.enqueued, 'reader')} (batch {applied.batch_id})")
    if not args.wait or applied.enqueued == 0:
        return 0
    return await send_and_watch(runtime, Outbox.of(runtime.stores), applied.batch_id)


async def _corrected(runtime: Runtime, date: str, file: Path | None) -> Digest | str:
    """The corrected version of ``date``, or what is wrong."""
    rules = runtime.rules
    if file is not None:
        try:
            digest = load_digest(file, rules)
        except DigestError as error:
            return f"{file} is not a valid digest:\n{error}"
        if digest.date != date:
            return f"{file} is the digest of {digest.date}, not {date}"
        return digest
    folder = runtime.settings.digest_dir
    for found in await FolderSource(folder, rules).poll(()):
        if found.digest is not None and found.digest.date == date:
            return found.digest
        if found.digest is None and Path(found.origin).stem == date:
            return f"{found.origin} is not a valid digest:\n" + "\n".join(found.problems)
    return f"no digest of {date} in {folder} (give one with --file)"


def _print_preview(preview: Preview) -> None:
    if preview.changes:
        print(f"{preview.date}: what readers see changes")
        for line in diff_lines(preview.changes, "en"):
            print(line)
    else:
        print(f"{preview.date}: the stored version is already this one")
    count = preview.count
    print(
        f"{plural(count.messages, 'delivered message')} to edit ({plural(count.chats, 'reader')})"
    )
    if count.in_flight:
        print(f"{count.in_flight} readers are being pushed right now; they are edited after")
    if count.unmatched:
        print(f"{count.unmatched} delivery records do not match their version; left as they are")
