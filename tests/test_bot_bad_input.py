"""Bad input of every kind gets a short helpful answer or a callback alert: never a
traceback, never silence, and the bot keeps serving."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
from redis.asyncio import Redis
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.keys import Keys
from handlers.buttons import is_foreign
from tests.fixtures.reader_bot import BotRunner, ChatDriver, button_data


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("/item 99", "2025-07-21 的简报共 9 条，没有第 99 条。"),
        ("/item abc", "「abc」不是条目编号。用法：/item 3"),
        ("/item -1", "「-1」不是条目编号。用法：/item 3"),
        ("/item", "用法：/item 编号 [日期]，例如 /item 3 或 /item 3 2025-07-21。"),
        ("/item 2 2025-13-01", "「2025-13-01」不是有效日期：没有 13 月（月份是 1–12）。"),
        ("/date 2025-02-30", "「2025-02-30」不是有效日期：2025 年 2 月只有 28 天。"),
        ("/date 2024-02-30", "「2024-02-30」不是有效日期：2024 年 2 月只有 29 天。"),
        (
            "/date soon",
            "「soon」不是日期。可以写 2025-07-21、2025-7-21、7-21、2025年7月21日、"
            "今天、昨天或前天。",
        ),
        ("/date 2024-01-01", "没有 2024-01-01 的简报。/archive 列出已有的日期。"),
        ("/date", "用法：/date 日期，例如 /date 2025-07-21。/archive 列出往期。"),
        ("/frobnicate", "我不认识 /frobnicate 这个命令。/help 列出全部命令。"),
        ("hello there", "我只听得懂命令。试试 /today 看今日简报，或 /help 查看全部命令。"),
    ],
)
async def test_bad_commands_get_a_helpful_answer(
    private_chat: ChatDriver, typed: str, answer: str
) -> None:
    assert (await private_chat.ask(typed)).text == answer


async def test_bad_input_in_english(english_chat: ChatDriver) -> None:
    assert (await english_chat.ask("/item 99")).text == (
        "The 2025-07-21 digest has 9 items; there is no item 99."
    )
    assert (await english_chat.ask("/date 2025-02-30")).text == (
        "“2025-02-30” is not a date: month 2 of 2025 has 28 days."
    )
    # The whole of what was typed is quoted back, not its first word.
    assert (await english_chat.ask("/date July 21, 2025")).text.startswith(
        "“July 21, 2025” is not a date."
    )
    assert (await english_chat.ask("/nope")).text == (
        "I don't know the command /nope. /help lists them all."
    )


async def _old_message(runner: BotRunner, chat: ChatDriver, data: str) -> int:
    """A message the bot sent long ago (an older version of it) carrying ``data``."""
    assert runner.application is not None
    button = InlineKeyboardButton("old", callback_data=data)
    sent = await runner.application.bot.send_message(
        chat.chat_id, "old", reply_markup=InlineKeyboardMarkup([[button]])
    )
    chat.seen += 1
    return sent.message_id


@pytest.mark.parametrize(
    ("data", "alert"),
    [
        ("garbage", "这个按钮已失效，请重新发送命令。"),
        ("v0:it:20250721:3", "这个按钮已失效，请重新发送命令。"),  # an older scheme
        ("v1:zz:1", "这个按钮已失效，请重新发送命令。"),  # an action this bot does not know
        ("v1:it:20250721", "这个按钮已失效，请重新发送命令。"),  # truncated
        ("v1:it:20240101:1", "没有 2024-01-01 的简报。/archive 列出已有的日期。"),
        ("v1:it:20250721:42", "2025-07-21 的简报共 9 条，没有第 42 条。"),
        ("v1:sz:999", "这个按钮已失效，请重新发送命令。"),  # a zone index from no list of ours
        ("v1:szn:Mars.Phobos", "这个按钮已失效，请重新发送命令。"),  # a zone we never offered
    ],
)
async def test_forged_or_outdated_buttons_get_an_alert(
    bot_runner: BotRunner, private_chat: ChatDriver, data: str, alert: str
) -> None:
    await private_chat.ask("/start")
    message_id = await _old_message(bot_runner, private_chat, data)
    answer = await private_chat.press_data(message_id, data)
    assert (answer["text"], answer["show_alert"]) == (alert, True)
    # The bot is still serving.
    assert (await private_chat.ask("/item 1")).text.startswith("1. OpenAI")


async def test_a_button_of_a_digest_that_was_corrected_since_is_refused(
    private_chat: ChatDriver, bot_runner: BotRunner
) -> None:
    (digest,) = await private_chat.send("/today")
    assert bot_runner.application is not None
    archive = bot_runner.application.bot_data.services.runtime.stores.digests
    current = await archive.load("2025-07-21")
    assert current is not None
    cut = replace(current, items=current.items[:5])  # the editor cut 4 items
    await archive.save(replace(cut, content_hash=cut.compute_hash()))
    data = button_data(digest, "9")
    answer = await private_chat.press_data(digest.message_id, data)
    assert answer["text"] == "2025-07-21 的简报共 5 条，没有第 9 条。"


def test_a_press_in_a_private_chat_by_someone_else_is_foreign() -> None:
    """Telegram clients cannot do this (nor can the sandbox), so it can only be a forged
    request: the router refuses it before any handler runs."""
    chat = {"id": 42, "type": "private", "first_name": "Owner"}
    message = Message.de_json({"message_id": 1, "date": 0, "chat": chat}, None)
    own = Update.de_json(
        {
            "update_id": 1,
            "callback_query": {
                "id": "1",
                "from": {"id": 42, "is_bot": False, "first_name": "Owner"},
                "chat_instance": "1",
                "data": "v1:it:20250721:1",
                "message": message.to_dict(),
            },
        },
        None,
    )
    stranger = Update.de_json(
        {
            **own.to_dict(),
            "callback_query": {
                **own.to_dict()["callback_query"],
                "from": {"id": 7, "is_bot": False, "first_name": "Stranger"},
            },
        },
        None,
    )
    assert own.callback_query is not None and stranger.callback_query is not None
    assert isinstance(own.callback_query.message, Message)
    assert not is_foreign(own, own.callback_query.message)
    assert is_foreign(stranger, own.callback_query.message)


async def test_a_flooding_reader_is_slowed_politely_once(
    bot_runner: BotRunner, private_chat: ChatDriver
) -> None:
    # A burst of 3, then one update per 20 s: nothing refills while the test runs.
    bot_runner.throttle_rate, bot_runner.throttle_burst = 0.05, 3
    await bot_runner.restart()
    for _ in range(8):
        await private_chat.control.send_text(private_chat.chat_id, "/help", private_chat.user_id)
    answers = await private_chat.control.wait_for_messages(private_chat.chat_id, 4)
    texts = [m.text for m in answers]
    assert texts.count("你发得太快了，请稍等几秒再试。") == 1
    assert sum(t.startswith("我每天把新闻简报推送给你") for t in texts) == 3
    # The rest were dropped silently rather than queued up.
    with pytest.raises(TimeoutError):
        await private_chat.control.wait_for_messages(private_chat.chat_id, 5, timeout=1.0)


async def test_a_failing_handler_is_logged_with_context_and_the_reader_is_told(
    private_chat: ChatDriver,
    redis: Redis,
    keys: Keys,
    caplog: pytest.LogCaptureFixture,
    bot_token: str,
) -> None:
    # A digest record this version cannot read (written by hand, as a broken deploy would).
    await redis.hset(keys.digest("2025-07-20"), mapping={"json": "{not json", "hash": "x"})
    await redis.zadd(keys.digest_dates(), {"2025-07-20": 739452})
    with caplog.at_level(logging.ERROR, logger="handlers.errors"):
        answer = await private_chat.ask("/date 2025-07-20")
    assert answer.text == "抱歉，出了点问题，已记录下来。请稍后再试。"
    (record,) = [r for r in caplog.records if r.name == "handlers.errors"]
    assert f"chat {private_chat.chat_id}" in record.getMessage()
    assert "'/date 2025-07-20'" in record.getMessage()
    assert record.exc_info is not None
    assert bot_token not in caplog.text
    assert (await private_chat.ask("/item 1")).text.startswith("1. OpenAI")
