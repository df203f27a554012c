"""``briefbot preview PATH...``: show a digest's messages as a reader would see them.

``--format compact|full|item`` (``--item N`` for one item), ``--lang zh|en``. With
``--json`` it prints a JSON array of the exact ``sendMessage`` parameters, one object per
message: what the delivery engine sends. A folder means every ``.md`` file in it, as for
``check``; with several files each is headed by its path (``--json``: an object of
arrays by path). Exits 1 when any file is invalid, after showing the others.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from bot.cli.digest_files import category_rules, digest_files, empty_folders
from bot.digest.categories import CategoryRules
from bot.digest.errors import DigestError
from bot.digest.parser import load_digest_with_warnings
from bot.i18n import LANGUAGES
from bot.render import RenderedMessage, render_compact, render_full, render_item
from bot.render.blocks import MAX_ENTITIES, MAX_UTF16

FORMATS = ("compact", "full", "item")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``preview``."""
    parser = subparsers.add_parser(
        "preview",
        help="show a digest's messages as a reader sees them (or as Bot API JSON)",
        description="Render a digest file the way the bot sends it.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="file or folder")
    parser.add_argument("--format", choices=FORMATS, help="default: compact (item with --item)")
    parser.add_argument("--item", type=int, metavar="N", help="the item to show (format item)")
    parser.add_argument("--lang", choices=LANGUAGES, default="zh", help="interface language")
    parser.add_argument("--json", action="store_true", help="print sendMessage parameters")
    parser.add_argument(
        "--rules", type=Path, help="category rules file (default: CATEGORY_RULES_FILE)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Render the digest of each file in ``args.paths``; return the exit status."""
    chosen = args.format or ("item" if args.item is not None else "compact")
    if chosen == "item" and args.item is None:
        print("briefbot preview: --format item needs --item N", file=sys.stderr)
        return 2
    rules = category_rules(args.rules)
    if rules is None:
        return 2
    empty = empty_folders(args.paths)
    for problem in empty:
        print(problem, file=sys.stderr)
    status = 1 if empty else 0
    files = list(digest_files(args.paths))
    shown: dict[str, list[RenderedMessage]] = {}
    for path in files:
        messages = _messages(path, chosen, args, rules)
        if messages is None:
            status = 1
        else:
            shown[str(path)] = messages
    if args.json:
        params = {name: [m.api_params() for m in messages] for name, messages in shown.items()}
        single = len(files) == 1 and len(params) == 1
        output = json.dumps(
            next(iter(params.values())) if single else params, ensure_ascii=False, indent=2
        )
    else:
        output = "\n\n".join(
            ("" if len(files) == 1 else f"══ {name} ══\n") + _as_reader_sees_all(messages)
            for name, messages in shown.items()
        )
    if not shown:
        return status  # every reason was printed above; no blank "preview"
    try:
        print(output, flush=True)
    except BrokenPipeError:
        # The reader stopped reading (``| head``): not a failure; silence the final flush.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return status


def _messages(
    path: Path, chosen: str, args: argparse.Namespace, rules: CategoryRules
) -> list[RenderedMessage] | None:
    """The messages of the digest at ``path``; None after printing why there are none."""
    try:
        digest, warnings = load_digest_with_warnings(path, rules)
    except DigestError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return None
    for warning in warnings:
        print(warning, file=sys.stderr)
    if chosen == "item":
        if digest.item(args.item) is None:
            numbers = [item.number for item in digest.items]
            print(
                f"{path}: no item {args.item} (items {numbers[0]}-{numbers[-1]})",
                file=sys.stderr,
            )
            return None
        return [render_item(digest, args.item, args.lang)]
    if chosen == "full":
        return render_full(digest, args.lang)
    return [render_compact(digest, args.lang)]


def _as_reader_sees_all(messages: list[RenderedMessage]) -> str:
    return "\n\n".join(as_reader_sees(m, i, len(messages)) for i, m in enumerate(messages))


def as_reader_sees(message: RenderedMessage, index: int, total: int) -> str:
    """The message's visible text, a ruler with its size, and its buttons."""
    # The HTML parser lives in the sandbox package, which only tool commands import.
    from sandbox.telegram_html import parse_html, utf16_len

    text, entities = parse_html(message.text)
    ruler = (
        f"── message {index + 1}/{total} · {utf16_len(text)}/{MAX_UTF16} UTF-16 units · "
        f"{len(entities)}/{MAX_ENTITIES} entities "
        f"· link preview {'off' if message.disable_link_preview else 'on'} ──"
    )
    lines = [ruler, text]
    for row in message.keyboard:
        lines.append(" ".join(f"[ {b.text}{' ↗' if b.url else ''} ]" for b in row))
    return "\n".join(lines)
