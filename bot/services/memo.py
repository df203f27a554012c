"""A small bounded memo for values that never change once built (a parsed digest or a
rendered message keyed by the digest's content hash): the least recently used entry goes
first."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """Remembers up to ``size`` values; ``get_or_make`` builds a missing one."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._values: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: K) -> V | None:
        """The remembered value (now the most recently used), or None."""
        found = self._values.get(key)
        if found is not None:
            self._values.move_to_end(key)
        return found

    def put(self, key: K, value: V) -> V:
        """Remember ``value``, forgetting the oldest entry past ``size``."""
        self._values[key] = value
        while len(self._values) > self._size:
            self._values.popitem(last=False)
        return value

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The remembered value, or ``make()`` remembered."""
        found = self.get(key)
        return found if found is not None else self.put(key, make())
