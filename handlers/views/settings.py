"""The /settings screens: the overview and the pickers for time, zone and categories."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.i18n import t
from bot.render.filter_note import rules_text
from bot.services.subscriptions import (
    COMMON_TIMES,
    COMMON_ZONES,
    FilterResult,
    SettingsResult,
    ZoneChoice,
    clock_text,
)
from bot.services.zones import zone_token
from handlers import actions
from handlers.common import Screen
from handlers.views.keyboards import button, keyboard, rows

CHOSEN = "✅ "


def overview(result: SettingsResult) -> Screen:
    """Every setting, and a button to change each."""
    lang, subscriber = result.lang, result.subscriber
    if subscriber is None:
        return Screen.plain(t(lang, "bot.settings.need_start"))
    all_label = t(lang, "bot.settings.categories.all")
    separator = "、" if lang == "zh" else ", "
    text = t(
        lang,
        "bot.settings.header",
        time=subscriber.push_time,
        tz=subscriber.tz,
        format=t(lang, f"bot.settings.format.{subscriber.format}"),
        categories=separator.join(subscriber.categories) or all_label,
        keywords=filter_rules(lang, subscriber.keywords),
        language=t(lang, "bot.settings.language.name"),
        status=t(lang, f"bot.settings.status.{_status(subscriber.status)}"),
    )
    return Screen.plain(
        text,
        keyboard(
            [
                button(t(lang, "bot.settings.button.time"), actions.TIME_MENU),
                button(t(lang, "bot.settings.button.tz"), actions.ZONE_MENU),
            ],
            [
                button(t(lang, "bot.settings.button.format"), actions.TOGGLE_FORMAT),
                button(t(lang, "bot.settings.button.categories"), actions.CATEGORY_MENU),
            ],
            [button(t(lang, "bot.settings.button.language"), actions.TOGGLE_LANGUAGE)],
        ),
    )


def _status(status: str) -> str:
    """Stopped and blocked chats are shown as not subscribed: /start is what they need."""
    return status if status in ("active", "paused") else "none"


def _back(lang: str) -> list[InlineKeyboardButton]:
    return [button(t(lang, "bot.button.back"), actions.SETTINGS)]


def time_picker(result: SettingsResult) -> Screen:
    """Common push times as buttons."""
    lang, current = result.lang, result.subscriber.push_time if result.subscriber else ""
    choices = []
    for minutes in COMMON_TIMES:
        label = clock_text(minutes)
        mark = CHOSEN if label == current else ""
        choices.append(button(mark + label, actions.SET_TIME, minutes))
    return Screen.plain(
        t(lang, "bot.settings.time.prompt"), keyboard(*rows(choices, 4), _back(lang))
    )


def zone_picker(result: SettingsResult) -> Screen:
    """Common time zones as buttons."""
    lang, current = result.lang, result.subscriber.tz if result.subscriber else ""
    choices = [
        button((CHOSEN if zone == current else "") + zone, actions.SET_ZONE, index)
        for index, zone in enumerate(COMMON_ZONES)
    ]
    return Screen.plain(t(lang, "bot.settings.tz.prompt"), keyboard(*rows(choices, 2), _back(lang)))


def category_picker(result: SettingsResult) -> Screen:
    """The categories of the latest digest, ticked when chosen; none ticked means all."""
    lang = result.lang
    chosen = set(result.subscriber.categories) if result.subscriber else set()
    choices = [
        button((CHOSEN if name in chosen else "") + name, actions.TOGGLE_CATEGORY, index)
        for index, name in enumerate(result.known_categories)
    ]
    everything = (CHOSEN if not chosen else "") + t(lang, "bot.settings.categories.all")
    return Screen.plain(
        t(lang, "bot.settings.categories.prompt"),
        keyboard(*rows(choices, 2), [button(everything, actions.ALL_CATEGORIES)], _back(lang)),
    )


def zone_choice(result: ZoneChoice) -> Screen:
    """The zones a city (or a near miss) typed after /tz may mean, as buttons."""
    lang = result.lang
    key = "bot.tz.suggest_one" if len(result.zones) == 1 else "bot.tz.suggest"
    text = t(lang, key, text=result.typed, zone=result.zones[0])
    choices = [button(zone, actions.SET_ZONE_NAME, zone_token(zone)) for zone in result.zones]
    return Screen.plain(text, keyboard(*rows(choices, 2)))


def filter_rules(lang: str, terms: tuple[str, ...]) -> str:
    """A keyword filter in words: ``any of openai, 芯片; none of musk``."""
    return rules_text(lang, (), terms)


def filter_screen(result: FilterResult) -> Screen:
    """What /filter did (saved, removed) or, with nothing typed, the current filter."""
    lang, rules = result.lang, filter_rules(result.lang, result.terms)
    if result.changed:
        key = "bot.filter.saved" if result.terms else "bot.filter.cleared"
    else:
        key = "bot.filter.current" if result.terms else "bot.filter.usage"
    return Screen.plain(t(lang, key, rules=rules))
