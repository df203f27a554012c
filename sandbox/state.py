"""Everything the sandbox remembers, and what users do: chats, messages, presses, blocks."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
from dataclasses import dataclass, field

from sandbox.models import (
    BOT_STATUSES,
    JSON,
    CallbackQuery,
    Chat,
    InlineQuery,
    Message,
    MessageVersion,
    User,
    now,
)
from sandbox.updates import UpdateQueue

DEFAULT_BOT_ID = 7000000001
DEFAULT_BOT_USERNAME = "briefbot_sandbox_bot"
DEFAULT_BOT_FIRST_NAME = "Briefbot Sandbox"
FIRST_USER_ID = 100000001
# Telegram's limit on what a user types after @bot.
MAX_INLINE_QUERY = 256
# Basic groups have small negative ids, supergroups -100 followed by ten digits.
FIRST_GROUP_ID = -500000001
FIRST_SUPERGROUP_ID = -1002000000001
# A bot command as Telegram marks it (tdlib's match_bot_commands): not glued to a word,
# '/', '<' or '>' on either side, an optional @botname of 3-32 characters.
_COMMAND = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>@])")
# A public chat's username as Telegram allows it: 5-32 of a-z 0-9 _, starting with a letter.
_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{4,31}$")
# Every right a ChatMemberAdministrator carries (python-telegram-bot requires them all).
_ADMIN_RIGHTS = (
    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
    "can_manage_video_chats", "can_restrict_members", "can_promote_members",
    "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
    "can_delete_stories",
)  # fmt: skip


class StateError(Exception):
    """A user action the sandbox refuses (unknown chat, no such button...)."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def command_entities(text: str) -> list[JSON]:
    """The ``bot_command`` entities Telegram marks in a user's text (UTF-16 offsets)."""
    entities: list[JSON] = []
    for match in _COMMAND.finditer(text):
        before = text[: match.start()]
        offset = len(before.encode("utf-16-le")) // 2
        length = len(match.group().encode("utf-16-le")) // 2
        entities.append({"offset": offset, "length": length, "type": "bot_command"})
    return entities


@dataclass
class SandboxState:
    """The sandbox's whole world, kept in memory; every lookup is by id."""

    bot: User = field(
        default_factory=lambda: User(
            DEFAULT_BOT_ID, DEFAULT_BOT_FIRST_NAME, DEFAULT_BOT_USERNAME, is_bot=True
        )
    )
    users: dict[int, User] = field(default_factory=dict)
    chats: dict[int, Chat] = field(default_factory=dict)
    callbacks: dict[str, CallbackQuery] = field(default_factory=dict)
    inline_queries: dict[str, InlineQuery] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[JSON]] = field(default_factory=dict)
    updates: UpdateQueue = field(default_factory=UpdateQueue)
    _user_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(FIRST_USER_ID))
    _group_ids: itertools.count[int] = field(
        default_factory=lambda: itertools.count(-FIRST_GROUP_ID)
    )
    _supergroup_ids: itertools.count[int] = field(
        default_factory=lambda: itertools.count(-FIRST_SUPERGROUP_ID)
    )
    _callback_ids: itertools.count[int] = field(
        default_factory=lambda: itertools.count(4000000000000000001)
    )

    # -- users and chats ---------------------------------------------------------------

    def create_user(
        self,
        first_name: str = "Reader",
        user_id: int | None = None,
        username: str | None = None,
        language_code: str | None = "zh",
    ) -> User:
        """A new account, or the existing one with ``user_id``."""
        if user_id is not None and user_id in self.users:
            return self.users[user_id]
        if user_id is None:
            user_id = next(self._user_ids)
            while user_id in self.users:
                user_id = next(self._user_ids)
        if user_id <= 0:
            raise StateError(400, "user ids are positive")
        user = User(user_id, first_name, username, language_code)
        self.users[user_id] = user
        return user

    def create_private_chat(
        self,
        user_id: int | None = None,
        first_name: str = "Reader",
        username: str | None = None,
        language_code: str | None = "zh",
    ) -> Chat:
        """The private chat between a user and the bot (its id is the user's id)."""
        user = self.create_user(first_name, user_id, username, language_code)
        chat = self.chats.get(user.id)
        if chat is None:
            chat = self.chats[user.id] = Chat(user.id, "private", user=user)
        return chat

    def create_group(
        self,
        title: str,
        supergroup: bool = False,
        member_ids: list[int] | None = None,
        forum: bool = False,
        username: str | None = None,
        bot_status: str = "member",
    ) -> Chat:
        """A group the bot is a member of (or has ``bot_status`` in); members are users
        (created if unknown). A ``forum`` is a supergroup with topics; a ``username``
        makes it public (``@username``), which only a supergroup can be."""
        supergroup = supergroup or forum or username is not None
        chat_id = -next(self._supergroup_ids) if supergroup else -next(self._group_ids)
        chat = Chat(chat_id, "supergroup" if supergroup else "group", title=title, forum=forum)
        return self._add_chat(chat, member_ids, username, bot_status, can_post=True)

    def create_channel(
        self,
        title: str,
        username: str | None = None,
        bot_status: str = "administrator",
        can_post_messages: bool = True,
        member_ids: list[int] | None = None,
    ) -> Chat:
        """A channel (public with a ``username``); the bot is in it as ``bot_status``
        (``left``: not at all), and as an administrator may post unless told otherwise.
        ``member_ids`` are its administrators among users (who can post, and add the bot)."""
        chat = Chat(-next(self._supergroup_ids), "channel", title=title)
        return self._add_chat(chat, member_ids, username, bot_status, can_post_messages)

    def _add_chat(
        self,
        chat: Chat,
        member_ids: list[int] | None,
        username: str | None,
        bot_status: str,
        can_post: bool,
    ) -> Chat:
        if username is not None:
            username = username.removeprefix("@")
            if not _USERNAME.match(username):
                raise StateError(400, f"{username!r} is not a username (5-32 of a-z 0-9 _)")
            if self.by_username(username) is not None:
                raise StateError(400, f"@{username} is taken")
        if bot_status not in BOT_STATUSES:
            raise StateError(400, f"bot_status must be one of {', '.join(BOT_STATUSES)}")
        chat.username, chat.bot_can_post = username, can_post
        chat.bot_status, chat.blocked = _standing(bot_status)
        for user_id in member_ids or []:
            chat.member_ids.append(self.create_user(user_id=user_id).id)
        self.chats[chat.id] = chat
        if bot_status != "left":
            self.updates.push("my_chat_member", self._member_change(chat, None, "left", bot_status))
        return chat

    def by_username(self, username: str) -> Chat | None:
        """The group or channel called ``@username`` (case-insensitive, as Telegram)."""
        wanted = username.removeprefix("@").lower()
        for chat in self.chats.values():
            name = chat.username or (chat.user.username if chat.user else None)
            if name is not None and name.lower() == wanted:
                return chat
        return None

    def bot_member(self, chat: Chat) -> JSON:
        """The bot's ``ChatMember`` in ``chat`` (what getChatMember answers for it)."""
        return self._member_api(chat, "kicked" if chat.blocked else chat.bot_status)

    def _member_api(self, chat: Chat, status: str) -> JSON:
        data: JSON = {"user": self.bot.to_api(), "status": status}
        if status == "kicked":
            data["until_date"] = 0
        if status == "administrator":
            data.update(dict.fromkeys(_ADMIN_RIGHTS, False))
            data.update(can_manage_chat=True, can_delete_messages=True, can_invite_users=True)
            if chat.type == "channel":
                data.update(can_post_messages=chat.bot_can_post, can_edit_messages=True)
        return data

    def set_bot_status(self, chat_id: int, status: str, can_post_messages: bool = True) -> Chat:
        """An admin of a group or channel adds, promotes, restricts or removes the bot
        (``kicked``: removed and banned); the bot hears of it in ``my_chat_member``."""
        chat = self.chat(chat_id)
        if chat.type == "private":
            raise StateError(400, "a private chat has no members to change; use block")
        if status not in BOT_STATUSES:
            raise StateError(400, f"status must be one of {', '.join(BOT_STATUSES)}")
        old = self.bot_member(chat)
        chat.bot_can_post = can_post_messages
        chat.bot_status, chat.blocked = _standing(status)
        new = self.bot_member(chat)
        if new != old:
            change = self._member_change(chat, self.sender(chat, None), "", "")
            change.update(old_chat_member=old, new_chat_member=new)
            self.updates.push("my_chat_member", change)
        chat.notify()
        return chat

    def add_member(
        self, chat_id: int, user_id: int | None = None, first_name: str = "Reader"
    ) -> User:
        chat = self.chat(chat_id)
        if chat.type == "private":
            raise StateError(400, "a private chat has no other members")
        user = self.create_user(first_name, user_id)
        if user.id not in chat.member_ids:
            chat.member_ids.append(user.id)
        return user

    @staticmethod
    def topic(chat: Chat, thread_id: int | None) -> JSON | None:
        """The fields of a message in topic ``thread_id`` of a forum; None for no topic
        (and for a chat that has none)."""
        if thread_id is None or not chat.forum:
            return None
        return {"message_thread_id": thread_id, "is_topic_message": True}

    def chat(self, chat_id: int) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None:
            raise StateError(404, f"no chat {chat_id} in the sandbox")
        return chat

    def sender(self, chat: Chat, user_id: int | None) -> User:
        """Who speaks in ``chat``: the given member, or its user / first member."""
        if chat.type == "private":
            assert chat.user is not None
            if user_id not in (None, chat.user.id):
                raise StateError(400, f"user {user_id} is not in private chat {chat.id}")
            return chat.user
        if user_id is None:
            user_id = self.add_member(chat.id).id if not chat.member_ids else chat.member_ids[0]
        if user_id not in chat.member_ids:
            raise StateError(400, f"user {user_id} is not a member of chat {chat.id}")
        return self.users[user_id]

    # -- messages ----------------------------------------------------------------------

    def add_message(
        self,
        chat: Chat,
        sender: User,
        text: str,
        entities: list[JSON],
        reply_markup: JSON | None = None,
        extra: JSON | None = None,
        reply_to: Message | None = None,
    ) -> Message:
        message = Message(chat.next_message_id, chat, sender, now(), text, entities, reply_markup)
        message.reply_to = reply_to
        if extra:
            message.extra.update(extra)
        chat.next_message_id += 1
        chat.messages[message.message_id] = message
        chat.notify()
        return message

    @staticmethod
    def edit_message(
        message: Message, text: str, entities: list[JSON], reply_markup: JSON | None
    ) -> None:
        """Replace what a message shows, keeping what it showed before in its history."""
        message.history.append(
            MessageVersion(
                message.text,
                message.entities,
                message.reply_markup,
                message.edit_date or message.date,
            )
        )
        message.text, message.entities, message.reply_markup = text, entities, reply_markup
        message.edit_date = now()
        message.chat.notify()

    def user_sends(
        self, chat_id: int, text: str, user_id: int | None = None, thread_id: int | None = None
    ) -> Message:
        """A user writes ``text`` (commands get their ``bot_command`` entity), in the topic
        ``thread_id`` of a forum if given."""
        chat = self.chat(chat_id)
        if chat.migrated_to is not None:
            raise StateError(400, f"chat {chat_id} was upgraded to {chat.migrated_to}")
        if not text.strip():
            raise StateError(400, "a message needs some text")
        sender = self.sender(chat, user_id)
        topic = self.topic(chat, thread_id)
        if topic is None and thread_id is not None:
            raise StateError(400, f"chat {chat_id} is not a forum: it has no topics")
        message = self.add_message(chat, sender, text, command_entities(text), extra=topic)
        self.updates.push("message", message.to_api())
        return message

    def press_button(
        self,
        chat_id: int,
        message_id: int,
        callback_data: str,
        user_id: int | None = None,
        forged: bool = False,
    ) -> CallbackQuery:
        """A user taps the inline button carrying ``callback_data`` under a bot message
        (``forged``: data no button carries, as a modified client can send)."""
        chat = self.chat(chat_id)
        sender = self.sender(chat, user_id)
        message = chat.messages.get(message_id)
        if message is None or message.deleted:
            raise StateError(404, f"no message {message_id} in chat {chat_id}")
        buttons = (message.reply_markup or {}).get("inline_keyboard", [])
        carried = any(b.get("callback_data") == callback_data for row in buttons for b in row)
        if not carried and not forged:
            raise StateError(400, f"message {message_id} has no button {callback_data!r}")
        query = CallbackQuery(
            str(next(self._callback_ids)), chat_id, message_id, sender.id, callback_data, now()
        )
        self.callbacks[query.id] = query
        self.updates.push(
            "callback_query",
            {
                "id": query.id,
                "from": sender.to_api(),
                "message": message.to_api(),
                "chat_instance": str(abs(chat_id)),
                "data": callback_data,
            },
        )
        return query

    def inline_query(self, user_id: int, query: str) -> InlineQuery:
        """A user types ``@bot query`` in some chat (Telegram sends no chat, only who)."""
        user = self.users.get(user_id)
        if user is None:
            raise StateError(404, f"no user {user_id}")
        if len(query) > MAX_INLINE_QUERY:
            raise StateError(400, f"an inline query holds at most {MAX_INLINE_QUERY} characters")
        asked = InlineQuery(str(next(self._callback_ids)), user_id, query, now())
        self.inline_queries[asked.id] = asked
        self.updates.push(
            "inline_query",
            {"id": asked.id, "from": user.to_api(), "query": query, "offset": ""},
        )
        return asked

    async def wait_for_inline_answer(self, inline_query_id: str, seconds: float) -> InlineQuery:
        asked = self.inline_queries.get(inline_query_id)
        if asked is None:
            raise StateError(404, f"no inline query {inline_query_id}")
        await _answered(asked.answered, seconds)
        return asked

    # -- membership changes ------------------------------------------------------------

    def _member_change(self, chat: Chat, user: User | None, old: str, new: str) -> JSON:
        """A ``my_chat_member`` update body: the bot's status in ``chat`` went old -> new."""
        actor = user or (chat.user if chat.user else self.bot)
        return {
            "chat": chat.to_api(),
            "from": actor.to_api(),
            "date": now(),
            "old_chat_member": self._member_api(chat, old),
            "new_chat_member": self._member_api(chat, new),
        }

    def set_blocked(self, chat_id: int, blocked: bool) -> None:
        """A user blocks (or unblocks) the bot, or a group removes (or re-adds) it; the bot
        hears of it in ``my_chat_member``."""
        chat = self.chat(chat_id)
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        back = chat.bot_status
        if chat.type == "private" or back == "left":
            back = "administrator" if chat.type == "channel" else "member"
        chat.bot_status = back
        old, new = (back, "kicked") if blocked else ("kicked", back)
        actor = chat.user if chat.type == "private" else self.sender(chat, None)
        self.updates.push("my_chat_member", self._member_change(chat, actor, old, new))
        chat.notify()

    def upgrade_group(self, chat_id: int) -> Chat:
        """Upgrade a basic group to a supergroup; the old id then answers migrate_to_chat_id."""
        old = self.chat(chat_id)
        if old.type != "group" or old.migrated_to is not None:
            raise StateError(400, f"chat {chat_id} is not a basic group")
        new = Chat(
            -next(self._supergroup_ids),
            "supergroup",
            title=old.title,
            member_ids=list(old.member_ids),
        )
        self.chats[new.id] = new
        old.migrated_to = new.id
        actor = self.sender(old, None)
        self.add_message(old, actor, "", [], extra={"migrate_to_chat_id": new.id})
        self.updates.push("message", old.messages[old.next_message_id - 1].to_api())
        self.add_message(new, actor, "", [], extra={"migrate_from_chat_id": old.id})
        self.updates.push("message", new.messages[new.next_message_id - 1].to_api())
        old.notify()
        return new

    # -- waiting -----------------------------------------------------------------------

    async def wait_for_messages(
        self, chat_id: int, count: int, seconds: float, from_bot: bool = True
    ) -> list[Message]:
        """The chat's messages (bot's only, by default) once there are ``count`` of them."""
        chat = self.chat(chat_id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            found = [m for m in chat.messages.values() if m.sender.is_bot == from_bot]
            remaining = deadline - loop.time()
            if len(found) >= count or remaining <= 0:
                return found
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(chat.wait_for_change(), remaining)

    async def wait_for_edits(
        self, chat_id: int, message_id: int, edits: int, seconds: float
    ) -> Message:
        """The message once it was edited ``edits`` times (or deleted), or as it is when
        ``seconds`` have passed."""
        chat = self.chat(chat_id)
        message = chat.messages.get(message_id)
        if message is None:
            raise StateError(404, f"no message {message_id} in chat {chat_id}")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while len(message.history) < edits and not message.deleted:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(chat.wait_for_change(), remaining)
        return message

    async def wait_for_answer(self, callback_query_id: str, seconds: float) -> CallbackQuery:
        query = self.callbacks.get(callback_query_id)
        if query is None:
            raise StateError(404, f"no button press {callback_query_id}")
        await _answered(query.answered, seconds)
        return query


def _standing(status: str) -> tuple[str, bool]:
    """(bot_status, blocked) for a status: ``kicked`` is kept as left-and-blocked, so
    lifting the ban (``unblock``) lets the bot back in."""
    return ("left", True) if status == "kicked" else (status, False)


async def _answered(answered: asyncio.Event, seconds: float) -> None:
    """Wait until ``answered`` is set, at most ``seconds``."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(answered.wait(), seconds)
