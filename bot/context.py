"""The typed ``bot_data`` and callback context every handler receives.

``bot_data`` is a ``BotData`` (not a dict): python-telegram-bot creates it empty when the
application is built, ``register_all`` gives it the declared commands (``commands``),
``post_init`` attaches the opened services, ``post_shutdown`` detaches them. Handlers
reach the services as ``context.bot_data.services``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeAlias

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.services.container import BotServices

if TYPE_CHECKING:
    from bot.commands import CommandBook


class ServicesNotReady(RuntimeError):
    """A handler ran before ``post_init`` opened the services or after shutdown."""


class BotData:
    """What ``context.bot_data`` holds: the services, while the application runs."""

    def __init__(self) -> None:
        self._services: BotServices | None = None
        self._commands: CommandBook | None = None

    @property
    def commands(self) -> CommandBook:
        """The declared commands (set by ``register_all`` when the application is built)."""
        if self._commands is None:
            raise ServicesNotReady("no commands are registered (register_all has not run)")
        return self._commands

    @commands.setter
    def commands(self, book: CommandBook) -> None:
        self._commands = book

    @property
    def services(self) -> BotServices:
        """The opened services; raises ``ServicesNotReady`` outside the application's life."""
        if self._services is None:
            raise ServicesNotReady("the bot's services are not open (post_init has not run)")
        return self._services

    @property
    def ready(self) -> bool:
        """True between ``post_init`` and ``post_shutdown``."""
        return self._services is not None

    def attach(self, services: BotServices) -> None:
        """Called by ``post_init`` once Redis is open."""
        self._services = services

    def detach(self) -> BotServices | None:
        """Called by ``post_shutdown``; returns the services so they can be closed."""
        services, self._services = self._services, None
        return services


BotContext: TypeAlias = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
BotApplication: TypeAlias = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], BotData, JobQueue[BotContext]
]
# What joins the running bot (the senders, the scheduler): ``async def hook(application)``,
# run by ``build_application``'s ``post_init`` (``on_start``) or ``post_shutdown``
# (``on_stop``).
Hook: TypeAlias = Callable[[BotApplication], Awaitable[None]]
