"""The reader bot's button actions: each has a short code and typed arguments, so the
router's codec refuses a forged or outdated button before any handler sees it. The
renderer's own ``open_item`` lives in ``bot.callback_data``; an area declares which of
these it handles (``Button`` in its ``AREA``)."""

from __future__ import annotations

from bot.callback_data import DATE, INT, TOKEN, Action

TODAY = Action("today", "td")
HELP = Action("help", "hp")
OPEN_DATE = Action("open_date", "dt", (DATE,))
CATEGORY = Action("category_items", "ct", (DATE, INT))
UNREAD = Action("unread", "ur")
MARK_ALL_READ = Action("mark_all_read", "mar")
SETTINGS = Action("settings", "sm")
TIME_MENU = Action("time_menu", "stm")
SET_TIME = Action("set_time", "st", (INT,))  # minutes after midnight
ZONE_MENU = Action("zone_menu", "szm")
SET_ZONE = Action("set_zone", "sz", (INT,))  # index into COMMON_ZONES
SET_ZONE_NAME = Action("set_zone_name", "szn", (TOKEN,))  # a zone /tz suggested
TOGGLE_FORMAT = Action("toggle_format", "sf")
CATEGORY_MENU = Action("category_menu", "scm")
TOGGLE_CATEGORY = Action("toggle_category", "sc", (INT,))  # index into the choices
ALL_CATEGORIES = Action("all_categories", "sca")
TOGGLE_LANGUAGE = Action("toggle_language", "sl")
NAV_ITEM = Action("nav_item", "nv", (DATE, INT))  # prev / next: edit in place
