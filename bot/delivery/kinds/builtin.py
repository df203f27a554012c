"""The kinds every sender understands today."""

from __future__ import annotations

from bot.delivery.kinds.broadcast import BroadcastKind
from bot.delivery.kinds.channel import CHANNEL
from bot.delivery.kinds.edit import EDIT
from bot.delivery.kinds.push import PUSH
from bot.delivery.kinds.registry import KindRegistry
from bot.store.stores import Stores


def builtin_kinds(stores: Stores) -> KindRegistry:
    """A registry of the built-in kinds (``push``, ``broadcast`` over ``stores``,
    ``edit``, ``channel``); a caller may register more."""
    return KindRegistry((PUSH, BroadcastKind(stores.broadcasts), EDIT, CHANNEL))
