"""What a handler module declares: its commands and its buttons, as one ``Area``.

``register_all`` derives everything else from the areas: the command handlers, the admin
filter, the button router's codec and routes, the menus and ``/help``. Adding a command
is a ``Command`` in the area's ``commands`` and its ``bot.cmd.<name>`` strings; adding a
button is an ``Action`` and a ``Button`` in its ``buttons``.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import Update

from bot.callback_data import Action, Callback
from bot.commands import Audience, Command
from bot.context import BotContext
from bot.services.reader import Reader

ButtonHandler = Callable[[Update, BotContext, Reader, Callback], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class Button:
    """A press of a button of ``action`` runs ``handler`` (for ``audience`` only)."""

    action: Action
    handler: ButtonHandler
    audience: Audience = Audience.EVERYONE


@dataclass(frozen=True)
class Area:
    """One handler module's commands (in menu order) and buttons."""

    commands: tuple[Command, ...] = ()
    buttons: tuple[Button, ...] = ()


def merged(*areas: Area) -> Area:
    """One area holding the commands and buttons of ``areas``, in order (the admin side
    is one area made of one module per job)."""
    return Area(
        commands=tuple(c for area in areas for c in area.commands),
        buttons=tuple(b for area in areas for b in area.buttons),
    )
