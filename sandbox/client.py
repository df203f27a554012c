"""``SandboxControl``: a client of the sandbox's control API, for tests, benchmarks (in
another process) and ``briefbot shell``."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import aiohttp

from sandbox.models import JSON

CONTROL_PREFIX = "/sandbox"


class SandboxControlError(Exception):
    """The control API refused a request; ``status`` and the sandbox's reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status}: {reason}")
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class ChatRef:
    """A chat the sandbox created: its id, type, and (private chats) its user."""

    chat_id: int
    type: str
    user_id: int | None = None
    title: str | None = None
    username: str | None = None  # a public group or channel's @name, without the @

    @classmethod
    def from_json(cls, data: JSON) -> ChatRef:
        return cls(
            data["chat_id"], data["type"], data.get("user_id"), data.get("title"),
            data.get("username"),
        )  # fmt: skip


@dataclass(frozen=True)
class ChatMessage:
    """A message as the chat shows it now, with what it showed before each edit."""

    message_id: int
    chat_id: int
    from_bot: bool
    sender_id: int
    date: int
    text: str
    entities: list[JSON]
    reply_markup: JSON | None
    edit_date: int | None
    history: list[JSON] = field(default_factory=list)
    deleted: bool = False
    reply_to_message_id: int | None = None
    message_thread_id: int | None = None

    @classmethod
    def from_json(cls, data: JSON) -> ChatMessage:
        return cls(
            data["message_id"],
            data["chat_id"],
            data["from_bot"],
            data["sender_id"],
            data["date"],
            data["text"],
            data["entities"],
            data["reply_markup"],
            data["edit_date"],
            data["history"],
            data["deleted"],
            data.get("reply_to_message_id"),
            data.get("message_thread_id"),
        )

    @property
    def buttons(self) -> list[list[JSON]]:
        """The inline keyboard's rows of buttons (empty without one)."""
        rows: list[list[JSON]] = (self.reply_markup or {}).get("inline_keyboard", [])
        return rows

    def button_data(self) -> list[str]:
        """Every button's callback_data, row by row."""
        return [b["callback_data"] for row in self.buttons for b in row if "callback_data" in b]


class SandboxControl:
    """Acts as users and reads chats through the control API at ``url`` (the sandbox's
    ``http://HOST:PORT``)."""

    def __init__(self, url: str, session: aiohttp.ClientSession | None = None) -> None:
        self.url = url.rstrip("/")
        self._session = session
        self._own_session = session is None

    async def __aenter__(self) -> SandboxControl:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def _request(
        self, verb: str, path: str, body: JSON | None = None, query: dict[str, str] | None = None
    ) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        url = f"{self.url}{CONTROL_PREFIX}{path}"
        async with self._session.request(verb, url, json=body, params=query) as response:
            data = await response.json()
            if response.status >= 400:
                raise SandboxControlError(response.status, data.get("error", str(data)))
            return data

    # -- users and chats -----------------------------------------------------------------

    async def create_user(
        self,
        first_name: str = "Reader",
        user_id: int | None = None,
        username: str | None = None,
        language_code: str | None = "zh",
    ) -> JSON:
        body = {
            "first_name": first_name,
            "user_id": user_id,
            "username": username,
            "language_code": language_code,
        }
        result: JSON = await self._request("POST", "/users", body)
        return result

    async def create_private_chat(
        self,
        user_id: int | None = None,
        first_name: str = "Reader",
        language_code: str | None = "zh",
        username: str | None = None,
    ) -> ChatRef:
        """The private chat of a (new) user with the bot; its id is the user's id."""
        body = {
            "user_id": user_id,
            "first_name": first_name,
            "language_code": language_code,
            "username": username,
        }
        return ChatRef.from_json(await self._request("POST", "/chats/private", body))

    async def create_private_chats(
        self, count: int, first_name: str = "Reader", language_code: str | None = "zh"
    ) -> list[ChatRef]:
        """``count`` new users' private chats in one request (for benchmarks)."""
        body = {"count": count, "first_name": first_name, "language_code": language_code}
        data = await self._request("POST", "/chats/private/bulk", body)
        return [ChatRef.from_json(item) for item in data]

    async def create_group(
        self,
        title: str,
        supergroup: bool = False,
        member_ids: list[int] | None = None,
        forum: bool = False,
        username: str | None = None,
        bot_status: str = "member",
    ) -> ChatRef:
        """A group (or supergroup; a ``forum`` is a supergroup with topics; a ``username``
        makes it a public supergroup) with the bot in it as ``bot_status``; the bot gets
        ``my_chat_member``."""
        body = {
            "title": title,
            "supergroup": supergroup,
            "member_ids": member_ids or [],
            "forum": forum,
            "username": username,
            "bot_status": bot_status,
        }
        return ChatRef.from_json(await self._request("POST", "/chats/group", body))

    async def create_channel(
        self,
        title: str,
        username: str | None = None,
        bot_status: str = "administrator",
        can_post_messages: bool = True,
        member_ids: list[int] | None = None,
    ) -> ChatRef:
        """A channel (public with ``username``) where the bot is ``bot_status``
        (``administrator``, ``member``, ``left``, ``kicked``), allowed to post or not."""
        body = {
            "title": title,
            "username": username,
            "bot_status": bot_status,
            "can_post_messages": can_post_messages,
            "member_ids": member_ids or [],
        }
        return ChatRef.from_json(await self._request("POST", "/chats/channel", body))

    async def set_bot_status(
        self, chat_id: int, status: str, can_post_messages: bool = True
    ) -> JSON:
        """An admin of the group or channel changes the bot's standing there; the bot gets
        ``my_chat_member``. Returns the chat."""
        body = {"status": status, "can_post_messages": can_post_messages}
        result: JSON = await self._request("POST", f"/chats/{chat_id}/bot", body)
        return result

    async def add_member(
        self, chat_id: int, user_id: int | None = None, first_name: str = "Reader"
    ) -> JSON:
        body = {"user_id": user_id, "first_name": first_name}
        result: JSON = await self._request("POST", f"/chats/{chat_id}/members", body)
        return result

    async def chat(self, chat_id: int) -> JSON:
        result: JSON = await self._request("GET", f"/chats/{chat_id}")
        return result

    # -- acting as a user ----------------------------------------------------------------

    async def send_text(
        self,
        chat_id: int,
        text: str,
        user_id: int | None = None,
        message_thread_id: int | None = None,
    ) -> ChatMessage:
        """A user writes ``text`` (in topic ``message_thread_id`` of a forum); commands
        (``/cmd``, ``/cmd@bot``) get ``bot_command``."""
        body = {"text": text, "user_id": user_id, "message_thread_id": message_thread_id}
        return ChatMessage.from_json(
            await self._request("POST", f"/chats/{chat_id}/messages", body)
        )

    async def press_button(
        self,
        chat_id: int,
        message_id: int,
        callback_data: str,
        user_id: int | None = None,
        forged: bool = False,
    ) -> str:
        """A user taps a button of a bot message; returns the callback_query_id. With
        ``forged``, ``callback_data`` need not be on any button (a tampered client)."""
        body = {
            "message_id": message_id,
            "callback_data": callback_data,
            "user_id": user_id,
            "forged": forged,
        }
        data = await self._request("POST", f"/chats/{chat_id}/press", body)
        query_id: str = data["callback_query_id"]
        return query_id

    async def inject_update(self, kind: str, payload: JSON) -> JSON | None:
        """Queue any update (``kind`` e.g. "edited_message") exactly as given; returns it
        with its update_id, or None when the bot did not ask for that kind."""
        data = await self._request("POST", "/updates", {"type": kind, "payload": payload})
        update: JSON | None = data["update"]
        return update

    async def block(self, chat_id: int) -> None:
        await self._request("POST", f"/chats/{chat_id}/block")

    async def unblock(self, chat_id: int) -> None:
        await self._request("POST", f"/chats/{chat_id}/unblock")

    async def upgrade_group(self, chat_id: int) -> int:
        """Upgrade a basic group to a supergroup; returns the supergroup's id."""
        data = await self._request("POST", f"/chats/{chat_id}/upgrade")
        new_chat_id: int = data["new_chat_id"]
        return new_chat_id

    # -- reading chats -------------------------------------------------------------------

    async def messages(self, chat_id: int) -> list[ChatMessage]:
        """Every message of the chat in order, deleted ones flagged."""
        data = await self._request("GET", f"/chats/{chat_id}/messages")
        return [ChatMessage.from_json(item) for item in data]

    async def bot_messages(self, chat_id: int) -> list[ChatMessage]:
        return [m for m in await self.messages(chat_id) if m.from_bot]

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - the server waits, not the client
    ) -> list[ChatMessage]:
        """The bot's messages in the chat once there are ``count`` (the server wakes the
        request when one arrives); raises TimeoutError when fewer came in ``timeout``."""
        query = {"count": str(count), "timeout": str(timeout)}
        data = await self._request("GET", f"/chats/{chat_id}/wait", query=query)
        found = [ChatMessage.from_json(item) for item in data]
        if len(found) < count:
            raise TimeoutError(
                f"chat {chat_id} has {len(found)} bot messages after {timeout}s, "
                f"expected {count}: {[m.text for m in found]}"
            )
        return found

    async def wait_for_edit(
        self,
        chat_id: int,
        message_id: int,
        edits: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - the server waits, not the client
    ) -> ChatMessage:
        """The message once the bot edited it ``edits`` times (or deleted it); raises
        TimeoutError when that did not happen in ``timeout``."""
        query = {"edits": str(edits), "timeout": str(timeout)}
        data = await self._request(
            "GET", f"/chats/{chat_id}/messages/{message_id}/wait", query=query
        )
        message = ChatMessage.from_json(data)
        if len(message.history) < edits and not message.deleted:
            raise TimeoutError(
                f"message {message_id} in chat {chat_id} edited {len(message.history)} times "
                f"after {timeout}s, expected {edits}"
            )
        return message

    async def callback_answers(self, chat_id: int | None = None) -> list[JSON]:
        """Button presses and the bot's answers (``answer`` is None while unanswered)."""
        query = None if chat_id is None else {"chat_id": str(chat_id)}
        result: list[JSON] = await self._request("GET", "/callbacks", query=query)
        return result

    async def wait_for_callback_answer(
        self,
        callback_query_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - the server waits, not the client
    ) -> JSON:
        """The bot's answerCallbackQuery for a press; raises TimeoutError when none came."""
        data: JSON = await self._request(
            "GET", f"/callbacks/{callback_query_id}", query={"timeout": str(timeout)}
        )
        if data["answer"] is None:
            raise TimeoutError(f"button press {callback_query_id} unanswered after {timeout}s")
        answer: JSON = data["answer"]
        return answer

    async def inline_query(self, user_id: int, query: str) -> str:
        """A user types ``@bot query`` in some chat; returns the inline_query_id."""
        data = await self._request("POST", "/inline", {"user_id": user_id, "query": query})
        return str(data["inline_query_id"])

    async def wait_for_inline_answer(
        self,
        inline_query_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - the server waits, not the client
    ) -> JSON:
        """The bot's answerInlineQuery (its ``results``, each with the text a reader would
        send); raises TimeoutError when none came."""
        data: JSON = await self._request(
            "GET", f"/inline/{inline_query_id}", query={"timeout": str(timeout)}
        )
        if data["answer"] is None:
            raise TimeoutError(f"inline query {inline_query_id} unanswered after {timeout}s")
        answer: JSON = data["answer"]
        return answer

    async def webhook(
        self,
        timeout: float = 0.0,  # noqa: ASYNC109 - the server waits, not the client
    ) -> JSON:
        """The webhook's info and ``delivered`` count, once every update reached the bot
        (``pending_update_count`` 0) or ``timeout`` passed."""
        result: JSON = await self._request("GET", "/webhook", query={"timeout": str(timeout)})
        return result

    async def commands(self) -> list[JSON]:
        """The bot's command lists by scope and language."""
        result: list[JSON] = await self._request("GET", "/commands")
        return result

    # -- faults and counters -------------------------------------------------------------

    async def set_faults(self, **changes: Any) -> JSON:
        """Change some fault settings; the others stay. See docs/sandbox.md."""
        body = {k: sorted(v) if isinstance(v, set | frozenset) else v for k, v in changes.items()}
        result: JSON = await self._request("PATCH", "/faults", body)
        return result

    async def real_limits(self, flood_window: int | None = None) -> JSON:
        """Switch on Telegram's flood limits (30/s, 1/s per chat with a burst, 20/min per
        group); with ``flood_window``, at most that many messages in any one second instead
        of the 30/s bucket."""
        body = None if flood_window is None else {"flood_window": flood_window}
        result: JSON = await self._request("POST", "/faults/real_limits", body)
        return result

    async def reset_faults(self) -> JSON:
        result: JSON = await self._request("DELETE", "/faults")
        return result

    async def counters(self) -> JSON:
        result: JSON = await self._request("GET", "/counters")
        return result

    async def reset_counters(self) -> JSON:
        result: JSON = await self._request("DELETE", "/counters")
        return result
