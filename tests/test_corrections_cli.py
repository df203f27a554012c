"""``briefbot correct`` as an operator runs it: a real subprocess against the test's Redis
and the sandbox. It shows the diff and the count, applies with --yes, sends with --wait,
and run again finds nothing to do."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.delivery import EXAMPLE, DeliveryWorld
from tests.test_delivery_cli import _briefbot, _env

OLD = "京东和美团的战火，烧到具身智能"
NEW = "京东与美团之争延伸到具身智能"


async def test_correct_shows_applies_waits_and_then_has_nothing_to_do(
    world: DeliveryWorld, redis_url: str, tmp_path: Path
) -> None:
    compact = await world.readers(4)
    full = await world.readers(3, format="full")
    await world.pool()
    await world.finished(await world.push(compact + full))
    for pool in world.pools:
        await pool.stop()
    world.pools.clear()
    corrected = tmp_path / "corrected.md"
    corrected.write_text(EXAMPLE.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    env = _env(world, redis_url, tmp_path)

    status, output = await _briefbot(env, "correct", "2025-07-21", "--file", str(corrected))
    assert status == 0, output
    assert f"Item 3 · headline\n  - {OLD}\n  + {NEW}" in output
    assert "7 delivered messages to edit (7 readers)" in output
    assert "run again with --yes to apply it" in output
    for chat in compact:
        assert all(not m.history for m in await world.control.bot_messages(chat))

    args = ("correct", "2025-07-21", "--file", str(corrected), "--yes", "--wait", "--notify")
    status, output = await _briefbot(env, *args)
    assert status == 0, output
    assert "enqueued edits for 7 readers" in output
    assert "7 sent, 0 failed" in output
    for chat in compact + full:
        messages = await world.control.bot_messages(chat)
        assert sum(len(m.history) for m in messages) == 1
        assert any(NEW in m.text for m in messages)
        assert messages[-1].text.startswith("更正：2025-07-21 简报的第 3 条已更新")

    status, output = await _briefbot(env, *args)
    assert status == 0, output
    assert "nothing to do" in output
    for chat in compact + full:
        assert sum(len(m.history) for m in await world.control.bot_messages(chat)) == 1
    (entry, *_) = await world.stores.audit.recent(5)
    assert entry.who.startswith("cli:") and entry.action == "correct.apply"


async def test_correct_refuses_bad_input_clearly(
    world: DeliveryWorld, redis_url: str, tmp_path: Path
) -> None:
    env = _env(world, redis_url, tmp_path)
    broken = tmp_path / "broken.md"
    broken.write_text("---\ntitle: x\n---\nno date\n", encoding="utf-8")
    status, output = await _briefbot(env, "correct", "2025-07-21", "--file", str(broken))
    assert status == 1 and "is not a valid digest" in output
    status, output = await _briefbot(env, "correct", "2024-01-01")
    assert status == 1 and "no digest of 2024-01-01 is stored" in output
    status, output = await _briefbot(env, "correct", "soon")
    assert status == 1 and "'soon' is not a date" in output
