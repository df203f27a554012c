"""Removing a digest published by mistake, from the command line and from Telegram:
readers keep what they received, it is no longer listed or opened, the archive keeps the
removed version, the same file is not stored again (a corrected one is), and every step
is audited."""

from __future__ import annotations

from pathlib import Path

from bot.store.audit import AuditLog
from bot.store.digests import DigestArchive
from sandbox import SandboxControl
from tests.fixtures.delivery import DeliveryWorld
from tests.fixtures.reader_bot import BotRunner, ChatDriver, button_data
from tests.test_admin_broadcast import admin, audit_of, readers, runner
from tests.test_delivery_cli import _briefbot, _env

__all__ = ["admin", "runner"]  # the fixtures this module uses


async def test_cli_list_and_remove(world: DeliveryWorld, redis_url: str, tmp_path: Path) -> None:
    [reader] = await world.readers(1)
    await world.pool()
    await world.finished(await world.push([reader]))
    received = await world.bot_texts(reader)
    env = _env(world, redis_url, tmp_path)
    status, output = await _briefbot(env, "digests", "list")
    assert status == 0, output
    assert f"{world.digest.date} · {world.digest.title}" in output
    assert "delivered to 1" in output
    status, output = await _briefbot(env, "digests", "remove", world.digest.date)
    assert status == 0 and f"removed the digest of {world.digest.date}" in output, output
    archive = DigestArchive(world.redis, world.keys)
    assert await archive.load(world.digest.date) is None
    assert world.digest.date not in await archive.dates()
    # The archive keeps the removed version; the reader keeps the message.
    kept = await archive.load_version(world.digest.date, world.digest.content_hash)
    assert kept == world.digest
    assert await world.bot_texts(reader) == received
    # The same file again (the folder still holds it) is not stored again...
    assert (await archive.save(world.digest)).status == "unchanged"
    assert await archive.load(world.digest.date) is None
    status, output = await _briefbot(env, "digests", "list")
    assert "Removed:" in output and f"{world.digest.date} · version" in output
    status, output = await _briefbot(env, "digests", "remove", world.digest.date)
    assert status == 1 and f"no digest of {world.digest.date}" in output, output
    actions = [(e.action, e.outcome) for e in await AuditLog(world.redis, world.keys).recent(2)]
    assert actions == [("digests.remove", "refused"), ("digests.remove", "done")]


async def test_remove_from_telegram_after_a_confirmation(
    sandbox_control: SandboxControl, runner: BotRunner, admin: ChatDriver
) -> None:
    [reader] = await readers(sandbox_control, 1)
    listed = (await admin.ask("/digests")).text
    assert listed.startswith("Digests (newest first):") and "2025-07-21" in listed
    question = await admin.ask("/digests remove 2025-07-21")
    assert question.text.startswith("Remove the digest of 2025-07-21?")
    data = button_data(question, "Remove")
    done = await admin.press_for_edit(question, "Remove")
    assert done.text.startswith("The digest of 2025-07-21 is removed")
    answer = (await reader.ask("/date 2025-07-21")).text
    assert answer.startswith("There is no digest for 2025-07-21.")
    query = await sandbox_control.press_button(
        admin.chat_id, question.message_id, data, forged=True
    )
    replay = await sandbox_control.wait_for_callback_answer(query)
    assert replay["text"] == "This button was used already or has expired; nothing was done."
    actions = [(e.action, e.outcome) for e in await audit_of(runner, 3)]
    assert actions == [("digests.remove", "refused"), ("digests.remove", "done"),
                       ("digests.remove", "asked")]  # fmt: skip
