"""/broadcast as an admin uses it, end to end: the real bot and its senders on the
sandbox and a real Redis. The preview is the readers' message, Send goes once, the status
message follows it to the end, formatting of a replied message is kept, and every step is
in the audit log."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator

import pytest

from bot.callback_data import Action
from bot.commands import Audience
from bot.delivery.senders.startup import own_senders
from bot.settings import Settings
from bot.store.audit import AuditEntry
from handlers import AREAS
from handlers.views.broadcast import SEND
from sandbox import ChatMessage, SandboxControl
from tests.fixtures import forged
from tests.fixtures.reader_bot import BotRunner, ChatDriver, button_data
from tests.fixtures.stores import MovableClock
from tests.test_bot_updates_checked import status_becomes

ADMIN_ID = 626262


@pytest.fixture
async def runner(bot_settings: Settings, clock: MovableClock) -> AsyncIterator[BotRunner]:
    """The bot with one admin, sending from its own sender pool as ``briefbot run`` does."""
    settings = dataclasses.replace(bot_settings, admin_ids=frozenset({ADMIN_ID}))
    bot = BotRunner(settings, clock)
    application = await bot.start()
    async with contextlib.AsyncExitStack() as senders:
        await senders.enter_async_context(own_senders(application.bot_data.services.runtime))
        yield bot
    await bot.stop()


@pytest.fixture
async def admin(sandbox_control: SandboxControl, runner: BotRunner) -> ChatDriver:
    chat = await sandbox_control.create_private_chat(
        user_id=ADMIN_ID, first_name="Ada", language_code="en"
    )
    return ChatDriver(sandbox_control, chat, chat.user_id)


async def readers(control: SandboxControl, count: int, lang: str = "en") -> list[ChatDriver]:
    drivers = []
    for number in range(count):
        chat = await control.create_private_chat(first_name=f"R{number}", language_code=lang)
        driver = ChatDriver(control, chat, chat.user_id)
        await driver.ask("/start")
        drivers.append(driver)
    return drivers


async def audit_of(runner: BotRunner, count: int = 10) -> list[AuditEntry]:
    assert runner.application is not None
    return await runner.application.bot_data.services.audit.recent(count)


async def say_formatted(
    control: SandboxControl, admin: ChatDriver, text: str, **extra: object
) -> list[ChatMessage]:
    """The admin writes ``text`` with entities their app made (bold, a link...)."""
    sender = forged.user(ADMIN_ID, "Ada", "en")
    body = forged.message(forged.private_chat(admin.chat_id, "Ada"), sender, text, **extra)
    await control.inject_update("message", body)
    return await admin._new(2)


async def test_preview_send_once_and_the_status_follows_to_the_end(
    sandbox_control: SandboxControl, runner: BotRunner, admin: ChatDriver
) -> None:
    reached = await readers(sandbox_control, 3)
    [gone] = await readers(sandbox_control, 1)
    await sandbox_control.block(gone.chat_id)  # the bot hears it (my_chat_member): blocked
    assert runner.application is not None
    await status_becomes(
        runner.application.bot_data.services.runtime.stores.subscribers, gone.chat_id, "blocked"
    )
    text = "/broadcast Maintenance tonight, details"
    entities = [
        {"type": "bot_command", "offset": 0, "length": 10},
        {"type": "bold", "offset": 11, "length": 11},
        {"type": "text_link", "offset": 32, "length": 7, "url": "https://example.com/m"},
    ]
    preview, confirm = await say_formatted(sandbox_control, admin, text, entities=entities)
    assert preview.text == "Maintenance tonight, details"
    assert {(e["type"], e["offset"], e["length"]) for e in preview.entities} == {
        ("bold", 0, 11),
        ("text_link", 21, 7),
    }
    assert confirm.text == "Above is the message readers will get.\nSend it to 3 readers?"
    data = button_data(confirm, "Send")
    status = await admin.press_for_edit(confirm, "Send")
    assert status.text.startswith("Broadcast ")
    for reader in reached:
        [got] = (await sandbox_control.wait_for_messages(reader.chat_id, reader.seen + 1))[-1:]
        assert (got.text, got.entities) == (preview.text, preview.entities)
    done = await sandbox_control.wait_for_edit(admin.chat_id, confirm.message_id, 2, timeout=15)
    assert "done" in done.text and "sent 3 · failed 0 · blocked 0" in done.text
    assert len(await sandbox_control.bot_messages(gone.chat_id)) == gone.seen

    # Send pressed again (or the button replayed): nothing is sent twice, and it is audited.
    query = await sandbox_control.press_button(admin.chat_id, confirm.message_id, data, forged=True)
    answer = await sandbox_control.wait_for_callback_answer(query)
    assert answer["show_alert"] is True
    assert answer["text"] == "This broadcast is sending already; it is not sent again."
    for reader in reached:
        assert len(await sandbox_control.bot_messages(reader.chat_id)) == reader.seen + 1
    actions = [(e.action, e.outcome) for e in await audit_of(runner)]
    assert actions[:3] == [
        ("broadcast.send", "refused"),
        ("broadcast.send", "started"),
        ("broadcast.prepare", "draft"),
    ]
    assert all(e.who == str(ADMIN_ID) for e in await audit_of(runner, 3))


async def test_a_reply_broadcasts_the_replied_message_with_its_formatting(
    sandbox_control: SandboxControl, runner: BotRunner, admin: ChatDriver
) -> None:
    [english] = await readers(sandbox_control, 1, "en")
    [chinese] = await readers(sandbox_control, 1, "zh")
    original = forged.message(
        forged.private_chat(admin.chat_id, "Ada"),
        forged.user(ADMIN_ID, "Ada", "en"),
        "New: search the archive",
        entities=[{"type": "italic", "offset": 5, "length": 6}],
    )
    preview, confirm = await say_formatted(
        sandbox_control, admin, "/broadcast lang=en", reply_to_message=original
    )
    assert preview.text == "New: search the archive"
    assert [(e["type"], e["offset"], e["length"]) for e in preview.entities] == [("italic", 5, 6)]
    assert "Send it to 1 readers (language: en, category: all)?" in confirm.text
    await admin.press_for_edit(confirm, "Send")
    [got] = (await sandbox_control.wait_for_messages(english.chat_id, english.seen + 1))[-1:]
    assert got.text == "New: search the archive"
    await sandbox_control.wait_for_edit(admin.chat_id, confirm.message_id, 2, timeout=15)
    assert len(await sandbox_control.bot_messages(chinese.chat_id)) == chinese.seen


async def test_status_cancel_and_the_cancel_button(
    sandbox_control: SandboxControl, runner: BotRunner, admin: ChatDriver
) -> None:
    assert (await admin.ask("/broadcast status")).text == "There is no broadcast yet."
    await readers(sandbox_control, 2)
    _, confirm = await admin.send("/broadcast hello", expect=2)
    status = (await admin.ask("/broadcast status")).text
    assert "waiting for Send" in status and "(0/0)" in status
    cancelled = await admin.press_for_edit(confirm, "Cancel")
    assert cancelled.text.endswith("is cancelled.")
    answer = (await admin.ask("/broadcast cancel")).text
    assert answer == "This broadcast is cancelled; there is nothing to cancel."
    assert (await admin.ask("/broadcast")).text.startswith("Usage: /broadcast")
    [entry, *_] = await audit_of(runner)
    assert (entry.action, entry.outcome) == ("broadcast.cancel", "refused")


async def test_whoami_for_anyone_and_audit_for_the_admin(
    sandbox_control: SandboxControl, runner: BotRunner, admin: ChatDriver
) -> None:
    [reader] = await readers(sandbox_control, 1)
    answer = (await reader.ask("/whoami")).text
    assert f"Your user id: {reader.user_id}" in answer
    assert f"This chat's id: {reader.chat_id}" in answer
    assert (await admin.ask("/audit")).text == "The audit log is empty."
    await admin.send("/broadcast hi", expect=2)
    log = (await admin.ask("/audit")).text
    assert log.startswith("The last 1 admin actions (newest first):")
    assert f"{ADMIN_ID} · broadcast.prepare · draft" in log


def admin_commands() -> list[str]:
    return [c.name for a in AREAS for c in a.commands if c.audience is Audience.ADMINS]


def admin_buttons() -> list[Action]:
    return [b.action for a in AREAS for b in a.buttons if b.audience is Audience.ADMINS]


def sample_data(action: Action, broadcast_id: str) -> str:
    """The action's data with plausible arguments (the real draft's id for a token)."""
    samples = {"date": "2025-07-21", "int": 1, "token": broadcast_id}
    return action.pack(*(samples[kind.name] for kind in action.args))


async def test_a_reader_trying_every_admin_command_and_button_is_refused_and_audited(
    sandbox_control: SandboxControl, runner: BotRunner, admin: ChatDriver
) -> None:
    [reader] = await readers(sandbox_control, 1)
    _, confirm = await admin.send("/broadcast hi", expect=2)
    broadcast_id = str(SEND.decode("", button_data(confirm, "Send").split(":")[2:]).args[0])
    assert "broadcast" in admin_commands() and "audit" in admin_commands()
    for name in admin_commands():
        for text in (f"/{name}", f"/{name} status", f"/{name} cancel", f"/{name} 2025-07-21"):
            answer = (await reader.ask(text)).text
            assert answer == f"I don't know the command /{name}. /help lists them all."
    welcome = (await sandbox_control.bot_messages(reader.chat_id))[0]
    before = len(await audit_of(runner, 100))
    for action in admin_buttons():
        data = sample_data(action, broadcast_id)
        query = await sandbox_control.press_button(
            reader.chat_id, welcome.message_id, data, reader.user_id, forged=True
        )
        answer = await sandbox_control.wait_for_callback_answer(query)
        assert answer["text"] == "This button is no longer valid; please send the command again."
    refused = (await audit_of(runner, 100))[: len(await audit_of(runner, 100)) - before]
    assert sorted(e.action for e in refused) == sorted(f"button.{a.name}" for a in admin_buttons())
    assert {(e.who, e.outcome) for e in refused} == {(str(reader.user_id), "refused")}
    # Nothing happened: the draft still waits for the admin's Send, and no reader got it.
    status = (await admin.ask("/broadcast status")).text
    assert "waiting for Send" in status
    # No admin command in anyone's menu but the admin's own chat.
    for entry in await sandbox_control.commands():
        names = {c["command"] for c in entry["commands"]}
        if entry["scope"].get("chat_id") != ADMIN_ID:
            assert not names & set(admin_commands()), entry["scope"]


async def test_a_forwarded_admin_command_is_not_a_command(
    sandbox_control: SandboxControl, runner: BotRunner, admin: ChatDriver
) -> None:
    await readers(sandbox_control, 1)
    sender = forged.user(ADMIN_ID, "Ada", "en")
    for text in ("/broadcast hello everyone", "/audit"):
        body = forged.message(
            forged.private_chat(admin.chat_id, "Ada"), sender, text,
            forward_origin=forged.forward_origin(sender),
        )  # fmt: skip
        await sandbox_control.inject_update("message", body)
    # The next real command is answered first: the forwards were dropped, not queued.
    assert (await admin.ask("/broadcast status")).text == "There is no broadcast yet."
    assert await audit_of(runner) == []
