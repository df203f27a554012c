"""``briefbot deadletters list`` / ``retry [--all | ID...]``: the deliveries that failed for
good, and putting them back into the outbox.

``list`` prints one line per dead letter (its id, when, the task's kind, chat and batch,
the attempts and the reason). ``retry`` re-enqueues the given dead letters (or all of
them) and removes them from the dead letters; a running bot or ``briefbot worker`` sends
them. Retrying is idempotent thanks to the ledger: a reader who has the digest meanwhile
is skipped, never sent it twice. A dead letter that is no task this version understands
(a corrupt outbox entry) is listed but never retried.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime

from bot.cli.process import run_with_runtime
from bot.delivery.kinds.builtin import builtin_kinds
from bot.delivery.kinds.registry import KindRegistry
from bot.delivery.queue.tasks import FIELD, BadTask, Task
from bot.runtime import Runtime
from bot.store.dead_letters import DeadLetter

ENTRY_ID = re.compile(r"^\d+-\d+$")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``deadletters list`` and ``deadletters retry``."""
    parser = subparsers.add_parser(
        "deadletters", help="list the deliveries that failed for good, or retry them"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    lister = actions.add_parser("list", help="one line per dead letter, oldest first")
    lister.set_defaults(func=lambda args: run_with_runtime(list_letters))
    retry = actions.add_parser("retry", help="put dead letters back into the outbox")
    retry.add_argument("ids", nargs="*", metavar="ID", help="dead-letter ids (from `list`)")
    retry.add_argument("--all", action="store_true", help="every dead letter")
    retry.set_defaults(func=_retry_command)


def _retry_command(args: argparse.Namespace) -> int:
    ids: list[str] = args.ids
    if args.all == bool(ids):
        print("briefbot: give dead-letter IDs or --all (not both)", file=sys.stderr)
        return 2
    bad = [entry_id for entry_id in ids if not ENTRY_ID.match(entry_id)]
    if bad:
        print(f"briefbot: not a dead-letter id: {', '.join(bad)}", file=sys.stderr)
        return 2
    return run_with_runtime(lambda runtime: retry_letters(runtime, None if args.all else ids))


def _task(kinds: KindRegistry, letter: DeadLetter) -> Task | BadTask:
    try:
        return kinds.decode({FIELD: letter.task})
    except BadTask as error:
        return error


def describe(letter: DeadLetter, task: Task | BadTask) -> str:
    """One line of ``list``."""
    when = datetime.fromtimestamp(letter.failed_at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    what = (
        f"not a task ({task})"
        if isinstance(task, BadTask)
        else f"{task.kind} to {task.chat_id} in {task.batch_id}"
    )
    return f"{letter.entry_id}  {when}  {what}  attempts {letter.attempts}: {letter.reason}"


async def list_letters(runtime: Runtime) -> int:
    """Print every dead letter; exit 0."""
    kinds = builtin_kinds(runtime.stores)
    count = 0
    async for letter in runtime.stores.dead_letters:
        print(describe(letter, _task(kinds, letter)))
        count += 1
    print(f"{count} dead letters" if count != 1 else "1 dead letter", file=sys.stderr)
    return 0


async def retry_letters(runtime: Runtime, ids: list[str] | None) -> int:
    """Re-enqueue the dead letters ``ids`` (None: all); exit 1 if any could not be."""
    store, kinds = runtime.stores.dead_letters, builtin_kinds(runtime.stores)
    if ids is None:
        letters = [letter async for letter in store]
    else:
        found = [(entry_id, await store.get(entry_id)) for entry_id in ids]
        for entry_id, letter in found:
            if letter is None:
                print(f"briefbot: no dead letter {entry_id}", file=sys.stderr)
        letters = [letter for _, letter in found if letter is not None]
    problems = len(letters) != len(ids) if ids is not None else False
    retryable: list[tuple[str, str]] = []
    for letter in letters:
        task = _task(kinds, letter)
        if isinstance(task, BadTask):
            print(f"briefbot: {letter.entry_id} is not a task, kept: {task}", file=sys.stderr)
            problems = problems or ids is not None
            continue
        retryable.append((letter.entry_id, task.batch_id))
    await runtime.stores.outbox.ensure_group()
    requeued = await store.requeue(retryable)
    print(
        f"re-enqueued {len(requeued)} of {len(letters)} dead letters; a running bot or "
        "`briefbot worker` sends them (readers who have the digest by now are skipped)",
        file=sys.stderr,
    )
    return 1 if problems else 0
