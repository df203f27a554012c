"""Corrections as an admin meets them, through the sandbox: the poller finds a delivered
date changed and sends the admin the diff with Apply / Ignore (once per change), readers
keep the delivered version until the admin applies; Apply asks for confirmation, Confirm
edits the readers' messages; a reader pressing the admin's buttons, and a replayed
Confirm, change nothing and are audited; /correct DATE ITEM with a reply."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from bot.context import BotApplication
from bot.delivery.kinds.push import enqueue_push
from bot.delivery.queue.outbox import Outbox
from bot.delivery.senders.pool import SenderPool
from bot.scheduler.jobs import build_scheduling
from bot.settings import Settings
from sandbox import SandboxControl
from tests.fixtures import forged
from tests.fixtures.delivery import FAST
from tests.fixtures.reader_bot import BotRunner, ChatDriver, button_data
from tests.fixtures.stores import MovableClock

ADMIN_ID = 616161
DATE = "2025-07-21"
OLD = "京东和美团的战火，烧到具身智能"
NEW = "京东与美团之争延伸到具身智能"


@pytest.fixture
async def runner(bot_settings: Settings, clock: MovableClock) -> AsyncIterator[BotRunner]:
    settings = dataclasses.replace(bot_settings, admin_ids=frozenset({ADMIN_ID}))
    bot = BotRunner(settings, clock)
    await bot.start()
    yield bot
    await bot.stop()


@pytest.fixture
async def senders(runner: BotRunner) -> AsyncIterator[SenderPool]:
    """A sender pool next to the bot, on its runtime (as ``briefbot run`` has)."""
    application = _app(runner)
    runtime = application.bot_data.services.runtime
    pool = SenderPool(stores=runtime.stores, bot=application.bot, rate=1000.0, config=FAST)
    await pool.start()
    yield pool
    await pool.stop(grace=1.0)


def _app(runner: BotRunner) -> BotApplication:
    assert runner.application is not None
    return runner.application


async def _delivered_to(runner: BotRunner, control: SandboxControl, count: int) -> list[ChatDriver]:
    """``count`` readers who subscribed and got the push of DATE."""
    readers = []
    for _ in range(count):
        chat = await control.create_private_chat(first_name="R", language_code="en")
        reader = ChatDriver(control, chat, chat.user_id)
        await reader.send("/start", expect=1)
        readers.append(reader)
    stores = _app(runner).bot_data.services.runtime.stores
    outbox = Outbox.of(stores)
    await enqueue_push(outbox, DATE, [r.chat_id for r in readers], "push-1")
    async for state in outbox.progress.watch("push-1", every=0.05):
        if state.finished:
            break
    for reader in readers:
        reader.seen += 1
    return readers


async def _admin(control: SandboxControl) -> ChatDriver:
    chat = await control.create_private_chat(user_id=ADMIN_ID, first_name="Ada", language_code="en")
    admin = ChatDriver(control, chat, ADMIN_ID)
    await admin.send("/start", expect=1)
    return admin


async def _forged_press(driver: ChatDriver, message_id: int, data: str) -> dict[str, object]:
    """A tampered client sending ``data`` from a message that does not carry it."""
    control = driver.control
    query = await control.press_button(
        driver.chat_id, message_id, data, user_id=driver.user_id, forged=True
    )
    answer: dict[str, object] = await control.wait_for_callback_answer(query)
    return answer


async def _poll(runner: BotRunner) -> None:
    application = _app(runner)
    scheduling = build_scheduling(application.bot_data.services.runtime, application.bot)
    await scheduling.poller.poll()


async def test_the_poller_holds_a_changed_delivered_digest_and_the_admin_applies_it(
    runner: BotRunner,
    senders: SenderPool,
    sandbox_control: SandboxControl,
    bot_settings: Settings,
) -> None:
    readers = await _delivered_to(runner, sandbox_control, 3)
    admin = await _admin(sandbox_control)
    pushed = [(await sandbox_control.bot_messages(r.chat_id))[-1] for r in readers]
    assert all(OLD in message.text for message in pushed)

    path = bot_settings.digest_dir / f"{DATE}.md"
    path.write_text(path.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    await _poll(runner)
    (alert,) = await admin._new(1)
    # In the admin's own language (their app's: English).
    assert alert.text.startswith(f"The {DATE} digest was delivered, and its file has changed")
    assert "Item 3 · headline" in alert.text and OLD in alert.text and NEW in alert.text
    assert "Applying it edits 3 delivered messages (3 readers)." in alert.text
    await _poll(runner)  # once per change: the same file again says nothing
    assert len(await sandbox_control.bot_messages(ADMIN_ID)) == admin.seen

    # Until the admin applies, readers see what they were sent.
    (item,) = await readers[0].send("/item 3")
    assert OLD in item.text

    # A reader replaying the Apply button changes nothing, and is audited.
    data = button_data(alert, "Apply")
    answer = await _forged_press(readers[1], pushed[1].message_id, data)
    assert answer["show_alert"] is True
    audit = _app(runner).bot_data.services.audit
    (refused,) = await audit.recent(1)
    assert (refused.who, refused.outcome) == (str(readers[1].chat.user_id), "refused")

    (confirm,) = await admin.press(alert, "Apply")
    assert "3 messages (3 readers)" in confirm.text
    confirm_data = button_data(confirm, "Confirm, edit")
    await admin.press(confirm, "Confirm, edit", expect=0)
    # Applying waits for every sender's digest cache to see the version (6 s).
    answers = await sandbox_control.wait_for_messages(ADMIN_ID, admin.seen + 1, timeout=15)
    applied = answers[-1]
    admin.seen += 1
    assert applied.text == f"The {DATE} correction is applied: editing the messages of 3 readers."
    for reader, message in zip(readers, pushed, strict=True):
        edited = await sandbox_control.wait_for_edit(reader.chat_id, message.message_id, timeout=10)
        assert NEW in edited.text and len(edited.history) == 1
    (item,) = await readers[0].send("/item 3")
    assert NEW in item.text

    # The same Confirm again (a replay, a double tap) does nothing but say so.
    await _forged_press(admin, confirm.message_id, confirm_data)  # its buttons are gone
    (stale,) = await admin._new(1)
    assert stale.text.startswith("This correction was handled already")
    (entry,) = await audit.recent(1)
    assert (entry.who, entry.action, entry.outcome) == (
        str(ADMIN_ID),
        "button.correction_confirm",
        "refused",
    )
    for reader in readers:
        assert all(len(m.history) <= 1 for m in await sandbox_control.bot_messages(reader.chat_id))


async def test_ignore_keeps_the_delivered_version_for_good(
    runner: BotRunner, senders: SenderPool, sandbox_control: SandboxControl, bot_settings: Settings
) -> None:
    readers = await _delivered_to(runner, sandbox_control, 1)
    admin = await _admin(sandbox_control)
    path = bot_settings.digest_dir / f"{DATE}.md"
    path.write_text(path.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    await _poll(runner)
    (alert,) = await admin._new(1)
    ignored = await admin.press_for_edit(alert, "Ignore")
    assert (
        ignored.text == f"This version of {DATE} is ignored; readers keep seeing the delivered one."
    )
    await _poll(runner)  # a fresh poller (a restarted process) finds the file again
    assert len(await sandbox_control.bot_messages(ADMIN_ID)) == admin.seen
    (item,) = await readers[0].send("/item 3")
    assert OLD in item.text
    (entry,) = await _app(runner).bot_data.services.audit.recent(1)
    assert (entry.who, entry.action, entry.outcome) == (str(ADMIN_ID), "correct.ignore", "done")


async def test_correct_command_with_a_reply_edits_the_headline_and_notifies(
    runner: BotRunner, senders: SenderPool, sandbox_control: SandboxControl
) -> None:
    readers = await _delivered_to(runner, sandbox_control, 2)
    pushed = [(await sandbox_control.bot_messages(r.chat_id))[-1] for r in readers]
    admin = await _admin(sandbox_control)
    prompt = await admin.ask("/correct 2025-07-21 3")
    assert prompt.text.startswith("/correct 2025-07-21 3\nReply to this message")
    bot = _app(runner).bot
    reply = forged.message(
        forged.private_chat(ADMIN_ID, "Ada"),
        forged.user(ADMIN_ID, "Ada"),
        NEW,
        reply_to_message={
            "message_id": prompt.message_id,
            "chat": forged.private_chat(ADMIN_ID, "Ada"),
            "date": prompt.date,
            "from": {"id": bot.id, "is_bot": True, "first_name": "briefbot"},
            "text": prompt.text,
        },
    )
    await sandbox_control.inject_update("message", reply)
    (proposal,) = await admin._new(1)
    assert "Item 3 · headline" in proposal.text and NEW in proposal.text
    assert "edits 2 delivered messages (2 readers)" in proposal.text
    await admin.press(proposal, "notify", expect=0)
    answers = await sandbox_control.wait_for_messages(ADMIN_ID, admin.seen + 1, timeout=15)
    assert answers[-1].text.endswith("editing the messages of 2 readers.")
    for reader, message in zip(readers, pushed, strict=True):
        edited = await sandbox_control.wait_for_edit(reader.chat_id, message.message_id, timeout=10)
        assert NEW in edited.text
        notices = await sandbox_control.wait_for_messages(reader.chat_id, reader.seen + 1)
        assert notices[-1].text.startswith("Correction: item 3 of the 2025-07-21 digest")


async def test_a_reader_cannot_use_correct(
    runner: BotRunner, sandbox_control: SandboxControl
) -> None:
    chat = await sandbox_control.create_private_chat(first_name="Eve", language_code="en")
    eve = ChatDriver(sandbox_control, chat, chat.user_id)
    answer = await eve.ask("/correct 2025-07-21 3")
    assert answer.text == "I don't know the command /correct. /help lists them all."
