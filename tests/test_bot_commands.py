"""Commands are declared once: the handlers, the menus (per language and per admin chat)
and /help all follow the declarations; an admin-only command is refused for everyone else
exactly like a command that does not exist, and is only in the admins' menus."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest
from telegram import Update

from bot.commands import Audience, Command
from bot.context import BotContext
from bot.i18n import CATALOGUES
from bot.settings import Settings
from handlers import AREAS
from handlers.common import Screen, send
from handlers.declarations import Area
from sandbox import SandboxControl
from tests.fixtures.reader_bot import BotRunner, ChatDriver
from tests.fixtures.stores import MovableClock

ADMIN_ID = 424242


async def pong(update: Update, context: BotContext) -> None:
    await send(update, context, Screen.plain("pong"))


async def vault(update: Update, context: BotContext) -> None:
    await send(update, context, Screen.plain("the vault is open"))


# Test-only declarations, borrowing existing strings as their descriptions.
EXTRA = Area(
    commands=(
        Command("ping", pong, description="bot.cmd.unread"),
        Command("quiet", pong, in_menu=False),
        Command("vault", vault, audience=Audience.ADMINS, description="bot.cmd.archive"),
    )
)


@pytest.fixture
async def runner(bot_settings: Settings, clock: MovableClock) -> AsyncIterator[BotRunner]:
    """The real bot with ``EXTRA`` declared and one admin."""
    settings = dataclasses.replace(bot_settings, admin_ids=frozenset({ADMIN_ID}))
    bot = BotRunner(settings, clock, areas=(*AREAS, EXTRA))
    await bot.start()
    yield bot
    await bot.stop()


async def menus(control: SandboxControl) -> dict[tuple[str, str], list[str]]:
    """(scope type and chat, language) -> the published command names."""
    published = {}
    for entry in await control.commands():
        scope = entry["scope"]
        where = f"{scope['type']}:{scope.get('chat_id', '')}"
        published[where, entry.get("language_code") or ""] = [
            c["command"] for c in entry["commands"]
        ]
    return published


def test_every_declared_command_has_a_description_in_every_language() -> None:
    for area in AREAS:
        for command in area.commands:
            for lang, catalogue in CATALOGUES.items():
                assert command.description_key in catalogue, (lang, command.name)


async def test_a_declared_command_works_and_is_in_the_menus_and_help(
    sandbox_control: SandboxControl, runner: BotRunner
) -> None:
    chat = await sandbox_control.create_private_chat(first_name="Ann", language_code="en")
    reader = ChatDriver(sandbox_control, chat, chat.user_id)
    assert (await reader.ask("/ping")).text == "pong"
    assert (await reader.ask("/quiet")).text == "pong"
    published = await menus(sandbox_control)
    for lang in ("", "zh", "en"):
        names = published["default:", lang]
        assert names[-1] == "ping"  # declared after every other area
        assert "quiet" not in names and "vault" not in names
    assert published["default:", "en"][:3] == ["today", "item", "date"]
    help_text = (await reader.ask("/help")).text
    assert help_text.startswith("I send you a news digest every day")
    assert "/ping — Unread items of the last 7 days" in help_text
    assert "/today — Today's digest (/today full for everything)" in help_text
    assert "/quiet" not in help_text and "/vault" not in help_text
    # One line per menu command, in menu order.
    lines = [line.split(" — ")[0][1:] for line in help_text.splitlines() if " — " in line]
    assert lines == published["default:", "en"]


async def test_an_admin_command_is_refused_and_hidden_for_everyone_else(
    sandbox_control: SandboxControl, runner: BotRunner
) -> None:
    chat = await sandbox_control.create_private_chat(first_name="Bob", language_code="en")
    reader = ChatDriver(sandbox_control, chat, chat.user_id)
    unknown = (await reader.ask("/frobnicate")).text
    refused = (await reader.ask("/vault")).text
    assert refused == "I don't know the command /vault. /help lists them all."
    assert refused == unknown.replace("/frobnicate", "/vault")
    assert "/vault" not in (await reader.ask("/help")).text
    published = await menus(sandbox_control)
    # Menus exist only for everyone and for the admin's chat; "vault" is only in the latter.
    assert {where for where, _ in published} == {"default:", f"chat:{ADMIN_ID}"}
    assert {where for (where, _), names in published.items() if "vault" in names} == {
        f"chat:{ADMIN_ID}"
    }


async def test_the_admin_uses_it_and_finds_it_in_their_own_menu_and_help(
    sandbox_control: SandboxControl, runner: BotRunner
) -> None:
    chat = await sandbox_control.create_private_chat(
        user_id=ADMIN_ID, first_name="Ada", language_code="en"
    )
    admin = ChatDriver(sandbox_control, chat, chat.user_id)
    assert (await admin.ask("/vault")).text == "the vault is open"
    help_text = (await admin.ask("/help")).text
    assert "/vault — Earlier digests" in help_text
    published = await menus(sandbox_control)
    # The product's own admin commands (the admin area), then the test's.
    declared = [c.name for a in AREAS for c in a.commands if c.audience is Audience.ADMINS]
    for lang in ("", "zh", "en"):
        expected = [*published["default:", lang], *declared, "vault"]
        assert published[f"chat:{ADMIN_ID}", lang] == expected


async def test_an_admin_command_in_a_group_is_not_an_admin_command(
    sandbox_control: SandboxControl, runner: BotRunner
) -> None:
    await sandbox_control.create_user(first_name="Ada", user_id=ADMIN_ID, language_code="en")
    group = await sandbox_control.create_group("Club", member_ids=[ADMIN_ID])
    member = ChatDriver(sandbox_control, group, ADMIN_ID)
    member.seen = len(await sandbox_control.bot_messages(group.chat_id))
    answer = await member.ask("/vault")
    assert answer.text == "I don't know the command /vault. /help lists them all."
