"""The sandbox answers like Telegram: the envelope, every body encoding, and Telegram's own
checks surfacing as python-telegram-bot's ``BadRequest`` with Telegram's text."""

from __future__ import annotations

import aiohttp
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
    ReplyParameters,
)
from telegram.error import BadRequest, InvalidToken
from telegram.request import HTTPXRequest

from sandbox import ChatRef, Sandbox, SandboxControl


async def test_json_form_and_multipart_bodies_are_all_understood(
    sandbox: Sandbox, bot_token: str, sandbox_chat: ChatRef, http: aiohttp.ClientSession
) -> None:
    url = f"{sandbox.bot_api_base_url}{bot_token}/sendMessage"
    keyboard = '{"inline_keyboard": [[{"text": "1", "callback_data": "a"}]]}'
    form = aiohttp.FormData({"chat_id": str(sandbox_chat.chat_id), "text": "multipart"})
    form.add_field("reply_markup", keyboard)
    form.add_field("file", b"\x00", filename="ignored.bin")  # forces multipart
    sent = [
        await http.post(
            url, json={"chat_id": sandbox_chat.chat_id, "text": "<b>json</b>", "parse_mode": "HTML"}
        ),
        await http.post(
            url,
            data={"chat_id": str(sandbox_chat.chat_id), "text": "form", "reply_markup": keyboard},
        ),
        await http.post(url, data=form),
        await http.get(url, params={"chat_id": str(sandbox_chat.chat_id), "text": "query"}),
    ]
    bodies = [await response.json() for response in sent]
    assert [response.status for response in sent] == [200, 200, 200, 200]
    assert [body["result"]["text"] for body in bodies] == ["json", "form", "multipart", "query"]
    assert bodies[0]["result"]["entities"] == [{"offset": 0, "length": 4, "type": "bold"}]
    assert bodies[2]["result"]["reply_markup"] == {
        "inline_keyboard": [[{"text": "1", "callback_data": "a"}]]
    }
    assert bodies[0]["ok"] is True
    assert bodies[0]["result"]["from"]["is_bot"] is True
    assert bodies[0]["result"]["chat"] == {
        "id": sandbox_chat.chat_id,
        "type": "private",
        "first_name": "李四",
    }


async def test_unknown_method_and_malformed_token_answer_not_found(
    sandbox: Sandbox, bot_token: str, http: aiohttp.ClientSession
) -> None:
    async with http.post(f"{sandbox.bot_api_base_url}{bot_token}/sendTelepathy") as response:
        assert response.status == 404
        assert await response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    async with http.post(f"{sandbox.bot_api_base_url}not-a-token/getMe") as response:
        assert response.status == 404


async def test_malformed_token_is_invalid_token_in_ptb(sandbox: Sandbox) -> None:
    request = HTTPXRequest()
    bot = Bot("123:short", base_url=sandbox.bot_api_base_url, request=request)
    try:
        with pytest.raises(InvalidToken):
            await bot.get_me()
    finally:
        await request.shutdown()  # the bot never initialised, so it will not close it


async def test_error_answers_have_telegrams_shape(
    sandbox: Sandbox, bot_token: str, http: aiohttp.ClientSession
) -> None:
    url = f"{sandbox.bot_api_base_url}{bot_token}/sendMessage"
    async with http.post(url, json={"chat_id": 424242, "text": "x"}) as response:
        assert response.status == 400
        assert await response.json() == {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: chat not found",
        }


@pytest.mark.parametrize(
    ("text", "parse_mode", "description"),
    [
        ("", None, "Message text is empty"),
        ("  \n ", None, "Message text is empty"),
        ("<b></b>", "HTML", "Message text is empty"),
        (
            "<foo>x</foo>",
            "HTML",
            'Can\'t parse entities: unsupported start tag "foo" at byte offset 0',
        ),
        (
            "<b>x",
            "HTML",
            "Can't parse entities: can't find end tag corresponding to start tag \"b\"",
        ),
        ("字" * 4097, None, "Message is too long"),
        ("😀" * 2049, None, "Message is too long"),  # 4098 UTF-16 units
        ("<b>" + "字" * 4097 + "</b>", "HTML", "Message is too long"),
    ],
)
async def test_send_message_checks(
    sandbox_bot: Bot, sandbox_chat: ChatRef, text: str, parse_mode: str | None, description: str
) -> None:
    # python-telegram-bot capitalises the description after "Bad Request: ".
    with pytest.raises(BadRequest) as caught:
        await sandbox_bot.send_message(sandbox_chat.chat_id, text, parse_mode=parse_mode)
    assert caught.value.message == description


async def test_length_is_counted_after_entity_parsing(
    sandbox_bot: Bot, sandbox_chat: ChatRef
) -> None:
    """4096 units of text fit, however long the markup around them is."""
    message = await sandbox_bot.send_message(
        sandbox_chat.chat_id, "<b>" + "字" * 4096 + "</b>", parse_mode="HTML"
    )
    assert len(message.text or "") == 4096


async def test_only_the_first_100_entities_are_kept(
    sandbox_bot: Bot, sandbox_chat: ChatRef
) -> None:
    html = " ".join(f"<b>{n}</b>" for n in range(1, 111))
    message = await sandbox_bot.send_message(sandbox_chat.chat_id, html, parse_mode="HTML")
    bold = list(message.parse_entities().values())
    assert bold == [str(n) for n in range(1, 101)]
    assert message.text is not None and message.text.endswith("109 110")


async def test_callback_data_over_64_bytes_is_refused(
    sandbox_bot: Bot, sandbox_chat: ChatRef
) -> None:
    fits = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="字" * 21)]])  # 63 B
    await sandbox_bot.send_message(sandbox_chat.chat_id, "fits", reply_markup=fits)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="字" * 22)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await sandbox_bot.send_message(sandbox_chat.chat_id, "too long", reply_markup=too_long)


async def test_more_than_100_buttons_are_refused(sandbox_bot: Bot, sandbox_chat: ChatRef) -> None:
    def keyboard(count: int) -> InlineKeyboardMarkup:
        buttons = [InlineKeyboardButton(str(n), callback_data=str(n)) for n in range(count)]
        return InlineKeyboardMarkup([buttons[i : i + 5] for i in range(0, count, 5)])

    await sandbox_bot.send_message(sandbox_chat.chat_id, "100", reply_markup=keyboard(100))
    with pytest.raises(BadRequest, match="Reply_markup_too_long"):
        await sandbox_bot.send_message(sandbox_chat.chat_id, "101", reply_markup=keyboard(101))


async def test_edit_checks(
    sandbox_bot: Bot, sandbox_chat: ChatRef, sandbox_control: SandboxControl
) -> None:
    message = await sandbox_bot.send_message(sandbox_chat.chat_id, "<b>v1</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await sandbox_bot.edit_message_text(
            "<b>v1</b>", sandbox_chat.chat_id, message.message_id, parse_mode="HTML"
        )
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await sandbox_bot.edit_message_text("v2", sandbox_chat.chat_id, message.message_id + 100)
    await sandbox_bot.edit_message_text(
        "v1", sandbox_chat.chat_id, message.message_id
    )  # entities differ
    [shown] = await sandbox_control.bot_messages(sandbox_chat.chat_id)
    assert (shown.text, shown.entities) == ("v1", [])
    assert shown.history[0]["entities"] == [{"offset": 0, "length": 2, "type": "bold"}]


async def test_edit_reply_markup_and_delete(
    sandbox_bot: Bot, sandbox_chat: ChatRef, sandbox_control: SandboxControl
) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("1", callback_data="a")]])
    message = await sandbox_bot.send_message(sandbox_chat.chat_id, "list", reply_markup=keyboard)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await sandbox_bot.edit_message_reply_markup(
            sandbox_chat.chat_id, message.message_id, reply_markup=keyboard
        )
    await sandbox_bot.edit_message_reply_markup(sandbox_chat.chat_id, message.message_id)
    assert await sandbox_bot.delete_message(sandbox_chat.chat_id, message.message_id) is True
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await sandbox_bot.delete_message(sandbox_chat.chat_id, message.message_id)
    [shown] = await sandbox_control.bot_messages(sandbox_chat.chat_id)
    assert shown.deleted
    assert shown.reply_markup is None
    assert shown.history[0]["reply_markup"] == {
        "inline_keyboard": [[{"text": "1", "callback_data": "a"}]]
    }


async def test_replies_point_at_their_message(
    sandbox_bot: Bot, sandbox_chat: ChatRef, sandbox_control: SandboxControl
) -> None:
    said = await sandbox_control.send_text(sandbox_chat.chat_id, "/item 3")
    reply = await sandbox_bot.send_message(
        sandbox_chat.chat_id, "第 3 条", reply_parameters=ReplyParameters(said.message_id)
    )
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "/item 3"
    [shown] = await sandbox_control.bot_messages(sandbox_chat.chat_id)
    assert shown.reply_to_message_id == said.message_id
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await sandbox_bot.send_message(
            sandbox_chat.chat_id, "x", reply_parameters=ReplyParameters(said.message_id + 50)
        )
    lenient = ReplyParameters(said.message_id + 50, allow_sending_without_reply=True)
    alone = await sandbox_bot.send_message(sandbox_chat.chat_id, "x", reply_parameters=lenient)
    assert alone.reply_to_message is None


async def test_a_users_message_cannot_be_edited(
    sandbox_bot: Bot, sandbox_chat: ChatRef, sandbox_control: SandboxControl
) -> None:
    said = await sandbox_control.send_text(sandbox_chat.chat_id, "hello")
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await sandbox_bot.edit_message_text("hacked", sandbox_chat.chat_id, said.message_id)


async def test_answering_a_button_press_twice_is_refused(
    sandbox_bot: Bot, sandbox_chat: ChatRef, sandbox_control: SandboxControl
) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("1", callback_data="item:1")]])
    message = await sandbox_bot.send_message(sandbox_chat.chat_id, "list", reply_markup=keyboard)
    query_id = await sandbox_control.press_button(
        sandbox_chat.chat_id, message.message_id, "item:1"
    )
    assert await sandbox_bot.answer_callback_query(query_id, "已读", show_alert=True)
    with pytest.raises(BadRequest, match="Query is too old"):
        await sandbox_bot.answer_callback_query(query_id)
    [press] = await sandbox_control.callback_answers(sandbox_chat.chat_id)
    assert press["answer"] == {"text": "已读", "show_alert": True, "url": None, "cache_time": 0}


async def test_chat_action_and_get_chat(
    sandbox_bot: Bot, sandbox_chat: ChatRef, sandbox_control: SandboxControl
) -> None:
    assert await sandbox_bot.send_chat_action(sandbox_chat.chat_id, "typing")
    info = await sandbox_bot.get_chat(sandbox_chat.chat_id)
    assert (info.id, info.type, info.first_name) == (sandbox_chat.chat_id, "private", "李四")
    shown = await sandbox_control.chat(sandbox_chat.chat_id)
    assert [action["action"] for action in shown["actions"]] == ["typing"]


async def test_one_text_to_many_chats_then_an_edit_changes_only_that_chat(
    sandbox_bot: Bot, sandbox_control: SandboxControl
) -> None:
    chats = [await sandbox_control.create_private_chat() for _ in range(2)]
    sent = [
        await sandbox_bot.send_message(c.chat_id, "<b>早报</b> 1", parse_mode="HTML") for c in chats
    ]
    await sandbox_bot.edit_message_text(
        "<i>更正</i> 1", chats[0].chat_id, sent[0].message_id, parse_mode="HTML"
    )
    [edited] = await sandbox_control.bot_messages(chats[0].chat_id)
    [untouched] = await sandbox_control.bot_messages(chats[1].chat_id)
    assert (edited.text, edited.entities) == (
        "更正 1",
        [{"offset": 0, "length": 2, "type": "italic"}],
    )
    assert (untouched.text, untouched.entities) == (
        "早报 1",
        [{"offset": 0, "length": 2, "type": "bold"}],
    )


async def test_explicit_entities_instead_of_a_parse_mode(
    sandbox_bot: Bot, sandbox_chat: ChatRef
) -> None:
    message = await sandbox_bot.send_message(
        sandbox_chat.chat_id, "😀 简报", entities=[MessageEntity("bold", offset=3, length=2)]
    )
    assert message.parse_entities() == {MessageEntity("bold", 3, 2): "简报"}


async def test_markdown_is_refused_with_a_clear_reason(
    sandbox_bot: Bot, sandbox_chat: ChatRef
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)implements parse_mode html only"):
        await sandbox_bot.send_message(sandbox_chat.chat_id, "*bold*", parse_mode="MarkdownV2")
