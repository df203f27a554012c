"""The audit log: bounded, newest first, every field kept; and a forged or replayed admin
button is refused, runs nothing and leaves an entry naming who pressed it."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callback_data import Action, Callback
from bot.commands import Audience
from bot.context import BotContext
from bot.keys import Keys
from bot.services.audit import AuditTrail, cli_actor, telegram_actor
from bot.services.reader import Reader
from bot.settings import Settings
from bot.store import audit as audit_module
from bot.store.audit import AuditLog
from handlers import AREAS
from handlers.declarations import Area, Button
from sandbox import SandboxControl
from tests.fixtures.reader_bot import BotRunner, ChatDriver
from tests.fixtures.stores import MovableClock

ADMIN_ID = 515151
LAUNCH = Action("test_launch", "tlx")
launched: list[int] = []


async def launch(update: Update, context: BotContext, reader: Reader, _: Callback) -> None:
    launched.append(reader.chat_id)


EXTRA = Area(buttons=(Button(LAUNCH, launch, audience=Audience.ADMINS),))


async def test_entries_come_back_newest_first_with_every_field(
    redis: Redis, keys: Keys, clock: MovableClock
) -> None:
    trail = AuditTrail(AuditLog(redis, keys, clock))
    await trail.record("42", "correct.apply", "done", date="2025-07-21", edits=12)
    clock.advance(seconds=5)
    await trail.record(cli_actor(), "correct.apply", "nothing to do", date="2025-07-21")
    newest, oldest = await trail.recent(10)
    assert newest.who.startswith("cli:") and newest.outcome == "nothing to do"
    assert (oldest.who, oldest.action, oldest.outcome) == ("42", "correct.apply", "done")
    assert oldest.details == {"date": "2025-07-21", "edits": 12}
    assert newest.at - oldest.at == pytest.approx(5.0)
    assert telegram_actor(7) == "7" and telegram_actor(None) == "?"


async def test_the_log_is_bounded(
    redis: Redis, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_module, "MAX_ENTRIES", 5)
    log = AuditLog(redis, keys)
    trail = AuditTrail(log)
    for number in range(300):
        await trail.record("1", "test", "done", n=number)
    # MAXLEN ~ trims whole macro nodes, so "about" the bound: far below what was written.
    assert await redis.xlen(keys.audit()) < 300
    assert (await log.recent(1))[0].details == {"n": 299}


@pytest.fixture
async def runner(bot_settings: Settings, clock: MovableClock) -> AsyncIterator[BotRunner]:
    settings = dataclasses.replace(bot_settings, admin_ids=frozenset({ADMIN_ID}))
    bot = BotRunner(settings, clock, areas=(*AREAS, EXTRA))
    await bot.start()
    yield bot
    await bot.stop()


async def test_an_admin_button_pressed_by_a_reader_is_refused_and_audited(
    sandbox_control: SandboxControl, runner: BotRunner
) -> None:
    chat = await sandbox_control.create_private_chat(first_name="Eve", language_code="en")
    eve = ChatDriver(sandbox_control, chat, chat.user_id)
    await eve.ask("/start")
    assert runner.application is not None
    data = LAUNCH.pack()
    button = InlineKeyboardButton("launch", callback_data=data)
    sent = await runner.application.bot.send_message(
        chat.chat_id, "copied", reply_markup=InlineKeyboardMarkup([[button]])
    )
    launched.clear()
    answer = await eve.press_data(sent.message_id, data)
    assert answer["show_alert"] is True
    assert answer["text"] == "This button is no longer valid; please send the command again."
    assert launched == []
    trail = runner.application.bot_data.services.audit
    (entry,) = await trail.recent(5)
    assert (entry.who, entry.action, entry.outcome) == (
        str(chat.user_id),
        "button.test_launch",
        "refused",
    )
    assert entry.details["data"] == data and entry.details["chat"] == chat.chat_id
