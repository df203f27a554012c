"""Read state: opening an item marks it read, /unread lists the rest, "mark all read",
and all of it survives a restart of the bot process (it lives in Redis)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.fixtures.reader_bot import BotRunner, ChatDriver, button_labels
from tests.fixtures.stores import MovableClock


async def test_opened_items_leave_the_unread_list(private_chat: ChatDriver) -> None:
    unread = await private_chat.ask("/unread")
    assert unread.text.split("\n")[0] == "最近 7 天有 9 条未读："
    assert unread.text.split("\n")[2].startswith("2. 鸿海开始导入英伟达Vera Rubin平台")
    assert button_labels(unread)[-1] == "✅ 全部标为已读"
    await private_chat.ask("/item 1")
    (digest,) = await private_chat.send("/today")
    await private_chat.press(digest, "5")
    unread = await private_chat.ask("/unread")
    lines = unread.text.split("\n")
    assert lines[0] == "最近 7 天有 7 条未读："
    assert [line.split(".")[0] for line in lines[1:]] == ["2", "3", "4", "6", "7", "8", "9"]
    assert button_labels(unread)[:-1] == ["2", "3", "4", "6", "7", "8", "9"]
    (item,) = await private_chat.press(unread, "2")
    assert item.text.startswith("2. 鸿海")


async def test_unread_spans_the_last_seven_days_with_dates(
    english_chat: ChatDriver, clock: MovableClock
) -> None:
    clock.now = datetime(2025, 7, 23, 12, 0, tzinfo=UTC)
    unread = await english_chat.ask("/unread")
    lines = unread.text.split("\n")
    assert lines[0] == "15 unread in the last 7 days:"
    # Several digests: grouped under their dates, numbered in order, a button each.
    assert lines[1:3] == ["", "2025-07-23"]
    assert lines[3] == "1. Chip makers report record demand for AI accelerators"
    assert lines[-1].startswith("15. ") and "2025-07-21" in lines
    assert button_labels(unread) == [str(n) for n in range(1, 16)] + ["✅ Mark all read"]
    (item,) = await english_chat.press(unread, "15")
    assert item.text.startswith("9. ") and "Item 9 of 9" in item.text
    clock.now = datetime(2025, 8, 10, 12, 0, tzinfo=UTC)
    assert (await english_chat.ask("/unread")).text == (
        "You have read everything from the last 7 days 🎉"
    )


async def test_mark_all_read_empties_the_list(private_chat: ChatDriver) -> None:
    await private_chat.ask("/item 3")
    unread = await private_chat.ask("/unread")
    marked = await private_chat.press_for_edit(unread, "全部标为已读")
    assert marked.text == "已把 8 条标为已读。"
    assert marked.buttons == []
    assert (await private_chat.ask("/unread")).text == "最近 7 天的内容都读完了 🎉"


async def test_read_state_and_subscription_survive_a_restart(
    private_chat: ChatDriver, bot_runner: BotRunner
) -> None:
    await private_chat.ask("/start")
    await private_chat.ask("/lang en")
    await private_chat.ask("/item 4")
    await bot_runner.restart()
    unread = await private_chat.ask("/unread")
    lines = unread.text.split("\n")
    assert lines[0] == "8 unread in the last 7 days:"  # the language survived too
    assert not any(line.startswith("4. ") for line in lines)
    again = await private_chat.ask("/start")
    assert again.text.startswith("You are subscribed: daily at 08:00")
