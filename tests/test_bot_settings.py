"""/settings and its buttons (push time, time zone, format, categories, language) and the
typed shortcuts, with their refusals."""

from __future__ import annotations

from dataclasses import replace

from tests.fixtures.reader_bot import BotRunner, ChatDriver, button_labels

OVERVIEW_ZH = (
    "⚙️ 设置\n推送时间：08:00\n时区：Asia/Shanghai\n格式：简洁（标题 + 按钮）\n分类：全部\n"
    "筛选：无\n语言：中文\n订阅：已订阅"
)


async def test_the_overview_shows_every_setting(private_chat: ChatDriver) -> None:
    await private_chat.ask("/start")
    overview = await private_chat.ask("/settings")
    assert overview.text == OVERVIEW_ZH
    assert button_labels(overview) == [
        "🕗 推送时间",
        "🌐 时区",
        "📄 切换格式",
        "🏷 分类",
        "🌍 English",
    ]


async def test_time_and_zone_pickers_change_the_setting(private_chat: ChatDriver) -> None:
    await private_chat.ask("/start")
    overview = await private_chat.ask("/settings")
    picker = await private_chat.press_for_edit(overview, "推送时间")
    assert picker.text.startswith("选择推送时间")
    assert "✅ 08:00" in button_labels(picker)
    overview = await private_chat.press_for_edit(picker, "07:30")
    assert "推送时间：07:30" in overview.text
    picker = await private_chat.press_for_edit(overview, "时区")
    overview = await private_chat.press_for_edit(picker, "Europe/London")
    assert "时区：Europe/London" in overview.text
    assert (await private_chat.ask("/settings")).text.startswith(
        "⚙️ 设置\n推送时间：07:30\n时区：Europe/London"
    )


async def test_format_categories_and_language_buttons(private_chat: ChatDriver) -> None:
    await private_chat.ask("/start")
    overview = await private_chat.ask("/settings")
    overview = await private_chat.press_for_edit(overview, "切换格式")
    assert "格式：完整（全文）" in overview.text
    picker = await private_chat.press_for_edit(overview, "分类")
    assert button_labels(picker) == ["人工智能", "硬件前沿", "产业动态", "✅ 全部", "◀ 返回设置"]
    picker = await private_chat.press_for_edit(picker, "硬件前沿")
    assert button_labels(picker)[:4] == ["人工智能", "✅ 硬件前沿", "产业动态", "全部"]
    overview = await private_chat.press_for_edit(picker, "返回设置")
    assert "分类：硬件前沿" in overview.text
    english = await private_chat.press_for_edit(overview, "English")
    assert english.text == (
        "⚙️ Settings\nPush time: 08:00\nTime zone: Asia/Shanghai\nFormat: full (every summary)\n"
        "Categories: 硬件前沿\nKeywords: none\nLanguage: English\nSubscription: active"
    )
    picker = await private_chat.press_for_edit(english, "Categories")
    picker = await private_chat.press_for_edit(picker, "all")
    assert button_labels(picker)[3] == "✅ all"
    assert "Categories: all" in (await private_chat.ask("/settings")).text


async def test_typed_settings_in_english(english_chat: ChatDriver) -> None:
    await english_chat.ask("/start")
    assert (
        await english_chat.ask("/time 7:05")
    ).text == "Push time is now 07:05 (Asia/Shanghai) every day."
    assert (await english_chat.ask("/tz America/New_York")).text == (
        "Time zone is now America/New_York; pushes come at 07:05."
    )
    assert (
        await english_chat.ask("/format full")
    ).text == "Push format is now: full (every summary)."
    assert (await english_chat.ask("/lang zh")).text == "界面语言已改为中文。"
    assert (await english_chat.ask("/help")).text.startswith("我每天把新闻简报推送给你")


async def test_a_time_typed_with_a_chinese_keyboard_is_read(private_chat: ChatDriver) -> None:
    # A Chinese input method types the full-width colon (and often full-width digits).
    await private_chat.ask("/start")
    for typed in ("07：30", "０７：３０"):
        assert (await private_chat.ask(f"/time {typed}")).text == (
            "推送时间已改为每天 07:30（Asia/Shanghai）。"
        ), typed


async def test_bad_settings_are_explained(
    private_chat: ChatDriver, english_chat: ChatDriver
) -> None:
    await private_chat.ask("/start")
    assert (await private_chat.ask("/time 25:00")).text == (
        "「25:00」不是有效时间，请用 HH:MM（00:00–23:59），例如 /time 07:30。"
    )
    assert (await private_chat.ask("/tz Mars/Phobos")).text == (
        "「Mars/Phobos」不是时区名。可以发 IANA 名称（Asia/Shanghai）、UTC 偏移（UTC+8）"
        "或城市名（Berlin、纽约）。"
    )
    assert (await private_chat.ask("/time")).text == "用法：/time HH:MM，例如 /time 07:30。"
    assert (await private_chat.ask("/format huge")).text.startswith("用法：/format compact")
    assert (
        await private_chat.ask("/lang fr")
    ).text == "用法：/lang zh（中文）或 /lang en（English）。"
    assert (await private_chat.ask("/settings")).text == OVERVIEW_ZH  # nothing changed
    await english_chat.ask("/start")
    assert (await english_chat.ask("/tz Mars/Phobos")).text.startswith(
        "“Mars/Phobos” is not a time zone."
    )


async def test_settings_before_subscribing_ask_for_start(english_chat: ChatDriver) -> None:
    overview = await english_chat.ask("/settings")
    assert overview.text == "Please send /start to subscribe first, then change your settings."
    assert (await english_chat.ask("/time 07:00")).text == overview.text


async def test_every_category_of_the_recent_digests_is_offered(
    private_chat: ChatDriver, bot_runner: BotRunner
) -> None:
    # The newest digest declares one category; an older one holds another with an item.
    assert bot_runner.application is not None
    archive = bot_runner.application.bot_data.services.runtime.stores.digests
    older = await archive.load("2025-07-22")
    assert older is not None
    quantum = replace(older.items[0], categories=("量子计算",))
    older = replace(older, date="2025-07-10", categories=("量子计算",), items=(quantum,))
    await archive.save(replace(older, content_hash=older.compute_hash()))
    await private_chat.ask("/start")
    picker = await private_chat.press_for_edit(await private_chat.ask("/settings"), "分类")
    assert "量子计算" in button_labels(picker)
    assert {"人工智能", "硬件前沿", "产业动态"} <= set(button_labels(picker))
