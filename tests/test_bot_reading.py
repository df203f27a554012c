"""/today, /item, /date, /archive and their buttons, end to end through the sandbox."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from bot.settings import Settings
from sandbox import SandboxControl
from tests.fixtures.reader_bot import BotRunner, ChatDriver, button_labels
from tests.fixtures.stores import MovableClock

NINE_ITEMS = [str(n) for n in range(1, 10)]


async def test_today_shows_todays_digest_with_a_button_per_item(private_chat: ChatDriver) -> None:
    (digest,) = await private_chat.send("/today")
    assert digest.text.startswith("2025.07.21 全球AI新闻速递\n2025-07-21\n")
    assert "今日条目\n1. OpenAI 奥尔特曼" in digest.text
    assert "还没发布" not in digest.text
    assert button_labels(digest) == NINE_ITEMS
    bold = [e for e in digest.entities if e["type"] == "bold"]
    links = [e for e in digest.entities if e["type"] == "text_link"]
    assert bold and links[0]["url"] == "https://www.ithome.com/0/869/518.htm"


async def test_today_says_when_todays_digest_is_not_out_yet(
    private_chat: ChatDriver, english_chat: ChatDriver, clock: MovableClock
) -> None:
    clock.now = datetime(2025, 7, 24, 1, 0, tzinfo=UTC)  # 09:00 on the 24th in Shanghai
    note, digest = await private_chat.send("/today", expect=2)
    assert note.text == "今天（2025-07-24）的简报还没发布，这是最新一期（2025-07-23）："
    assert digest.text.startswith("AI Daily — July 23, 2025")
    note, digest = await english_chat.send("/today", expect=2)
    assert (
        note.text == "Today's digest (2025-07-24) is not out yet; here is the latest (2025-07-23):"
    )
    assert "\nItems\n" in digest.text


async def test_today_full_sends_every_summary_and_the_commentary(private_chat: ChatDriver) -> None:
    (full,) = await private_chat.send("/today full")
    assert "2025年底前上线超过100万块GPU" in full.text  # item 1's summary
    assert "\n点评\n" in full.text
    assert full.buttons == []


async def test_an_item_button_opens_the_item_and_prev_next_edit_it_in_place(
    private_chat: ChatDriver,
) -> None:
    (digest,) = await private_chat.send("/today")
    (item,) = await private_chat.press(digest, "3")
    assert item.text.startswith("3. 京东和美团的战火，烧到具身智能\n")
    assert item.text.endswith("2025.07.21 全球AI新闻速递 · 第 3/9 条")
    assert button_labels(item) == ["◀ 上一条", "下一条 ▶"]
    following = await private_chat.press_for_edit(item, "下一条")
    assert following.message_id == item.message_id
    assert following.text.startswith("4. 马斯克宣布特斯拉 FSD")
    first = await private_chat.press_for_edit(
        await private_chat.press_for_edit(
            await private_chat.press_for_edit(following, "上一条"), "上一条"
        ),
        "上一条",
    )
    assert first.text.startswith("1. OpenAI")
    assert button_labels(first) == ["下一条 ▶"]  # no "previous" on the first item


async def test_item_by_number_and_date_in_english(english_chat: ChatDriver) -> None:
    item = await english_chat.ask("/item 2 2025-07-23")
    assert item.text.startswith("2. A startup raises a Series B for robot hands")
    assert item.text.endswith("Item 2 of 3")
    assert button_labels(item) == ["◀ Previous", "Next ▶"]


async def test_archive_lists_dates_and_a_date_button_opens_that_digest(
    private_chat: ChatDriver,
) -> None:
    archive = await private_chat.ask("/archive")
    assert archive.text == "往期简报，点日期打开："
    assert button_labels(archive) == ["2025-07-23", "2025-07-22", "2025-07-21"]
    (digest,) = await private_chat.press(archive, "2025-07-22")
    assert digest.text.startswith("2025.07.22 全球AI新闻速递（格式示例）")


async def test_date_opens_a_digest_by_its_date(english_chat: ChatDriver) -> None:
    digest = await english_chat.ask("/date 2025-07-22")
    assert digest.text.startswith("2025.07.22 全球AI新闻速递（格式示例）")  # content as published
    assert "\nItems\n" in digest.text  # the interface in the reader's language
    assert button_labels(digest) == ["1", "2", "3"]


async def test_with_no_digest_at_all_the_reader_is_told_so(
    bot_settings: Settings, clock: MovableClock, sandbox_control: SandboxControl
) -> None:
    # DIGEST_URL set: the folder is not the source, and no poller runs in this test.
    settings = dataclasses.replace(bot_settings, digest_url="http://127.0.0.1:9/{date}.md")
    runner = BotRunner(settings, clock)
    await runner.start()
    try:
        chat = await sandbox_control.create_private_chat(first_name="R", language_code="en")
        driver = ChatDriver(sandbox_control, chat, chat.user_id)
        assert (
            await driver.ask("/today")
        ).text == "There is no digest yet. Please check back later."
        assert (
            await driver.ask("/archive")
        ).text == "There is no digest yet. Please check back later."
        assert (await driver.ask("/unread")).text == (
            "You have read everything from the last 7 days 🎉"
        )
    finally:
        await runner.stop()
