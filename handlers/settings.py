"""/settings and its buttons, and the typed shortcuts /time, /tz, /format, /lang."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.callback_data import Callback
from bot.commands import Command
from bot.context import BotContext
from bot.i18n import t
from bot.services.reader import Reader
from bot.services.subscriptions import SettingsResult, SubscriptionService, ZoneChoice
from handlers import actions
from handlers.common import Screen, edit, for_reader, send
from handlers.declarations import Area, Button, ButtonHandler
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


# A settings button: one service call with the button's number (an index or minutes;
# 0 when it has none), then the screen the result belongs on, edited in place.
SettingsCall = Callable[[SubscriptionService, Reader, int], Awaitable[SettingsResult]]


def settings_button(call: SettingsCall, view: Callable[[SettingsResult], Screen]) -> ButtonHandler:
    """The handler of a settings button."""

    async def on_press(
        update: Update, context: BotContext, reader: Reader, callback: Callback
    ) -> None:
        number = int(callback.args[0]) if callback.args else 0
        result = await call(context.bot_data.services.subscriptions, reader, number)
        await edit(update, view(result))

    return on_press


AREA = Area(
    commands=(
        Command("settings", show_settings),
        Command("time", set_time),
        Command("tz", set_zone),
        Command("format", set_format),
        Command("lang", set_language, aliases=("language",)),
    ),
    buttons=(
        Button(actions.SETTINGS, settings_button(lambda s, r, _: s.settings(r), views.overview)),
        Button(
            actions.TIME_MENU, settings_button(lambda s, r, _: s.settings(r), views.time_picker)
        ),
        Button(
            actions.ZONE_MENU, settings_button(lambda s, r, _: s.settings(r), views.zone_picker)
        ),
        Button(
            actions.CATEGORY_MENU,
            settings_button(lambda s, r, _: s.settings(r), views.category_picker),
        ),
        Button(
            actions.SET_TIME, settings_button(lambda s, r, i: s.pick_time(r, i), views.overview)
        ),
        Button(
            actions.SET_ZONE, settings_button(lambda s, r, i: s.pick_zone(r, i), views.overview)
        ),
        Button(
            actions.TOGGLE_FORMAT,
            settings_button(lambda s, r, _: s.toggle_format(r), views.overview),
        ),
        Button(
            actions.TOGGLE_LANGUAGE,
            settings_button(lambda s, r, _: s.toggle_language(r), views.overview),
        ),
        Button(
            actions.TOGGLE_CATEGORY,
            settings_button(lambda s, r, i: s.toggle_category(r, i), views.category_picker),
        ),
        Button(
            actions.ALL_CATEGORIES,
            settings_button(lambda s, r, _: s.all_categories(r), views.category_picker),
        ),
        Button(actions.SET_ZONE_NAME, zone_name_button),
    ),
)
