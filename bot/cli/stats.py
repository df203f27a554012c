"""``briefbot stats [DATE] [--json]``: the admin's statistics of a digest date (the newest
stored one by default), as text or as JSON (``subscribers`` by status, ``languages``,
``push`` with ``delivered`` / ``failed`` / ``blocked`` / ``pending``, ``items`` with each
item's ``number``, ``title``, ``reads`` and ``rate``, and the 7-digest ``trend``)."""

from __future__ import annotations

import argparse
import sys

from bot.cli.dates import iso_date
from bot.cli.process import run_with_runtime
from bot.runtime import Runtime
from bot.services.stats import NoDigest, StatsService
from bot.services.stats_text import stats_text


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``stats``."""
    parser = subparsers.add_parser("stats", help="subscribers, a day's push and its reads")
    parser.add_argument("date", nargs="?", help="digest date YYYY-MM-DD (default: the newest)")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.set_defaults(func=lambda args: run_with_runtime(lambda r: stats(r, args)))


async def stats(runtime: Runtime, args: argparse.Namespace) -> int:
    """Print the statistics; exit 1 when there is no such digest."""
    date = None if args.date is None else iso_date(args.date)
    if args.date is not None and date is None:
        return 2
    try:
        result = await StatsService(runtime.stores).of(date)
    except NoDigest:
        print(f"briefbot: there is no stored digest of {date or 'any date'}", file=sys.stderr)
        return 1
    print(result.to_json() if args.json else stats_text(result, "en"))
    return 0
