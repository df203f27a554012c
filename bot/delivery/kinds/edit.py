"""The edit kind: one chat's delivered messages of a date, edited in place to a corrected
version of its digest, at the same limits as sends (the global rate, the chat's pace).

A step claims the chat in the correction's edit ledger (``bot.store.edits``), plans on
the first step which of its messages show a changed part (``bot.corrections.plan``; a
post in a connected channel: ``bot.corrections.channel_plan``), then edits one message
per step. "message is not modified" counts as done, "message to edit not found" (the
reader deleted it) as gone, 403 marks the reader blocked as a push does (a channel is
paused, as its post would be). A chat whose push is still in flight is waited for; one
whose push already rendered the corrected version needs nothing. After the last edit the
chat's ledger entries are finished in one script call, so applying the correction again
edits nothing; with ``notify`` the reader then gets one short silent notice (a channel
never does).
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from telegram.error import BadRequest

import bot.corrections.cache as cache
import bot.ops.metrics as metrics
from bot.corrections.plan import Plan
from bot.corrections.targets import is_paused_channel, plan_for, rendered_for
from bot.delivery.kinds.channel import lost_rights
from bot.delivery.kinds.claims import refused_claim
from bot.delivery.limits.limiter import Slot, pace_seconds
from bot.delivery.queue.held import Job
from bot.delivery.queue.tasks import BadTask, chat_of, check_batch, text_of
from bot.delivery.senders import bot_api
from bot.delivery.senders.deliverer import Deliverer, Finished, Later, Step
from bot.delivery.senders.failures import classify
from bot.digest.model import Digest
from bot.i18n import t
from bot.keys import CHECK, InvalidKeyPart
from bot.store.ledger import LedgerEntry, Variant

logger = logging.getLogger(__name__)

NAME: Final = "edit"
NOT_MODIFIED: Final = "message is not modified"
MESSAGE_GONE: Final = ("message to edit not found", "message can't be edited")
PUSH_IN_FLIGHT_RECHECK: Final = 2.0  # seconds between looks at a chat still being pushed


@dataclass(frozen=True)
class EditTask:
    """Edit ``chat_id``'s messages of ``date`` to the version ``to``, in batch ``batch``;
    ``notify``: tell the reader afterwards, silently."""

    date: str
    chat_id: int
    to: str
    batch: str
    notify: bool = False

    kind = NAME

    @property
    def batch_id(self) -> str:
        """A correction is the batch its tasks count in."""
        return self.batch

    def with_chat(self, chat_id: int) -> EditTask:
        """The same task for a chat's new id."""
        return replace(self, chat_id=chat_id)

    def body(self) -> dict[str, object]:
        """``date``, ``chat``, ``to``, ``batch``, ``notify``."""
        return {
            "date": self.date,
            "chat": self.chat_id,
            "to": self.to,
            "batch": self.batch,
            "notify": self.notify,
        }


@dataclass
class _Progress:
    """What a job of this kind keeps between steps beside the engine's fields."""

    delivery: LedgerEntry
    plan: Plan
    applies: bool = True  # False: the record does not match its version; nothing edited
    edited: int = 0  # messages really changed (not "not modified", not gone)
    channel: bool = False  # a post in a connected channel


class EditKind:
    """Decodes and runs edit tasks."""

    name = NAME

    def __init__(self) -> None:
        self._progress: weakref.WeakKeyDictionary[Job, _Progress] = weakref.WeakKeyDictionary()

    def decode(self, body: Mapping[str, Any]) -> EditTask:
        """An edit task; its date, version and batch must be able to name their keys."""
        chat = chat_of(body)
        date, to = text_of(body, "date"), text_of(body, "to")
        notify = body.get("notify", False)
        if not isinstance(notify, bool):
            raise BadTask(f"bad notify {notify!r}")
        try:
            CHECK.edits(date, to)
        except InvalidKeyPart as error:
            raise BadTask(str(error)) from error
        return EditTask(date, chat, to, check_batch(text_of(body, "batch")), notify)

    async def step(self, job: Job, engine: Deliverer) -> Step:
        """Claim, plan on the first step, then one edit (or the notice) per step."""
        task = _edit(job)
        edits = engine.stores.edits
        claim = await edits.claim(
            task.date, task.to, task.chat_id, engine.claimer, engine.policy.stale_after
        )
        if not claim.granted:
            return refused_claim(claim, engine.policy.stale_after)  # done, or being done
        if job.messages is None:
            prepared = await self._prepare(job, task, engine)
            if prepared is not None:
                return prepared
        assert job.messages is not None
        while len(job.message_ids) < len(job.messages):
            slot = await engine.wait_for_slot(task.chat_id)
            if not isinstance(slot, Slot):
                return slot
            params = job.messages[len(job.message_ids)]
            outcome = await self._call(job, task, engine, params, slot)
            if outcome is not None:
                refused = isinstance(outcome, Finished) and outcome.outcome == "blocked"
                if refused and self._progress[job].channel:
                    await lost_rights(engine, task.chat_id, "refused")  # as its post would
                return outcome
            if len(job.message_ids) < len(job.messages):
                return Later(pace_seconds(task.chat_id))
        progress = self._progress[job]
        shows = progress.delivery  # left as it is when the plan could not apply
        if progress.applies:
            shows = replace(shows, content_hash=task.to, parts=progress.plan.parts)
        await edits.finish(task.date, task.to, tuple(job.message_ids), shows)
        return Finished("sent" if progress.edited else "skipped")

    async def _call(
        self, job: Job, task: EditTask, engine: Deliverer, params: dict[str, object], slot: Slot
    ) -> Step | None:
        """One edit (or the notice); None when it is done, gone or not needed."""
        progress = self._progress[job]
        method = "editMessageText" if "message_id" in params else "sendMessage"
        message_id = int(str(params.get("message_id", 0)))
        try:
            body = {"chat_id": task.chat_id, **params}
            await engine.call_in(slot, lambda: bot_api.call(engine.bot, method, body))
        except BadRequest as error:
            text = error.message.lower()
            if NOT_MODIFIED in text:
                pass  # an earlier attempt (or a sender that died) made this edit already
            elif any(gone in text for gone in MESSAGE_GONE):
                logger.info("message %s in chat %s is gone; not edited", message_id, task.chat_id)
            else:
                return await engine.failed(job, classify(error))
        except Exception as error:  # every failure is classified; none may kill a sender
            return await engine.failed(job, classify(error))
        else:
            edited = method == "editMessageText"
            progress.edited += edited
            # the optional notice to the reader is a new message, not an edit
            (metrics.MESSAGES_EDITED if edited else metrics.MESSAGES_SENT).labels(
                kind=task.kind
            ).inc()
        job.message_ids.append(message_id)
        return None

    async def _prepare(self, job: Job, task: EditTask, engine: Deliverer) -> Step | None:
        """Plan the chat's edits; a step result when there is nothing to edit (yet)."""
        stores = engine.stores
        delivery = await stores.ledger.get(task.date, task.chat_id)
        if delivery is None:
            await self.release(job, engine)
            return Finished("skipped")
        if not delivery.sent:  # its push is in flight: edit once it is recorded
            await self.release(job, engine)
            return Later(PUSH_IN_FLIGHT_RECHECK)
        if await stores.digests.current_hash(task.date) != task.to:
            await self.release(job, engine)
            return Finished("skipped")  # a newer correction (or a removal) replaced this one
        before_hash = delivery.content_hash or ""
        after = await cache.version(stores.digests, task.date, task.to)
        before = await cache.version(stores.digests, task.date, before_hash)
        if after is None or before is None:
            missing = task.to if after is None else before_hash
            return await engine.give_up(
                job, f"digest version {missing[:12]} of {task.date} is gone"
            )
        planned = await self._plan(delivery, before, after, engine)
        if planned is None:
            await self.release(job, engine)
            return Finished("skipped")
        plan, variant = planned
        if plan.messages != len(delivery.message_ids):
            logger.warning(
                "chat %s: %d messages recorded for %s, %d expected; not edited",
                task.chat_id, len(delivery.message_ids), task.date, plan.messages,
            )  # fmt: skip
            plan = Plan((), delivery.parts, (), len(delivery.message_ids))
            applies = False
        else:
            applies = True
        messages = [
            {"message_id": delivery.message_ids[edit.index], **edit.params} for edit in plan.edits
        ]
        if task.notify and plan.edits and variant is not None:  # never a post in a channel
            items = ", ".join(str(number) for number in plan.items) or "—"
            text = t(variant.language, "correction.notice", date=task.date, items=items)
            messages.append({"text": text, "disable_notification": True})
        shown = delivery if not applies else replace(delivery, variant=variant)
        self._progress[job] = _Progress(shown, plan, applies, channel=variant is None)
        job.messages, job.content_hash, job.variant = tuple(messages), task.to, variant
        return None

    async def _plan(
        self, delivery: LedgerEntry, before: Digest, after: Digest, engine: Deliverer
    ) -> tuple[Plan, Variant | None] | None:
        """The delivery's plan and the reader's variant (None: a channel post); None when
        it is left alone: a paused channel, an old record of a reader who is gone since."""
        target = await rendered_for(delivery, engine.stores.channels, engine.readers.submit)
        if target is None or is_paused_channel(target):
            return None
        username = engine.bot.username
        plan = plan_for(target, before, after, engine.content.rules, delivery.parts, username)
        return plan, target if isinstance(target, Variant) else None

    async def release(self, job: Job, engine: Deliverer) -> None:
        """Give the edit claim back."""
        task = _edit(job)
        await engine.stores.edits.release(task.date, task.to, task.chat_id, engine.claimer)


def _edit(job: Job) -> EditTask:
    task = job.task
    assert isinstance(task, EditTask), f"the edit kind was given a {task.kind} task"
    return task


EDIT: Final = EditKind()
