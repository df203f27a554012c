"""/start, /stop, deep links, the welcome's buttons and the command menu, end to end
through the sandbox (real HTTP) with a real Redis."""

from __future__ import annotations

from sandbox import SandboxControl
from tests.fixtures.reader_bot import BotRunner, ChatDriver, button_labels


async def test_start_subscribes_and_welcomes_in_chinese(private_chat: ChatDriver) -> None:
    welcome = await private_chat.ask("/start")
    assert welcome.text.startswith("👋 欢迎！我每天 08:00（Asia/Shanghai）")
    assert "已为你订阅" in welcome.text
    assert button_labels(welcome) == ["📰 今日简报", "⚙️ 设置", "❓ 帮助"]


async def test_start_welcomes_an_english_reader_in_english(english_chat: ChatDriver) -> None:
    welcome = await english_chat.ask("/start")
    assert welcome.text.startswith("👋 Welcome! Every day at 08:00 (Asia/Shanghai)")
    assert button_labels(welcome) == ["📰 Today's digest", "⚙️ Settings", "❓ Help"]
    again = await english_chat.ask("/start")
    assert (
        again.text == "You are subscribed: daily at 08:00 (Asia/Shanghai). /settings changes that."
    )


async def test_welcome_buttons_open_today_and_help(private_chat: ChatDriver) -> None:
    welcome = await private_chat.ask("/start")
    (digest,) = await private_chat.press(welcome, "今日简报")
    assert digest.text.startswith("2025.07.21 全球AI新闻速递")
    (help_message,) = await private_chat.press(welcome, "帮助")
    assert "/today — 今日简报" in help_message.text


async def test_stop_then_start_resumes_with_the_old_settings(private_chat: ChatDriver) -> None:
    await private_chat.ask("/start")
    assert (
        await private_chat.ask("/time 06:45")
    ).text == "推送时间已改为每天 06:45（Asia/Shanghai）。"
    stopped = await private_chat.ask("/stop")
    assert stopped.text == "已退订，不会再推送。你的设置都会保留，发送 /start 即可恢复。"
    assert (await private_chat.ask("/stop")).text == "你现在没有订阅。发送 /start 订阅。"
    resumed = await private_chat.ask("/start")
    assert (
        resumed.text
        == "👋 欢迎回来！订阅已恢复，沿用你之前的设置：每天 06:45（Asia/Shanghai）推送。"
    )


async def test_a_deep_link_opens_the_item_and_marks_it_read(private_chat: ChatDriver) -> None:
    item = await private_chat.ask("/start item_20250721_2")
    assert item.text.startswith("2. 鸿海开始导入英伟达Vera Rubin平台")
    assert button_labels(item) == ["◀ 上一条", "下一条 ▶", "↗ 分享"]
    unread = await private_chat.ask("/unread")
    lines = unread.text.split("\n")
    assert lines[0] == "最近 7 天有 8 条未读："
    assert not any(line.startswith("2. ") for line in lines)
    assert lines[1].startswith("1. OpenAI 奥尔特曼")
    assert "2" not in button_labels(unread)


async def test_a_deep_link_to_a_missing_item_says_so(private_chat: ChatDriver) -> None:
    answer = await private_chat.ask("/start item_20250721_42")
    assert answer.text == "2025-07-21 的简报共 9 条，没有第 42 条。"


async def test_the_command_menu_is_published_in_chinese_and_english(
    sandbox_control: SandboxControl, bot_runner: BotRunner
) -> None:
    menus = {entry.get("language_code") or "": entry for entry in await sandbox_control.commands()}
    assert {"", "zh", "en"} <= set(menus)
    english = {c["command"]: c["description"] for c in menus["en"]["commands"]}
    chinese = {c["command"]: c["description"] for c in menus["zh"]["commands"]}
    assert english["today"] == "Today's digest (/today full for everything)"
    assert chinese["today"] == "今日简报（/today full 看全文）"
    assert set(english) == set(chinese) >= {"start", "stop", "today", "item", "unread", "settings"}
