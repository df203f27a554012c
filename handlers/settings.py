"""/settings and its buttons, and the typed shortcuts /time, /tz, /format, /lang."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.callbacks import Callback
from bot.context import BotApplication, BotContext
from bot.i18n import t
from bot.services.reader import Reader
from bot.services.subscriptions import SettingsResult, ZoneChoice
from handlers import actions
from handlers.callbacks import ButtonHandler, edit
from handlers.common import Screen, for_reader, send
from handlers.views import settings as views


def _typed(context: BotContext) -> str | None:
    """What the reader typed after the command."""
    return " ".join(context.args).strip() if context.args else None


def _saved(result: SettingsResult, key: str) -> Screen:
    """The confirmation of a typed change (``bot.<key>.saved``)."""
    subscriber = result.subscriber
    assert subscriber is not None  # the service refuses chats without a record
    lang = result.lang
    text = t(
        lang,
        f"bot.{key}.saved",
        time=subscriber.push_time,
        tz=subscriber.tz,
        format=t(lang, f"bot.settings.format.{subscriber.format}"),
    )
    if result.fixed_offset is not None:
        text += "\n" + t(lang, "bot.tz.fixed_offset", offset=result.fixed_offset, tz=subscriber.tz)
    return Screen.plain(text)


@for_reader
async def show_settings(update: Update, context: BotContext, reader: Reader) -> None:
    """/settings: every setting with buttons to change it."""
    result = await context.bot_data.services.subscriptions.settings(reader)
    await send(update, context, views.overview(result))


@for_reader
async def set_time(update: Update, context: BotContext, reader: Reader) -> None:
    """/time HH:MM."""
    subscriptions = context.bot_data.services.subscriptions
    await send(
        update, context, _saved(await subscriptions.set_time(reader, _typed(context)), "time")
    )


@for_reader
async def set_zone(update: Update, context: BotContext, reader: Reader) -> None:
    """/tz NAME: an IANA zone in any case, a UTC offset, or a city (its zones to tap)."""
    result = await context.bot_data.services.subscriptions.set_zone(reader, _typed(context))
    if isinstance(result, ZoneChoice):
        await send(update, context, views.zone_choice(result))
        return
    await send(update, context, _saved(result, "tz"))


async def zone_name_button(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """A zone /tz suggested: saved, and the suggestion becomes the confirmation."""
    subscriptions = context.bot_data.services.subscriptions
    result = await subscriptions.pick_zone_name(reader, str(callback.args[0]))
    await edit(update, _saved(result, "tz"))


@for_reader
async def set_format(update: Update, context: BotContext, reader: Reader) -> None:
    """/format compact|full."""
    subscriptions = context.bot_data.services.subscriptions
    result = await subscriptions.set_format(reader, _typed(context))
    await send(update, context, _saved(result, "format"))


@for_reader
async def set_language(update: Update, context: BotContext, reader: Reader) -> None:
    """/lang zh|en."""
    subscriptions = context.bot_data.services.subscriptions
    result = await subscriptions.set_language(reader, _typed(context))
    await send(update, context, _saved(result, "lang"))


async def on_button(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """Every settings button: one service call, then the screen it belongs to."""
    subscriptions = context.bot_data.services.subscriptions
    action = callback.action
    index = int(callback.args[0]) if callback.args else 0
    if action == actions.SETTINGS:
        await edit(update, views.overview(await subscriptions.settings(reader)))
    elif action == actions.TIME_MENU:
        await edit(update, views.time_picker(await subscriptions.settings(reader)))
    elif action == actions.ZONE_MENU:
        await edit(update, views.zone_picker(await subscriptions.settings(reader)))
    elif action == actions.CATEGORY_MENU:
        await edit(update, views.category_picker(await subscriptions.settings(reader)))
    elif action == actions.SET_TIME:
        await edit(update, views.overview(await subscriptions.pick_time(reader, index)))
    elif action == actions.SET_ZONE:
        await edit(update, views.overview(await subscriptions.pick_zone(reader, index)))
    elif action == actions.TOGGLE_FORMAT:
        await edit(update, views.overview(await subscriptions.toggle_format(reader)))
    elif action == actions.TOGGLE_LANGUAGE:
        await edit(update, views.overview(await subscriptions.toggle_language(reader)))
    elif action == actions.TOGGLE_CATEGORY:
        await edit(
            update, views.category_picker(await subscriptions.toggle_category(reader, index))
        )
    elif action == actions.ALL_CATEGORIES:
        await edit(update, views.category_picker(await subscriptions.all_categories(reader)))


SETTINGS_ACTIONS = (
    actions.SETTINGS,
    actions.TIME_MENU,
    actions.ZONE_MENU,
    actions.CATEGORY_MENU,
    actions.SET_TIME,
    actions.SET_ZONE,
    actions.TOGGLE_FORMAT,
    actions.TOGGLE_LANGUAGE,
    actions.TOGGLE_CATEGORY,
    actions.ALL_CATEGORIES,
)

BUTTONS: dict[str, ButtonHandler] = dict.fromkeys(SETTINGS_ACTIONS, on_button)
BUTTONS[actions.SET_ZONE_NAME] = zone_name_button


def register(application: BotApplication) -> None:
    """Wire /settings, /time, /tz, /format and /lang (the buttons are in ``BUTTONS``)."""
    application.add_handler(CommandHandler("settings", show_settings))
    application.add_handler(CommandHandler("time", set_time))
    application.add_handler(CommandHandler("tz", set_zone))
    application.add_handler(CommandHandler("format", set_format))
    application.add_handler(CommandHandler(["lang", "language"], set_language))
