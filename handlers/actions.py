"""The reader bot's button actions, declared in the shared callback codec
(``bot.callbacks``): each has a short code and typed arguments, so ``unpack`` refuses a
forged or outdated button before any handler sees it."""

from __future__ import annotations

from bot.callbacks import DATE, INT, TOKEN, register

TODAY = register("today", "td").name
HELP = register("help", "hp").name
OPEN_DATE = register("open_date", "dt", DATE).name
CATEGORY = register("category_items", "ct", DATE, INT).name
UNREAD = register("unread", "ur").name
MARK_ALL_READ = register("mark_all_read", "mar").name
SETTINGS = register("settings", "sm").name
TIME_MENU = register("time_menu", "stm").name
SET_TIME = register("set_time", "st", INT).name  # minutes after midnight
ZONE_MENU = register("zone_menu", "szm").name
SET_ZONE = register("set_zone", "sz", INT).name  # index into COMMON_ZONES
SET_ZONE_NAME = register("set_zone_name", "szn", TOKEN).name  # a zone /tz suggested
TOGGLE_FORMAT = register("toggle_format", "sf").name
CATEGORY_MENU = register("category_menu", "scm").name
TOGGLE_CATEGORY = register("toggle_category", "sc", INT).name  # index into the choices
ALL_CATEGORIES = register("all_categories", "sca").name
TOGGLE_LANGUAGE = register("toggle_language", "sl").name
NAV_ITEM = register("nav_item", "nv", DATE, INT).name  # prev / next: edit in place
