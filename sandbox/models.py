"""The sandbox's world: users, chats, messages and button presses, serialised as the Bot API
serialises them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


def now() -> int:
    """Unix time in whole seconds, the unit of every Bot API ``date``."""
    return int(time.time())


@dataclass(slots=True)
class User:
    """A Telegram account: a reader, or the bot itself (``is_bot``)."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_api(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        if self.language_code and not self.is_bot:
            data["language_code"] = self.language_code
        return data


@dataclass(slots=True)
class MessageVersion:
    """What a message showed before an edit replaced it."""

    text: str
    entities: list[JSON]
    reply_markup: JSON | None
    date: int

    def to_json(self) -> JSON:
        return {
            "text": self.text,
            "entities": self.entities,
            "reply_markup": self.reply_markup,
            "date": self.date,
        }


@dataclass(slots=True)
class Message:
    """One message in a chat, with its current content and its edit history."""

    message_id: int
    chat: Chat
    sender: User
    date: int
    text: str
    entities: list[JSON]
    reply_markup: JSON | None = None
    edit_date: int | None = None
    history: list[MessageVersion] = field(default_factory=list)
    deleted: bool = False
    reply_to: Message | None = None
    extra: JSON = field(default_factory=dict)

    def to_api(self, with_reply: bool = True) -> JSON:
        """The Bot API ``Message`` object (a replied-to message is shown one level deep). A
        channel post has no ``from``: it is signed by the channel (``sender_chat``)."""
        data: JSON = {"message_id": self.message_id}
        if self.chat.type == "channel":
            data["sender_chat"] = self.chat.to_api()
        else:
            data["from"] = self.sender.to_api()
        data.update(chat=self.chat.to_api(), date=self.date)
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if self.text:
            data["text"] = self.text
        if self.entities:
            data["entities"] = self.entities
        if self.reply_markup is not None:
            data["reply_markup"] = self.reply_markup
        if with_reply and self.reply_to is not None:
            data["reply_to_message"] = self.reply_to.to_api(with_reply=False)
        data.update(self.extra)
        return data

    def to_json(self) -> JSON:
        """What the control API shows a test: the message as a reader sees it, and its past."""
        return {
            "message_id": self.message_id,
            "chat_id": self.chat.id,
            "from_bot": self.sender.is_bot,
            "sender_id": self.sender.id,
            "date": self.date,
            "text": self.text,
            "entities": self.entities,
            "reply_markup": self.reply_markup,
            "edit_date": self.edit_date,
            "history": [version.to_json() for version in self.history],
            "deleted": self.deleted,
            "reply_to_message_id": self.reply_to.message_id if self.reply_to else None,
            "message_thread_id": self.extra.get("message_thread_id"),
        }


# The bot's own standing in a group or channel (what getChatMember answers for it).
BOT_STATUSES = ("administrator", "member", "left", "kicked")


@dataclass(slots=True)
class Chat:
    """A private chat, group, supergroup or channel, holding its messages by id."""

    id: int
    type: str
    title: str | None = None
    # A public group or channel's @name (without the @); None for private ones.
    username: str | None = None
    user: User | None = None  # the other side of a private chat
    member_ids: list[int] = field(default_factory=list)
    blocked: bool = False
    migrated_to: int | None = None
    # A supergroup with topics: messages may carry a message_thread_id.
    forum: bool = False
    # The bot in a group or channel: its status, and (as an administrator of a channel)
    # whether it may post. ``blocked`` is the same thing as status ``kicked``.
    bot_status: str = "member"
    bot_can_post: bool = True
    messages: dict[int, Message] = field(default_factory=dict)
    actions: list[JSON] = field(default_factory=list)
    next_message_id: int = 1
    # Made when someone waits for this chat to change (most chats are never watched).
    _changed: asyncio.Event | None = None

    def to_api(self) -> JSON:
        """The Bot API ``Chat`` object."""
        if self.type == "private" and self.user is not None:
            data: JSON = {"id": self.id, "type": "private", "first_name": self.user.first_name}
            if self.user.username:
                data["username"] = self.user.username
            return data
        data = {"id": self.id, "type": self.type, "title": self.title or ""}
        if self.username:
            data["username"] = self.username
        if self.forum:
            data["is_forum"] = True
        return data

    def to_full_api(self) -> JSON:
        """The Bot API ``ChatFullInfo`` object ``getChat`` answers."""
        return {
            **self.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def notify(self) -> None:
        """Wake everyone waiting for this chat to change."""
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    def wait_for_change(self) -> Coroutine[object, object, bool]:
        """What returns at the next change of a message or of the chat.

        Not a coroutine function: the event is made when this is called, not when the
        awaiting task first runs. ``asyncio.wait_for`` (Python 3.11) runs its awaitable in
        a new task, so a change between the caller's check and that task's start would
        otherwise find no event to set, and the waiter would sleep to its timeout."""
        if self._changed is None:
            self._changed = asyncio.Event()
        return self._changed.wait()

    def to_json(self) -> JSON:
        """The chat as the control API lists it."""
        return {
            "chat_id": self.id,
            "type": self.type,
            "title": self.title,
            "username": self.username,
            "user_id": self.user.id if self.user else None,
            "member_ids": list(self.member_ids),
            "blocked": self.blocked,
            "migrated_to": self.migrated_to,
            "forum": self.forum,
            "bot_status": "kicked" if self.blocked else self.bot_status,
            "bot_can_post": self.bot_can_post,
            "actions": list(self.actions),
        }


@dataclass(slots=True)
class InlineQuery:
    """A user typing ``@bot words`` in any chat, and the bot's answer (``None`` until
    answered): the results it offers."""

    id: str
    user_id: int
    query: str
    date: int
    answer: JSON | None = None
    answered: asyncio.Event = field(default_factory=asyncio.Event)

    def to_json(self) -> JSON:
        return {
            "inline_query_id": self.id,
            "user_id": self.user_id,
            "query": self.query,
            "answered": self.answer is not None,
            "answer": self.answer,
        }


@dataclass(slots=True)
class CallbackQuery:
    """A button press and the bot's answer to it (``None`` until answered)."""

    id: str
    chat_id: int
    message_id: int
    user_id: int
    data: str
    date: int
    answer: JSON | None = None
    answered: asyncio.Event = field(default_factory=asyncio.Event)

    def to_json(self) -> JSON:
        return {
            "callback_query_id": self.id,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "user_id": self.user_id,
            "data": self.data,
            "answered": self.answer is not None,
            "answer": self.answer,
        }
