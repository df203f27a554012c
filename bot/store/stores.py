"""Every store over one connection, built in one place for the application's wiring."""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings
from bot.store.connection import RedisConnection
from bot.store.digests import DigestArchive
from bot.store.due import DueIndex
from bot.store.ledger import DeliveryLedger
from bot.store.reads import ReadState
from bot.store.subscribers import SubscriberDefaults, SubscriberStore


@dataclass(frozen=True)
class Stores:
    """The stores the services use; they share the connection's client and keys."""

    subscribers: SubscriberStore
    due: DueIndex
    digests: DigestArchive
    reads: ReadState
    ledger: DeliveryLedger

    @classmethod
    def build(cls, connection: RedisConnection, settings: Settings) -> Stores:
        """The stores over ``connection``, with new subscribers' defaults from settings."""
        client, keys = connection.client, connection.keys
        return cls(
            subscribers=SubscriberStore(client, keys, SubscriberDefaults.from_settings(settings)),
            due=DueIndex(client, keys),
            digests=DigestArchive(client, keys),
            reads=ReadState(client, keys),
            ledger=DeliveryLedger(client, keys),
        )
