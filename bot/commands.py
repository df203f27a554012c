"""The reader commands shown in Telegram's command menu, in every interface language."""

from __future__ import annotations

from telegram import Bot, BotCommand

from bot.i18n import LANGUAGES, t

# In menu order. Each description is the interface string ``bot.cmd.<command>``.
MENU: tuple[str, ...] = (
    "today",
    "item",
    "category",
    "categories",
    "archive",
    "date",
    "unread",
    "settings",
    "time",
    "tz",
    "format",
    "lang",
    "help",
    "start",
    "stop",
)


def menu(lang: str) -> list[BotCommand]:
    """The command menu in ``lang``."""
    return [BotCommand(command, t(lang, f"bot.cmd.{command}")) for command in MENU]


async def publish_menu(bot: Bot) -> None:
    """setMyCommands: Chinese as the default (no language_code), then each language for
    the readers whose Telegram app uses it."""
    await bot.set_my_commands(menu("zh"))
    for lang in LANGUAGES:
        await bot.set_my_commands(menu(lang), language_code=lang)
