"""Every store over one connection, built in one place: the only objects that talk to
Redis. Everything else (services, scheduler, delivery, sources) is handed these."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from bot.keys import Keys
from bot.settings import Settings
from bot.store.admin_languages import AdminLanguages
from bot.store.alert_claims import AlertClaims
from bot.store.audit import AuditLog
from bot.store.broadcasts import BroadcastStore
from bot.store.channels import ChannelStore
from bot.store.clock import Clock, utc_now
from bot.store.confirmations import Confirmations
from bot.store.connection import RedisConnection
from bot.store.dead_letters import DeadLetters
from bot.store.digest_removals import DigestRemovals
from bot.store.digests import DigestArchive
from bot.store.due import DueIndex
from bot.store.edits import EditLedger
from bot.store.lease import Lease
from bot.store.ledger import DeliveryLedger
from bot.store.outbox import OutboxStream
from bot.store.progress import ProgressStore
from bot.store.reads import ReadState
from bot.store.send_slots import SendSlots
from bot.store.subscribers import SubscriberDefaults, SubscriberStore
from bot.store.url_validators import UrlValidators
from bot.store.waiting import WaitingReaders


@dataclass(frozen=True)
class Stores:
    """The stores of one bot; they share one client and one key prefix."""

    subscribers: SubscriberStore
    due: DueIndex
    digests: DigestArchive
    reads: ReadState
    ledger: DeliveryLedger
    edits: EditLedger
    outbox: OutboxStream
    progress: ProgressStore
    dead_letters: DeadLetters
    send_slots: SendSlots
    alert_claims: AlertClaims
    waiting: WaitingReaders
    url_validators: UrlValidators
    lease: Lease  # the scheduler lease, as this process holds it
    audit: AuditLog
    broadcasts: BroadcastStore
    confirmations: Confirmations
    admin_languages: AdminLanguages
    removals: DigestRemovals
    channels: ChannelStore

    @classmethod
    def build(
        cls, connection: RedisConnection, settings: Settings, clock: Clock = utc_now
    ) -> Stores:
        """The stores over ``connection``, with new subscribers' defaults from settings;
        ``clock`` is the process's (a test's clock reschedules pushes too)."""
        defaults = SubscriberDefaults.from_settings(settings)
        return cls.over(
            connection.client,
            connection.keys,
            defaults,
            clock,
            lease_seconds=settings.scheduler_lease_seconds,
        )

    @classmethod
    def over(
        cls,
        client: Redis,
        keys: Keys,
        defaults: SubscriberDefaults | None = None,
        clock: Clock = utc_now,
        lease_seconds: float = 30.0,
    ) -> Stores:
        """The stores over ``client`` under ``keys``' prefix; new subscribers get
        ``defaults`` (the built-in ones when None)."""
        subscribers = SubscriberStore(client, keys, defaults, clock)
        return cls(
            subscribers=subscribers,
            due=DueIndex(client, keys),
            digests=DigestArchive(client, keys, clock),
            reads=ReadState(client, keys),
            ledger=DeliveryLedger(client, keys, clock),
            edits=EditLedger(client, keys, clock),
            outbox=OutboxStream(client, keys),
            progress=ProgressStore(client, keys),
            dead_letters=DeadLetters(client, keys),
            send_slots=SendSlots(client, keys),
            alert_claims=AlertClaims(client, keys),
            waiting=WaitingReaders(client, keys),
            url_validators=UrlValidators(client, keys),
            lease=Lease(client, keys, lease_seconds),
            audit=AuditLog(client, keys, clock),
            broadcasts=BroadcastStore(client, keys, clock),
            confirmations=Confirmations(client, keys),
            admin_languages=AdminLanguages(client, keys, subscribers),
            removals=DigestRemovals(client, keys, clock),
            channels=ChannelStore(client, keys, clock),
        )
