"""What a kind does with a ledger claim it was refused, written once for every kind that
claims before it sends (push, broadcast)."""

from __future__ import annotations

import time

from bot.delivery.senders.deliverer import Finished, Later, Step
from bot.store.ledger import ClaimResult


def refused_claim(claim: ClaimResult, stale_after: float) -> Step:
    """Done (``skipped``) when the chat has it already (a rerun or a reclaim); otherwise
    another sender holds the claim: come back when it would go stale (its sender died)."""
    if claim.entry.sent:
        return Finished("skipped")
    stale_in = claim.entry.at + stale_after - time.time()
    return Later(max(1.0, stale_in))
