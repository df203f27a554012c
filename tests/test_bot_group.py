"""The bot in a group: commands addressed as ``/cmd@botname`` work, commands for other bots
and ordinary chatter are left alone, the group has its own subscription and settings."""

from __future__ import annotations

from tests.fixtures.reader_bot import ChatDriver, button_labels

BOT = "briefbot_sandbox_bot"


async def test_commands_addressed_to_the_bot_work_in_a_group(group_chat: ChatDriver) -> None:
    welcome = await group_chat.ask(f"/start@{BOT}")
    assert welcome.text.startswith("👋 Welcome!")  # the sender's Telegram language
    (digest,) = await group_chat.send(f"/today@{BOT}")
    assert digest.text.startswith("2025.07.21 全球AI新闻速递")
    assert "\nItems\n" in digest.text
    item = await group_chat.ask(f"/item@{BOT} 2")
    assert item.text.startswith("2. 鸿海开始导入英伟达Vera Rubin平台")
    plain = await group_chat.ask("/item 3")
    assert plain.text.startswith("3. 京东和美团的战火")


async def test_a_member_taps_buttons_in_the_group(group_chat: ChatDriver) -> None:
    (digest,) = await group_chat.send("/today")
    (item,) = await group_chat.press(digest, "4")
    assert item.text.startswith("4. 马斯克宣布特斯拉 FSD")
    following = await group_chat.press_for_edit(item, "Next")
    assert following.text.startswith("5. 量旋科技获数亿元B轮融资")


async def test_other_bots_commands_and_chatter_are_ignored(group_chat: ChatDriver) -> None:
    await group_chat.control.send_text(
        group_chat.chat_id, "/today@some_other_bot", group_chat.user_id
    )
    await group_chat.control.send_text(group_chat.chat_id, "good morning all", group_chat.user_id)
    # The next answer is the one to /help: nothing was said to the two messages before it.
    answer = await group_chat.ask("/help")
    assert answer.text.startswith("I send you a news digest every day")
    unknown = await group_chat.ask(f"/frobnicate@{BOT}")
    assert unknown.text == "I don't know the command /frobnicate. /help lists them all."


async def test_the_group_has_its_own_settings(group_chat: ChatDriver) -> None:
    await group_chat.ask("/start")
    assert (await group_chat.ask(f"/time@{BOT} 09:15")).text == (
        "Push time is now 09:15 (Asia/Shanghai) every day."
    )
    overview = await group_chat.ask("/settings")
    assert overview.text.startswith("⚙️ Settings\nPush time: 09:15")
    chinese = await group_chat.press_for_edit(overview, "中文")
    assert chinese.text.startswith("⚙️ 设置\n推送时间：09:15")
    assert button_labels(chinese)[-1] == "🌍 English"
    stopped = await group_chat.ask("/stop")
    assert stopped.text == "已退订，不会再推送。你的设置都会保留，发送 /start 即可恢复。"
