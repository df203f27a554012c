"""The kinds every sender understands today."""

from __future__ import annotations

from bot.delivery.kinds.push import PUSH
from bot.delivery.kinds.registry import KindRegistry


def builtin_kinds() -> KindRegistry:
    """A registry of the built-in kinds (``push``); a caller may register more."""
    return KindRegistry((PUSH,))
