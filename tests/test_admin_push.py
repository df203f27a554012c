"""/push, /preview and /stats as an admin uses them, end to end through the sandbox with
the bot's own senders and a real Redis."""

from __future__ import annotations

from sandbox import SandboxControl
from tests.fixtures.reader_bot import BotRunner, ChatDriver, button_data
from tests.test_admin_broadcast import ADMIN_ID, admin, audit_of, readers, runner

__all__ = ["admin", "runner"]  # the fixtures this module uses


async def test_push_now_after_a_confirmation_once_and_followed_to_the_end(
    sandbox_control: SandboxControl, runner: BotRunner, admin: ChatDriver
) -> None:
    reached = await readers(sandbox_control, 3)
    offer = await admin.ask("/push 2025-07-21")
    assert offer.text == (
        "Push the digest of 2025-07-21 now to 3 active readers who do not have it?"
    )
    data = button_data(offer, "Push")
    status = await admin.press_for_edit(offer, "Push")
    assert status.text.startswith("Push 2025-07-21: ")
    for reader in reached:
        messages = await sandbox_control.wait_for_messages(reader.chat_id, reader.seen + 1)
        assert "2025-07-21" in messages[-1].text
    done = await sandbox_control.wait_for_edit(admin.chat_id, offer.message_id, 2, timeout=15)
    assert "done" in done.text and "sent 3 · failed 0" in done.text

    # The confirm button replayed after the push ran: nothing happens, and it is audited.
    query = await sandbox_control.press_button(admin.chat_id, offer.message_id, data, forged=True)
    answer = await sandbox_control.wait_for_callback_answer(query)
    assert answer["text"] == "This button was used already or has expired; nothing was done."
    for reader in reached:
        assert len(await sandbox_control.bot_messages(reader.chat_id)) == reader.seen + 1
    actions = [(e.action, e.outcome) for e in await audit_of(runner, 3)]
    assert actions == [("push.confirm", "refused"), ("push.confirm", "started"),
                       ("push.offer", "asked")]  # fmt: skip
    # A second /push finds nobody left to push to.
    assert "to 0 active readers" in (await admin.ask("/push 2025-07-21")).text


async def test_push_cancel_preview_and_stats(
    sandbox_control: SandboxControl, runner: BotRunner, admin: ChatDriver
) -> None:
    [reader] = await readers(sandbox_control, 1)
    offer = await admin.ask("/push")
    dropped = await admin.press_for_edit(offer, "Cancel")
    assert dropped.text == "Cancelled; nothing was pushed."
    assert len(await sandbox_control.bot_messages(reader.chat_id)) == reader.seen
    assert (await admin.ask("/push 2025-02-30")).text.startswith("“2025-02-30” is not")

    heading, compact, full_heading = await admin.send("/preview 2025-07-21", expect=3)
    assert heading.text == "2025-07-21 · compact (one message):"
    assert compact.buttons  # the numbered item buttons readers tap
    assert full_heading.text.startswith("Full (")
    count = int(full_heading.text.split("(")[1].split()[0])
    full = await sandbox_control.wait_for_messages(admin.chat_id, admin.seen + count)
    assert len(full) == admin.seen + count
    admin.seen = len(full)
    [shown] = await audit_of(runner, 1)
    assert (shown.who, shown.action, shown.details) == (
        str(ADMIN_ID),
        "preview",
        {"date": "2025-07-21"},
    )

    text = (await admin.ask("/stats 2025-07-21")).text
    assert text.startswith("Statistics of 2025-07-21")
    assert "Push: delivered 0 · failed 0 · blocked 0 · pending 1" in text
    entry = (await audit_of(runner, 1))[0]
    assert (entry.who, entry.action) == (str(ADMIN_ID), "stats")
