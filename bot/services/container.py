"""Every service the handlers use, opened together in ``post_init`` and closed together.

Other parts of briefbot (the scheduler, digest polling, delivery) reach the same stores
through this object: ``application.bot_data.services.stores`` after ``post_init``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.reader_throttle import ReaderThrottle
from bot.services.reading import ReadingService
from bot.services.subscriptions import SubscriptionService
from bot.settings import Settings
from bot.store.connection import RedisConnection
from bot.store.stores import Stores


@dataclass
class BotServices:
    """The opened connection and stores, and the services built on them."""

    settings: Settings
    connection: RedisConnection
    stores: Stores
    reading: ReadingService
    subscriptions: SubscriptionService
    throttle: ReaderThrottle
    clock: Callable[[], datetime]
