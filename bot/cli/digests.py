"""``briefbot digests list`` and ``briefbot digests remove DATE``: the stored digests, and
removing one published by mistake (what readers received stays; the archive keeps the
removed version; the same file is not stored again, a corrected one is). Audited as
``cli:<login>``."""

from __future__ import annotations

import argparse
import sys

from bot.cli.dates import iso_date
from bot.cli.process import run_with_runtime
from bot.runtime import Runtime
from bot.services.audit import AuditTrail, cli_actor
from bot.services.digests_admin import DigestAdmin
from bot.services.digests_text import digests_text
from bot.services.refusal import Refused

CLI_LANGUAGE = "en"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``digests`` with ``list`` and ``remove``."""
    parser = subparsers.add_parser("digests", help="list stored digests, or remove one")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="the stored digests, newest first, and removed ones")
    remove = actions.add_parser("remove", help="remove a digest published by mistake")
    remove.add_argument("date", help="digest date YYYY-MM-DD")
    parser.set_defaults(func=lambda args: run_with_runtime(lambda r: digests(r, args)))


async def digests(runtime: Runtime, args: argparse.Namespace) -> int:
    """List or remove; the exit status (1: no such digest, 2: not a date)."""
    admin = DigestAdmin(runtime.stores, AuditTrail(runtime.stores.audit))
    if args.action == "list":
        print(digests_text(await admin.list(limit=10_000), CLI_LANGUAGE))
        return 0
    date = iso_date(args.date)
    if date is None:
        return 2
    try:
        removal = await admin.remove(cli_actor(), date, lang=CLI_LANGUAGE)
    except Refused as refused:
        print(f"briefbot: {refused.message}", file=sys.stderr)
        return 1
    print(f"removed the digest of {date} (version {removal.content_hash[:12]} kept)")
    return 0
