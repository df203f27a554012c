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
    assert button_labels(item) == ["◀ 上一条", "下一条 ▶", "↗ 分享"]
    share = item.buttons[-1][0]
    assert share["url"] == (
        "https://t.me/share/url?url=https%3A%2F%2F36kr.com%2Fp%2F3386941825007107%3Ff%3Drss"
        "&text=%E4%BA%AC%E4%B8%9C%E5%92%8C%E7%BE%8E%E5%9B%A2%E7%9A%84%E6%88%98%E7%81%AB"
        "%EF%BC%8C%E7%83%A7%E5%88%B0%E5%85%B7%E8%BA%AB%E6%99%BA%E8%83%BD"
    )
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
    assert button_labels(first) == ["下一条 ▶", "↗ 分享"]  # no "previous" on the first item


async def test_item_by_number_and_date_in_english(english_chat: ChatDriver) -> None:
    item = await english_chat.ask("/item 2 2025-07-23")
    assert item.text.startswith("2. A startup raises a Series B for robot hands")
    assert item.text.endswith("Item 2 of 3")
    assert button_labels(item) == ["◀ Previous", "Next ▶", "↗ Share"]


async def test_archive_lists_dates_and_a_date_button_opens_that_digest(
    private_chat: ChatDriver,
) -> None:
    archive = await private_chat.ask("/archive")
    # The clock stands at 20:00 on 2025-07-21 in Shanghai; a digest dated ahead is listed.
    assert archive.text == (
        "往期简报（点编号打开）：\n"
        "1. 2025-07-23 · AI Daily — July 23, 2025 (format example) · 3 条\n"
        "2. 2025-07-22 · 2025.07.22 全球AI新闻速递（格式示例） · 3 条\n"
        "3. 2025-07-21 · 今天 · 2025.07.21 全球AI新闻速递 · 9 条"
    )
    assert button_labels(archive) == ["1", "2", "3"]
    (digest,) = await private_chat.press(archive, "2")
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


async def test_today_is_each_readers_own_date_in_their_time_zone(
    private_chat: ChatDriver, english_chat: ChatDriver, clock: MovableClock
) -> None:
    # One instant: 10:00 on 22 July in Shanghai, 22:00 on 21 July in New York.
    clock.now = datetime(2025, 7, 22, 2, 0, tzinfo=UTC)
    await private_chat.ask("/start")
    await english_chat.ask("/start")
    await english_chat.ask("/tz America/New_York")
    (shanghai,) = await private_chat.send("/today")
    assert shanghai.text.startswith("2025.07.22 全球AI新闻速递（格式示例）\n2025-07-22\n")
    (new_york,) = await english_chat.send("/today")  # no "not out yet" note: it is today's
    assert new_york.text.startswith("2025.07.21 全球AI新闻速递\n2025-07-21\n")
    # "yesterday", the archive's labels and the unread window follow the same calendar.
    assert (await private_chat.ask("/date 昨天")).text.startswith("2025.07.21 全球AI新闻速递")
    assert (await english_chat.ask("/date yesterday")).text == (
        "There is no digest for 2025-07-20. /archive lists the dates there are."
    )
    assert "2. 2025-07-22 · 今天 · " in (await private_chat.ask("/archive")).text
    archive = (await english_chat.ask("/archive")).text
    assert "2. 2025-07-22 · " in archive and "3. 2025-07-21 · today · " in archive
    assert (await english_chat.ask("/unread")).text.startswith("9 unread in the last 7 days:")
    assert (await private_chat.ask("/unread")).text.startswith("最近 7 天有 12 条未读：")


async def test_dates_are_read_as_people_write_them(english_chat: ChatDriver) -> None:
    typed_forms = (
        "2025-7-21",
        "2025/07/21",
        "20250721",
        "7-21",
        "2025年7月21日",
        "２０２５-０７-２１",
        "2025 年 7 月 21 日",  # spaces: every word is the date, not the first alone
        "2025 - 7 - 21",
    )
    for typed in typed_forms:
        (digest,) = await english_chat.send(f"/date {typed}")
        assert digest.text.startswith("2025.07.21 全球AI新闻速递\n"), typed
    (today,) = await english_chat.send("/date today")
    assert today.text.startswith("2025.07.21 全球AI新闻速递\n")
    item = await english_chat.ask("/item 2 today")
    assert item.text.startswith("2. 鸿海")
    # Full-width digits, as a Chinese input method types them.
    assert (await english_chat.ask("/item ２")).text.startswith("2. 鸿海")
