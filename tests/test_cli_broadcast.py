"""``briefbot broadcast`` as an operator runs it: a real subprocess against the test's
Redis and the sandbox. Invalid HTML is refused before anything is stored or sent; without
--yes it only previews; with --yes --wait every active reader gets it once."""

from __future__ import annotations

from pathlib import Path

from bot.store.audit import AuditLog
from bot.store.broadcasts import BroadcastStore
from tests.fixtures.delivery import DeliveryWorld
from tests.test_delivery_cli import _briefbot, _env

TEXT = '<b>Hello</b> readers, <a href="https://example.com">read more</a>'


async def test_invalid_html_is_refused_before_anything_is_sent(
    world: DeliveryWorld, redis_url: str, tmp_path: Path
) -> None:
    chats = await world.readers(2)
    env = _env(world, redis_url, tmp_path)
    status, output = await _briefbot(env, "broadcast", "--text", "<b>unclosed", "--yes")
    assert status == 1, output
    assert 'Can\'t find end tag corresponding to start tag "b"' in output
    status, output = await _briefbot(env, "broadcast", "--text", "<p>x</p>", "--yes")
    assert status == 1 and 'Unsupported start tag "p"' in output, output
    assert await BroadcastStore(world.redis, world.keys).latest() is None
    for chat in chats:
        assert await world.bot_texts(chat) == []
    [entry, *_] = await AuditLog(world.redis, world.keys).recent(5)
    assert entry.who.startswith("cli:") and entry.outcome == "refused"


async def test_preview_then_send_and_wait(
    world: DeliveryWorld, redis_url: str, tmp_path: Path
) -> None:
    chats = await world.readers(4)
    english = await world.readers(2, language="en")
    env = _env(world, redis_url, tmp_path)
    status, output = await _briefbot(env, "broadcast", "--text", TEXT)
    assert status == 0, output
    assert "Hello readers, read more" in output and "-> 6 readers" in output
    assert "not sent: run again with --yes" in output
    assert await BroadcastStore(world.redis, world.keys).latest() is None

    message = tmp_path / "notice.html"
    message.write_text(TEXT, encoding="utf-8")
    args = ("broadcast", "--file", str(message), "--lang", "en", "--yes", "--wait")
    status, output = await _briefbot(env, *args)
    assert status == 0, output
    assert "for 2 readers" in output and "2 sent, 0 failed" in output
    for chat in english:
        assert await world.bot_texts(chat) == ["Hello readers, read more"]
    for chat in chats:
        assert await world.bot_texts(chat) == []
    actions = [(e.action, e.outcome) for e in await AuditLog(world.redis, world.keys).recent(5)]
    assert actions[:2] == [("broadcast.send", "started"), ("broadcast.prepare", "draft")]
