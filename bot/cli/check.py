"""``briefbot check PATH...``: validate digest files before they are published.

Prints one ``path:line: message`` line per problem (``path:line: warning: message`` for
warnings) and exits 0 when every file is valid, 1 when any has an error, 2 when the
category rules cannot be read. A folder means every ``.md`` file in it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.digest_files import category_rules, digest_files, empty_folders
from bot.digest.errors import DigestError
from bot.digest.parser import load_digest_with_warnings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``check``."""
    parser = subparsers.add_parser(
        "check",
        help="validate digest files (path:line: message per problem)",
        description="Validate digest files; exit 0 when all are valid, 1 otherwise.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="file or folder")
    parser.add_argument(
        "--rules", type=Path, help="category rules file (default: CATEGORY_RULES_FILE)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check every file; print its problems; return the exit status."""
    rules = category_rules(args.rules)
    if rules is None:
        return 2
    files = warnings = 0
    empty = empty_folders(args.paths)
    for problem in empty:
        print(problem)
    errors = len(empty)
    for path in digest_files(args.paths):
        files += 1
        try:
            _, problems = load_digest_with_warnings(path, rules)
        except DigestError as error:
            problems = error.problems
        for problem in problems:
            print(problem)
        errors += sum(1 for p in problems if not p.warning)
        warnings += sum(1 for p in problems if p.warning)
    print(
        f"checked {files} file{'s' * (files != 1)}: {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}",
        file=sys.stderr,
    )
    return 1 if errors else 0
