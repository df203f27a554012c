"""open_runtime: one connection, every store on it, the category rules loaded once; a
rules file that cannot be used is refused before Redis is opened or started."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.digest.categories import CategoryRulesError
from bot.runtime import open_runtime, running
from bot.settings import Settings


async def test_the_runtime_shares_one_connection_and_the_rules_file(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('[categories."产业动态"]\naliases = ["biz"]\n', encoding="utf-8")
    settings = Settings.from_env(
        {"BRIEFBOT_DATA_DIR": str(tmp_path / "data"), "CATEGORY_RULES_FILE": str(rules)}
    )
    async with running(settings) as runtime:
        assert runtime.rules.canonical("BIZ") == "产业动态"
        await runtime.stores.subscribers.subscribe(7)
        # Another store of the same runtime sees the write: one Redis, one prefix.
        assert await runtime.stores.due.next_instant(7) is not None
        assert await runtime.connection.client.ping()


async def test_unusable_rules_are_refused_before_redis_is_started(tmp_path: Path) -> None:
    data = tmp_path / "data"
    settings = Settings.from_env(
        {"BRIEFBOT_DATA_DIR": str(data), "CATEGORY_RULES_FILE": str(tmp_path / "missing.toml")}
    )
    with pytest.raises(CategoryRulesError, match=r"missing\.toml"):
        await open_runtime(settings)
    assert not data.exists()  # no embedded Redis was started for a run that cannot go on
