"""The task-kind registry: kind name -> how to decode it and what one step of it does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from bot.delivery.queue.tasks import BadTask, Task, envelope

if TYPE_CHECKING:
    from bot.delivery.queue.held import Job
    from bot.delivery.senders.deliverer import Deliverer, Step


class TaskKind(Protocol):
    """One kind of delivery task."""

    @property
    def name(self) -> str:
        """What ``"kind"`` holds in the outbox entry."""
        ...

    def decode(self, body: Mapping[str, Any]) -> Task:
        """The task in an entry's JSON body; ``BadTask`` says what is wrong with it."""
        ...

    async def step(self, job: Job, engine: Deliverer) -> Step:
        """Advance ``job`` by at most one message."""
        ...

    async def release(self, job: Job, engine: Deliverer) -> None:
        """Give back whatever the task holds (its claim) when it ends without success, so
        a later run may deliver it."""
        ...


class KindRegistry:
    """The kinds one sender process understands."""

    def __init__(self, kinds: tuple[TaskKind, ...] = ()) -> None:
        self._kinds: dict[str, TaskKind] = {}
        for kind in kinds:
            self.register(kind)

    def register(self, kind: TaskKind) -> None:
        """Understand ``kind`` from now on; one kind per name."""
        if kind.name in self._kinds:
            raise ValueError(f"task kind {kind.name!r} is registered already")
        self._kinds[kind.name] = kind

    def names(self) -> tuple[str, ...]:
        """The registered kind names, in registration order."""
        return tuple(self._kinds)

    def of(self, task: Task) -> TaskKind:
        """The kind that runs ``task``."""
        return self._kinds[task.kind]

    def decode(self, fields: Mapping[str, str]) -> Task:
        """The task in a stream entry; ``BadTask`` for anything else (an unknown kind
        included: a newer process's task is dead-lettered, not guessed at)."""
        name, body = envelope(fields)
        kind = self._kinds.get(name)
        if kind is None:
            raise BadTask(f"unknown task kind {name!r}")
        return kind.decode(body)
