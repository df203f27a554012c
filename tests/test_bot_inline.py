"""Inline mode end to end: a user types ``@bot words`` in any chat and the bot offers the
matching items of every digest as articles to send; nothing typed offers the newest
digest's items."""

from __future__ import annotations

from sandbox import SandboxControl
from tests.fixtures.reader_bot import BotRunner


async def test_words_offer_the_matching_items_as_articles(
    sandbox_control: SandboxControl, bot_runner: BotRunner
) -> None:
    user = await sandbox_control.create_user(first_name="Ann", language_code="en")
    query_id = await sandbox_control.inline_query(user["id"], "英伟达")
    answer = await sandbox_control.wait_for_inline_answer(query_id)
    results = answer["results"]
    assert [r["id"] for r in results] == ["2025-07-21:2", "2025-07-21:8"]
    first = results[0]
    assert first["title"] == "鸿海开始导入英伟达Vera Rubin平台"
    assert first["description"].startswith("2025-07-21 · AI服务器制造巨头鸿海")
    # What the reader posts: the linked headline in bold, the summary's start, the date.
    assert first["text"].startswith("鸿海开始导入英伟达Vera Rubin平台\nAI服务器制造巨头鸿海")
    assert first["text"].endswith("\n\n2025-07-21")
    kinds = {e["type"] for e in first["entities"]}
    assert kinds == {"bold", "text_link", "italic"}
    link = next(e for e in first["entities"] if e["type"] == "text_link")
    assert link["url"] == "https://36kr.com/newsflashes/3387985541693190?f=rss"


async def test_nothing_typed_offers_the_newest_digest_and_nonsense_offers_nothing(
    sandbox_control: SandboxControl, bot_runner: BotRunner
) -> None:
    user = await sandbox_control.create_user(first_name="Bo", language_code="zh")
    newest = await sandbox_control.wait_for_inline_answer(
        await sandbox_control.inline_query(user["id"], "")
    )
    assert [r["id"] for r in newest["results"]] == [
        "2025-07-23:1",
        "2025-07-23:2",
        "2025-07-23:3",
    ]
    none = await sandbox_control.wait_for_inline_answer(
        await sandbox_control.inline_query(user["id"], "-")  # a query the search refuses
    )
    assert none["results"] == []
    # The bot still answers readers afterwards.
    chat = await sandbox_control.create_private_chat(first_name="C")
    await sandbox_control.send_text(chat.chat_id, "/search robot", chat.user_id)
    (found,) = await sandbox_control.wait_for_messages(chat.chat_id, 1)
    assert found.text.startswith("🔍「robot」")
