"""Delivery tasks and their versioned JSON form in the outbox stream.

A stream entry has one field, ``task``, holding ``{"v": 1, "kind": ..., ...}``. The version
lets a newer process refuse (dead-letter) what it does not understand instead of guessing;
only ``push`` exists today, broadcast and correction-edit kinds will join the union.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.keys import InvalidKeyPart, Keys

VERSION = 1
FIELD = "task"


class BadTask(ValueError):
    """A stream entry that is not a task this version understands."""


@dataclass(frozen=True)
class PushTask:
    """Deliver the digest of ``date`` to ``chat_id`` as part of push ``push_id``."""

    date: str
    chat_id: int
    push_id: str

    kind = "push"

    def with_chat(self, chat_id: int) -> PushTask:
        """The same task for a chat's new id (after a group became a supergroup)."""
        return PushTask(self.date, chat_id, self.push_id)


Task = PushTask


def encode(task: Task) -> dict[str, str]:
    """The stream entry's fields."""
    body = {"v": VERSION, "kind": task.kind, "date": task.date, "chat": task.chat_id}
    body["push"] = task.push_id
    return {FIELD: json.dumps(body, separators=(",", ":"))}


def decode(fields: dict[str, str]) -> Task:
    """The task in a stream entry; ``BadTask`` says what is wrong with it."""
    raw = fields.get(FIELD)
    if raw is None:
        raise BadTask(f"no {FIELD!r} field in {sorted(fields)}")
    try:
        body = json.loads(raw)
    except ValueError as error:
        raise BadTask(f"not JSON: {raw[:80]!r}") from error
    if not isinstance(body, dict) or body.get("v") != VERSION:
        raise BadTask(f"unsupported task version in {raw[:80]!r}")
    if body.get("kind") != PushTask.kind:
        raise BadTask(f"unknown task kind {body.get('kind')!r}")
    date, chat, push_id = body.get("date"), body.get("chat"), body.get("push")
    if not isinstance(chat, int) or isinstance(chat, bool) or chat == 0:
        raise BadTask(f"bad chat id {chat!r}")
    if not isinstance(date, str) or not isinstance(push_id, str):
        raise BadTask(f"bad date or push id in {raw[:80]!r}")
    try:  # the same checks the keys this task will touch apply
        Keys("check").sent(date)
        Keys("check").push_progress(push_id)
    except InvalidKeyPart as error:
        raise BadTask(str(error)) from error
    return PushTask(date, chat, push_id)
