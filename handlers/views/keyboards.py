"""Small helpers to lay out inline keyboards."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callback_data import Action, Arg


def button(text: str, action: Action, *args: Arg) -> InlineKeyboardButton:
    """A callback button for ``action``."""
    return InlineKeyboardButton(text, callback_data=action.pack(*args))


def rows(buttons: Sequence[InlineKeyboardButton], per_row: int) -> list[list[InlineKeyboardButton]]:
    """``buttons`` laid out ``per_row`` to a row."""
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def keyboard(*button_rows: Sequence[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    """A keyboard of the non-empty rows."""
    return InlineKeyboardMarkup([list(row) for row in button_rows if row])
