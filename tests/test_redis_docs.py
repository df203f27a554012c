"""docs/redis.md lists every key that bot/keys.py builds."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from bot.keys import Keys

DOC = Path(__file__).parent.parent / "docs" / "redis.md"
KEY_METHODS = [
    name for name, _ in inspect.getmembers(Keys, inspect.isfunction) if not name.startswith("_")
]


@pytest.mark.parametrize("method", KEY_METHODS)
def test_every_key_has_a_row_in_the_key_table(method: str) -> None:
    rows = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    assert any(f"`{method}()`" in row for row in rows), f"add Keys.{method} to docs/redis.md"
