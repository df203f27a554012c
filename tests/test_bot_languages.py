"""Every command and the main buttons, in Chinese and in English, in a private chat and in
a group: each answer is in the reader's interface language."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sandbox import SandboxControl
from tests.fixtures.reader_bot import BotRunner, ChatDriver

# command -> (how the Chinese answer starts, how the English one starts)
COMMANDS: list[tuple[str, str, str]] = [
    ("/start", "👋 欢迎！", "👋 Welcome!"),
    ("/today", "2025.07.21 全球AI新闻速递", "2025.07.21 全球AI新闻速递"),
    ("/item 2", "2. 鸿海开始导入英伟达Vera Rubin平台", "2. 鸿海开始导入英伟达Vera Rubin平台"),
    (
        "/category hardware",
        "2025-07-21 ·「硬件前沿」· 6 条：",
        "2025-07-21 · “硬件前沿” · 6 items:",
    ),
    ("/categories", "2025-07-21 的分类（点一下查看）：", "Categories of 2025-07-21 (tap one):"),
    ("/archive", "往期简报（点编号打开）：", "Earlier digests (tap a number to open one):"),
    (
        "/date 2025-07-22",
        "2025.07.22 全球AI新闻速递（格式示例）",
        "2025.07.22 全球AI新闻速递（格式示例）",
    ),
    ("/unread", "最近 7 天有 8 条未读：", "8 unread in the last 7 days:"),
    ("/settings", "⚙️ 设置\n推送时间：08:00", "⚙️ Settings\nPush time: 08:00"),
    ("/time 07:00", "推送时间已改为每天 07:00", "Push time is now 07:00"),
    ("/tz UTC", "时区已改为 UTC", "Time zone is now UTC"),
    ("/format compact", "推送格式已改为：简洁", "Push format is now: compact"),
    ("/help", "我每天把新闻简报推送给你", "I send you a news digest every day"),
    ("/item 99", "2025-07-21 的简报共 9 条", "The 2025-07-21 digest has 9 items"),
    ("/nope", "我不认识 /nope 这个命令", "I don't know the command /nope"),
    ("/stop", "已退订", "Unsubscribed"),
]
# Interface words inside a digest, which itself stays as published.
DIGEST_LABEL = {"zh": "\n今日条目\n", "en": "\nItems\n"}


@pytest.fixture(params=["private-zh", "private-en", "group-zh", "group-en"])
async def chat(
    request: pytest.FixtureRequest, sandbox_control: SandboxControl, bot_runner: BotRunner
) -> AsyncIterator[tuple[ChatDriver, str]]:
    kind, lang = str(request.param).split("-")
    if kind == "private":
        ref = await sandbox_control.create_private_chat(first_name="R", language_code=lang)
        yield ChatDriver(sandbox_control, ref, ref.user_id), lang
        return
    user = await sandbox_control.create_user(first_name="M", language_code=lang)
    ref = await sandbox_control.create_group(f"club {lang}", member_ids=[user["id"]])
    driver = ChatDriver(sandbox_control, ref, user["id"])
    driver.seen = len(await sandbox_control.bot_messages(ref.chat_id))
    yield driver, lang


async def test_every_command_answers_in_the_readers_language(
    chat: tuple[ChatDriver, str],
) -> None:
    driver, lang = chat
    for command, chinese, english in COMMANDS:
        answer = await driver.ask(command)
        expected = chinese if lang == "zh" else english
        assert answer.text.startswith(expected), (command, answer.text[:80])
        if command in ("/today", "/date 2025-07-22"):
            assert DIGEST_LABEL[lang] in answer.text


async def test_the_main_buttons_answer_in_the_readers_language(
    chat: tuple[ChatDriver, str],
) -> None:
    driver, lang = chat
    zh = lang == "zh"
    welcome = await driver.ask("/start")
    (digest,) = await driver.press(welcome, "今日简报" if zh else "Today's digest")
    (item,) = await driver.press(digest, "1")
    following = await driver.press_for_edit(item, "下一条" if zh else "Next")
    assert following.text.endswith("第 2/9 条" if zh else "Item 2 of 9")
    archive = await driver.ask("/archive")
    (older,) = await driver.press(archive, "2")  # 2. 2025-07-22
    assert DIGEST_LABEL[lang] in older.text
    unread = await driver.ask("/unread")
    marked = await driver.press_for_edit(unread, "全部标为已读" if zh else "Mark all read")
    assert marked.text == ("已把 7 条标为已读。" if zh else "Marked 7 items as read.")
    settings = await driver.ask("/settings")
    picker = await driver.press_for_edit(settings, "时区" if zh else "Time zone")
    assert picker.text.startswith("选择时区" if zh else "Pick a time zone")
    back = await driver.press_for_edit(picker, "Asia/Tokyo")
    assert ("时区：Asia/Tokyo" if zh else "Time zone: Asia/Tokyo") in back.text
