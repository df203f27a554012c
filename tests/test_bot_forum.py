"""A forum group (a supergroup with topics): the bot answers in the topic it was asked in,
buttons included, and a /start from a topic is where the pushes will go."""

from __future__ import annotations

from sandbox import SandboxControl
from tests.fixtures.reader_bot import BotRunner, ChatDriver, button_data

TOPIC = 42


async def test_answers_stay_in_the_topic_and_start_remembers_it(
    sandbox_control: SandboxControl, bot_runner: BotRunner
) -> None:
    user = await sandbox_control.create_user(first_name="Fei", language_code="zh")
    forum = await sandbox_control.create_group("AI 论坛", forum=True, member_ids=[user["id"]])
    driver = ChatDriver(sandbox_control, forum, user["id"])
    driver.seen = len(await sandbox_control.bot_messages(forum.chat_id))

    await sandbox_control.send_text(forum.chat_id, "/start", user["id"], TOPIC)
    welcome = (await sandbox_control.wait_for_messages(forum.chat_id, driver.seen + 1))[-1]
    assert welcome.from_bot and welcome.message_thread_id == TOPIC
    await sandbox_control.send_text(forum.chat_id, "/today", user["id"], TOPIC)
    messages = await sandbox_control.wait_for_messages(forum.chat_id, driver.seen + 2)
    digest = messages[-1]
    assert digest.text.startswith("2025.07.21 全球AI新闻速递")
    assert digest.message_thread_id == TOPIC
    # A button pressed in the topic answers in the topic too.
    await sandbox_control.press_button(
        forum.chat_id, digest.message_id, button_data(digest, "3"), user["id"]
    )
    messages = await sandbox_control.wait_for_messages(forum.chat_id, driver.seen + 3)
    assert messages[-1].text.startswith("3. 京东和美团的战火")
    assert messages[-1].message_thread_id == TOPIC
    # Outside any topic (the forum's General), answers go to the chat itself.
    await sandbox_control.send_text(forum.chat_id, "/help", user["id"])
    messages = await sandbox_control.wait_for_messages(forum.chat_id, driver.seen + 4)
    assert messages[-1].from_bot and messages[-1].message_thread_id is None

    assert bot_runner.application is not None
    subscribers = bot_runner.application.bot_data.services.runtime.stores.subscribers
    subscriber = await subscribers.get(forum.chat_id)
    assert subscriber is not None and subscriber.thread_id == TOPIC
