"""Every service the handlers use, built together in ``post_init`` on the process's
runtime and closed with it.

Other parts of briefbot (the scheduler, delivery) join the running bot through the same
object: ``application.bot_data.services.runtime`` after ``post_init``.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.corrections.service import CorrectionService
from bot.reader_throttle import ReaderThrottle
from bot.runtime import Runtime
from bot.services.admins import AdminProfiles
from bot.services.audit import AuditTrail
from bot.services.broadcasts import BroadcastService
from bot.services.channels import ChannelAdmin
from bot.services.digests_admin import DigestAdmin
from bot.services.push_now import PushNowService
from bot.services.reading import ReadingService
from bot.services.search import SearchService
from bot.services.stats import StatsService
from bot.services.subscriptions import SubscriptionService


@dataclass
class BotServices:
    """The process's runtime and the services built on it."""

    runtime: Runtime
    reading: ReadingService
    subscriptions: SubscriptionService
    search: SearchService
    throttle: ReaderThrottle
    audit: AuditTrail  # every admin action, and every refused attempt at one
    broadcasts: BroadcastService
    stats: StatsService
    push_now: PushNowService
    admins: AdminProfiles  # the admin's language, remembered for their alerts
    corrections: CorrectionService
    digests: DigestAdmin
    channels: ChannelAdmin  # the channels and groups the digest is posted to
