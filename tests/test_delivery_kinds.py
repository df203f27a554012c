"""Task kinds are a registry: the engine delivers any registered kind end to end (its
progress counted per batch), and dead-letters a kind it does not know, delivering the
rest."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from bot.delivery.kinds.builtin import builtin_kinds
from bot.delivery.kinds.push import PUSH
from bot.delivery.kinds.registry import KindRegistry
from bot.delivery.queue.held import Job
from bot.delivery.queue.tasks import BadTask, chat_of, check_batch, text_of
from bot.delivery.senders.deliverer import Deliverer, Finished, Step
from bot.store.dead_letters import DeadLetters
from tests.fixtures.delivery import FAST, DeliveryWorld


@dataclass(frozen=True)
class NoteTask:
    """A test kind: one plain text to one chat, as a batch of notes."""

    chat_id: int
    batch_id: str
    text: str

    kind = "note"

    def with_chat(self, chat_id: int) -> NoteTask:
        return NoteTask(chat_id, self.batch_id, self.text)

    def body(self) -> dict[str, object]:
        return {"chat": self.chat_id, "batch": self.batch_id, "text": self.text}


class NoteKind:
    """Sends the note's text with the engine's own sending, pacing and failure handling."""

    name = "note"

    def decode(self, body: Mapping[str, Any]) -> NoteTask:
        return NoteTask(chat_of(body), check_batch(text_of(body, "batch")), text_of(body, "text"))

    async def step(self, job: Job, engine: Deliverer) -> Step:
        assert isinstance(job.task, NoteTask)
        if job.messages is None:
            job.messages = ({"text": job.task.text},)
        later = await engine.send_next(job)
        return later if later is not None else Finished("sent")

    async def release(self, job: Job, engine: Deliverer) -> None:
        pass  # a note holds no claim


def with_notes(world: DeliveryWorld) -> KindRegistry:
    kinds = builtin_kinds(world.stores)
    kinds.register(NoteKind())
    return kinds


async def test_a_registered_kind_is_delivered_end_to_end(world: DeliveryWorld) -> None:
    chats = await world.readers(3)
    await world.pool(kinds=with_notes(world))
    notes = [NoteTask(chat, "notes-1", f"note for {chat}") for chat in chats]
    assert await world.outbox.enqueue("notes-1", notes) == 3
    progress = await world.finished("notes-1")
    assert (progress.enqueued, progress.sent, progress.failed) == (3, 3, 0)
    for chat in chats:
        assert await world.bot_texts(chat) == [f"note for {chat}"]
    # A push still goes through the same pool, counted in its own batch.
    pushed = await world.finished(await world.push(chats[:1], "push-1"))
    assert (pushed.enqueued, pushed.sent) == (1, 1)
    assert len(await world.bot_texts(chats[0])) == 2


async def test_an_unknown_kind_is_dead_lettered_and_the_rest_delivered(
    world: DeliveryWorld,
) -> None:
    chats = await world.readers(2)
    await world.pool()  # the built-in kinds only: no "note"
    await world.outbox.enqueue("notes-2", [NoteTask(chats[0], "notes-2", "unknown here")])
    progress = await world.finished(await world.push(chats))
    assert progress.sent == 2
    [letter] = [letter async for letter in DeadLetters(world.redis, world.keys)]
    assert "unknown task kind 'note'" in letter.reason
    assert json.loads(letter.task)["text"] == "unknown here"  # kept for the admins
    assert await world.bot_texts(chats[1]) != []
    assert "unknown here" not in await world.bot_texts(chats[0])
    assert await world.outbox.stream.backlog() == 0


def test_one_kind_per_name_and_bad_bodies_are_refused() -> None:
    kinds = KindRegistry((PUSH,))
    with pytest.raises(ValueError, match="registered already"):
        kinds.register(PUSH)
    assert kinds.names() == ("push",)
    with pytest.raises(BadTask, match="bad chat id"):
        kinds.decode({"task": '{"v": 1, "kind": "push", "date": "2025-07-21", "push": "p"}'})
    with pytest.raises(BadTask, match="unknown task kind"):
        kinds.decode({"task": '{"v": 1, "kind": "broadcast", "chat": 1}'})


class BuggyNoteKind(NoteKind):
    """A note kind whose step raises something nobody foresaw ``failures`` times per chat."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.raised: dict[int, int] = {}

    async def step(self, job: Job, engine: Deliverer) -> Step:
        raised = self.raised.get(job.task.chat_id, 0)
        if raised < self.failures:
            self.raised[job.task.chat_id] = raised + 1
            raise KeyError("a bug in a kind")
        return await super().step(job, engine)


async def test_an_unexpected_error_in_a_step_is_retried_not_dead_lettered(
    world: DeliveryWorld,
) -> None:
    admin = (await world.control.create_private_chat(first_name="Admin")).chat_id
    chats = await world.readers(3)
    kinds = builtin_kinds(world.stores)
    kinds.register(BuggyNoteKind(failures=2))
    await world.pool(kinds=kinds, admin_ids=frozenset({admin}))
    await world.outbox.enqueue("notes", [NoteTask(chat, "notes", "hi") for chat in chats])
    progress = await world.finished("notes")
    assert (progress.sent, progress.failed) == (3, 0)
    for chat in chats:
        assert await world.bot_texts(chat) == ["hi"]
    assert await DeadLetters(world.redis, world.keys).count() == 0
    assert await world.bot_texts(admin) == []


async def test_an_error_that_never_stops_is_dead_lettered_once_the_budget_is_spent(
    world: DeliveryWorld,
) -> None:
    (chat,) = await world.readers(1)
    kinds = builtin_kinds(world.stores)
    kinds.register(BuggyNoteKind(failures=10**9))
    policy = dataclasses.replace(FAST.policy, retry_seconds=0.3, backoff_cap=0.05)
    await world.pool(kinds=kinds, config=dataclasses.replace(FAST, policy=policy))
    await world.outbox.enqueue("notes", [NoteTask(chat, "notes", "hi")])
    progress = await world.finished("notes")
    assert (progress.sent, progress.failed) == (0, 1)
    (letter,) = [letter async for letter in DeadLetters(world.redis, world.keys)]
    assert "KeyError('a bug in a kind')" in letter.reason and letter.attempts > 1
