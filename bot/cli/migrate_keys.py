"""``briefbot migrate-keys``: the one-time rename of a single server's keys from the old
layout (``briefbot:sub:42``) to the hash-tagged one (``{briefbot}:sub:42``).

Run it once, with every briefbot process stopped, before starting this version on a Redis
that an older version used. It exits 0 when every old-named key was renamed (or none was
left), 1 when a process still runs or some keys exist under both names (left untouched
and listed, so nothing is overwritten).
"""

from __future__ import annotations

import argparse
import sys

from bot.cli.process import run_with_runtime
from bot.i18n import plural
from bot.runtime import Runtime
from bot.store.connection import is_cluster
from bot.store.key_migration import MigrationRefused, migrate_keys

SHOWN_CONFLICTS = 10


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``migrate-keys``."""
    parser = subparsers.add_parser(
        "migrate-keys",
        help="rename keys of an older version to {PREFIX}:... (once, all processes stopped)",
    )
    parser.set_defaults(func=lambda _args: run_with_runtime(migrate))


async def migrate(runtime: Runtime) -> int:
    """Rename the old-named keys of the settings' prefix; returns the exit status."""
    connection = runtime.connection
    keys = connection.keys
    try:
        report = await migrate_keys(connection.client, keys, cluster=is_cluster(connection.client))
    except MigrationRefused as error:
        print(f"briefbot: {error}", file=sys.stderr)
        return 1
    print(
        f"renamed {plural(report.renamed, 'key')} from {keys.prefix}:... to {keys.tag}:... "
        f"on {connection.url_description}"
    )
    if not report.conflicts:
        return 0
    print(
        f"briefbot: {len(report.conflicts)} old keys were left as they are because the new "
        "name exists too (a newer briefbot already ran on this Redis); compare and delete "
        "the one you do not need, e.g.:",
        file=sys.stderr,
    )
    for key in report.conflicts[:SHOWN_CONFLICTS]:
        print(f"  {key}  (new: {keys.tag}{key.removeprefix(keys.prefix)})", file=sys.stderr)
    return 1
