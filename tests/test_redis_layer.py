"""Only the store layer talks to Redis, and every Lua script is a file that names all its
keys in KEYS (what lets briefbot run on Redis Cluster, docs/redis.md)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.store.lua import lua_source

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "bot" / "store"
LUA = STORE / "lua"
SCRIPTS = sorted(LUA.glob("*.lua"))
SHARED = sorted((LUA / "shared").glob("*.lua"))  # pasted into scripts by --#include


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _code(script: Path) -> str:
    """The script without its comments."""
    return "\n".join(line.split("--", 1)[0] for line in script.read_text().splitlines())


def test_only_the_store_layer_imports_redis() -> None:
    outside = [
        path.relative_to(ROOT).as_posix()
        for folder in ("bot", "handlers")
        for path in (ROOT / folder).rglob("*.py")
        if STORE not in path.parents
        and any(name == "redis" or name.startswith("redis.") for name in _imports(path))
    ]
    assert outside == [], f"these talk to Redis outside bot/store: {outside}"


def test_every_lua_script_lives_in_the_store_and_is_loaded_by_name() -> None:
    stray = [p.relative_to(ROOT).as_posix() for p in (ROOT / "bot").rglob("*.lua")]
    expected = [p.relative_to(ROOT).as_posix() for p in (*SCRIPTS, *SHARED)]
    assert sorted(stray) == sorted(expected)
    store_code = "\n".join(p.read_text() for p in STORE.glob("*.py"))
    loaded = set(re.findall(r'load_script\([^,]+, "([a-z_]+)"\)', store_code))
    assert loaded == {p.stem for p in SCRIPTS}, "a script file nobody loads, or the reverse"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_a_script_builds_no_key_name(script: Path) -> None:
    # A key built inside Lua (prefix .. id) is invisible to a cluster's routing; every
    # key must come in KEYS. Lua joins strings only with "..", so none may appear.
    assert ".." not in _code(script)
    assert "KEYS" in _code(script)


def test_a_shared_rule_is_written_once_and_pasted_into_every_script_that_names_it() -> None:
    included = {
        line.removeprefix("--#include ").strip()
        for script in SCRIPTS
        for line in script.read_text().splitlines()
        if line.startswith("--#include ")
    }
    assert included == {p.stem for p in SHARED}, "a shared rule nobody includes, or the reverse"
    claim_rule = (LUA / "shared" / "claim_rule.lua").read_text()
    for name in ("claim_many", "bucket"):
        source = lua_source(name)
        assert claim_rule in source
        assert not any(line.startswith("--#include ") for line in source.splitlines())
        # the rule itself is not written a second time in the script
        assert source.count("entry.state ~= 'claimed'") == 1
