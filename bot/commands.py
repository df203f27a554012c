"""Commands as declarations: each handler module declares its ``Command``s once, and the
handler registration, the command menus (``setMyCommands``) and ``/help`` are all derived
from the one ``CommandBook`` they make.

Who may use a command is its ``Audience``: everyone, or the admins (the numeric Telegram
user ids of ``ADMIN_IDS``, in their private chat with the bot). Everyone's menu holds the
reader commands; each admin's chat (``BotCommandScopeChat``) gets the admin commands as
well, so nobody else ever sees them.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import filters

from bot.context import BotContext
from bot.i18n import LANGUAGES, t

logger = logging.getLogger(__name__)

CommandCallback = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
# The menu's default language (readers whose app language has no menu of its own).
MENU_DEFAULT_LANGUAGE = "zh"


class Audience(enum.Enum):
    """Who may use a command (or press a button)."""

    EVERYONE = "everyone"
    ADMINS = "admins"


@dataclass(frozen=True)
class Command:
    """One command: ``/name`` (and ``aliases``) handled by ``callback``.

    Its description in the menu and in ``/help`` is the interface string ``description``
    (``bot.cmd.<name>`` unless given). ``in_menu=False`` keeps it out of both (an alias
    or a command for experts still works).
    """

    name: str
    callback: CommandCallback
    aliases: tuple[str, ...] = ()
    in_menu: bool = True
    audience: Audience = Audience.EVERYONE
    description: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the command answers to."""
        return (self.name, *self.aliases)

    @property
    def description_key(self) -> str:
        """The interface string describing the command."""
        return self.description or f"bot.cmd.{self.name}"


def admin_filter(admin_ids: Iterable[int]) -> filters.BaseFilter:
    """Messages an admin sends in their own private chat with the bot (matches nobody when
    ``ADMIN_IDS`` is empty)."""
    return filters.User(user_id=frozenset(admin_ids)) & filters.ChatType.PRIVATE


class CommandBook:
    """Every declared command, in menu order, and the admins who may use the admin ones."""

    def __init__(self, commands: Iterable[Command], admin_ids: Iterable[int]) -> None:
        self.commands = tuple(commands)
        self.admin_ids = frozenset(admin_ids)
        seen: set[str] = set()
        for command in self.commands:
            for name in command.names:
                if name in seen:
                    raise ValueError(f"the command /{name} is declared twice")
                seen.add(name)

    def is_admin(self, user_id: int | None) -> bool:
        """True for a user id listed in ``ADMIN_IDS``."""
        return user_id is not None and user_id in self.admin_ids

    def shown(self, admin: bool) -> list[Command]:
        """The menu commands for a reader (``admin=False``) or an admin, reader commands
        first."""
        readers = [c for c in self.commands if c.in_menu and c.audience is Audience.EVERYONE]
        if not admin:
            return readers
        admins = [c for c in self.commands if c.in_menu and c.audience is Audience.ADMINS]
        return readers + admins

    def menu(self, lang: str, admin: bool = False) -> list[BotCommand]:
        """The command menu in ``lang``."""
        return [BotCommand(c.name, t(lang, c.description_key)) for c in self.shown(admin)]

    def help_text(self, lang: str, admin: bool = False) -> str:
        """``/help``: a short introduction, then one line per menu command."""
        lines = [f"/{c.name} — {t(lang, c.description_key)}" for c in self.shown(admin)]
        return t(lang, "bot.help.intro") + "\n\n" + "\n".join(lines)

    async def publish(self, bot: Bot) -> None:
        """setMyCommands: the reader menu as the default (in Chinese, no language_code)
        and in each language; then each admin's chat gets the admin menu the same way."""
        await bot.set_my_commands(self.menu(MENU_DEFAULT_LANGUAGE))
        for lang in LANGUAGES:
            await bot.set_my_commands(self.menu(lang), language_code=lang)
        for admin_id in sorted(self.admin_ids):
            scope = BotCommandScopeChat(admin_id)
            try:
                await bot.set_my_commands(self.menu(MENU_DEFAULT_LANGUAGE, True), scope=scope)
                for lang in LANGUAGES:
                    await bot.set_my_commands(
                        self.menu(lang, True), scope=scope, language_code=lang
                    )
            except TelegramError as error:
                # Telegram refuses a chat the admin has not opened yet; the others still
                # get theirs, and the next start tries again.
                logger.warning("could not set the admin menu of chat %s: %s", admin_id, error)
