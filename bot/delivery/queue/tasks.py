"""Delivery tasks and their versioned JSON form in the outbox stream.

A stream entry has one field, ``task``, holding ``{"v": 1, "kind": ..., ...}``: the
version, the task's kind, and what that kind puts in its body. The version lets a newer
process refuse (dead-letter) what it does not understand instead of guessing; an unknown
kind is refused the same way. Each kind (``bot.delivery.kinds``) decodes its own body;
every task names its chat and the batch it belongs to (a push, later a broadcast or a
correction), whose progress counts its outcome.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol, Self

from bot.keys import CHECK, InvalidKeyPart

VERSION = 1
FIELD = "task"


class BadTask(ValueError):
    """A stream entry that is not a task this version understands."""


class Task(Protocol):
    """What every kind of task has: where it goes, the batch it counts in, its body."""

    @property
    def kind(self) -> str:
        """The registered kind's name (``push``...)."""
        ...

    @property
    def chat_id(self) -> int:
        """The chat the task delivers to."""
        ...

    @property
    def batch_id(self) -> str:
        """The batch whose progress counts this task's outcome."""
        ...

    def with_chat(self, chat_id: int) -> Self:
        """The same task for a chat's new id (after a group became a supergroup)."""
        ...

    def body(self) -> dict[str, object]:
        """The kind's own fields, as JSON values (``v`` and ``kind`` are added)."""
        ...


def encode(task: Task) -> dict[str, str]:
    """The stream entry's fields."""
    body = {"v": VERSION, "kind": task.kind, **task.body()}
    return {FIELD: json.dumps(body, separators=(",", ":"))}


def envelope(fields: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    """The kind name and the whole JSON body of a stream entry; ``BadTask`` says what is
    wrong with an entry that is no task of this version."""
    raw = fields.get(FIELD)
    if raw is None:
        raise BadTask(f"no {FIELD!r} field in {sorted(fields)}")
    try:
        body = json.loads(raw)
    except ValueError as error:
        raise BadTask(f"not JSON: {raw[:80]!r}") from error
    if not isinstance(body, dict) or body.get("v") != VERSION:
        raise BadTask(f"unsupported task version in {raw[:80]!r}")
    kind = body.get("kind")
    if not isinstance(kind, str):
        raise BadTask(f"no task kind in {raw[:80]!r}")
    return kind, body


def chat_of(body: Mapping[str, Any]) -> int:
    """The body's ``chat``: a non-zero integer chat id, else ``BadTask``."""
    chat = body.get("chat")
    if not isinstance(chat, int) or isinstance(chat, bool) or chat == 0:
        raise BadTask(f"bad chat id {chat!r}")
    return chat


def text_of(body: Mapping[str, Any], name: str) -> str:
    """The body's string field ``name``, else ``BadTask``."""
    value = body.get(name)
    if not isinstance(value, str):
        raise BadTask(f"bad {name} {value!r}")
    return value


def check_batch(batch_id: str) -> str:
    """``batch_id`` when it can name its progress key (what every task touches)."""
    try:
        CHECK.push_progress(batch_id)
    except InvalidKeyPart as error:
        raise BadTask(str(error)) from error
    return batch_id
