"""Inline mode in the sandbox: a user's ``@bot words`` reaches the bot as an
``inline_query`` update, and ``answerInlineQuery`` is checked and recorded as Telegram
would show the results."""

from __future__ import annotations

import re

import pytest
from telegram import Bot, InlineQueryResultArticle, InputTextMessageContent
from telegram.error import BadRequest

from sandbox import ChatRef, SandboxControl, SandboxControlError


def _article(result_id: str, text: str = "<b>Chips</b> sell") -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        result_id, "Chips", InputTextMessageContent(text, parse_mode="HTML"), description="d"
    )


async def test_a_query_reaches_the_bot_and_its_answer_is_recorded(
    sandbox_control: SandboxControl, sandbox_bot: Bot, sandbox_chat: ChatRef
) -> None:
    query_id = await sandbox_control.inline_query(sandbox_chat.user_id, "chips")
    (update,) = await sandbox_bot.get_updates(timeout=1)
    assert update.inline_query is not None
    assert (update.inline_query.id, update.inline_query.query) == (query_id, "chips")
    assert update.inline_query.from_user.id == sandbox_chat.user_id
    assert await sandbox_bot.answer_inline_query(query_id, [_article("1")], cache_time=5)
    answer = await sandbox_control.wait_for_inline_answer(query_id)
    (result,) = answer["results"]
    assert (result["id"], result["title"], result["text"]) == ("1", "Chips", "Chips sell")
    assert result["entities"] == [{"offset": 0, "length": 5, "type": "bold"}]
    assert answer["cache_time"] == 5
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):  # answered once only
        await sandbox_bot.answer_inline_query(query_id, [_article("1")])


@pytest.mark.parametrize(
    ("results", "error"),
    [
        ([_article("same"), _article("same")], "RESULT_ID_DUPLICATE"),
        ([_article("x" * 65)], "RESULT_ID_INVALID"),
        ([_article(str(n)) for n in range(51)], "RESULTS_TOO_MUCH"),
        ([_article("1", "<b>unclosed")], "can't parse entities"),
    ],
)
async def test_bad_results_are_refused_as_telegram_does(
    sandbox_control: SandboxControl,
    sandbox_bot: Bot,
    sandbox_chat: ChatRef,
    results: list[InlineQueryResultArticle],
    error: str,
) -> None:
    query_id = await sandbox_control.inline_query(sandbox_chat.user_id, "x")
    with pytest.raises(BadRequest, match=re.compile(re.escape(error), re.IGNORECASE)):
        await sandbox_bot.answer_inline_query(query_id, results)


async def test_a_query_from_nobody_or_too_long_is_refused(
    sandbox_control: SandboxControl, sandbox_chat: ChatRef
) -> None:
    with pytest.raises(SandboxControlError, match="no user 42"):
        await sandbox_control.inline_query(42, "x")
    with pytest.raises(SandboxControlError, match="at most 256"):
        await sandbox_control.inline_query(sandbox_chat.user_id, "x" * 257)
