"""The Bot API methods the sandbox answers, with Telegram's checks and error texts."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from sandbox.counters import Counters
from sandbox.faults import RATE_LIMITED_METHODS, Faults
from sandbox.message_content import formatted_text, inline_keyboard
from sandbox.models import JSON, Chat, Message, now
from sandbox.params import ApiError, Params, bad_request, integer
from sandbox.state import SandboxState
from sandbox.updates import PollConflict
from sandbox.webhook_delivery import Webhook

logger = logging.getLogger(__name__)

MAX_CALLBACK_ANSWER = 200
MAX_INLINE_RESULTS = 50
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
GET_UPDATES_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
Method = Callable[["BotApi", Params], Awaitable[Any]]
METHODS: dict[str, Method] = {}


def method(name: str) -> Callable[[Method], Method]:
    """Register a Bot API method under its Telegram name."""

    def register(func: Method) -> Method:
        METHODS[name] = func
        return func

    return register


class BotApi:
    """Answers Bot API calls against the sandbox's state, counting what it serves."""

    def __init__(
        self,
        state: SandboxState,
        faults: Faults,
        counters: Counters,
        session: Callable[[], aiohttp.ClientSession],
    ) -> None:
        self.state = state
        self.faults = faults
        self.counters = counters
        self.session = session

    async def call(self, name: str, params: Params) -> Any:
        """The ``result`` of method ``name``; raises ``ApiError`` for an error answer."""
        func = METHODS.get(name.lower()) or METHODS.get(name)
        if func is None:
            raise ApiError(404, "Not Found")
        return await func(self, params)

    # -- shared checks -----------------------------------------------------------------

    def target_chat(self, params: Params, *, sending: bool) -> Chat:
        """The chat a call addresses, refused as Telegram refuses it."""
        raw = params.raw("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        if isinstance(raw, str) and raw.startswith("@"):
            # A public group or channel by its username, as Telegram takes it.
            chat = self.state.by_username(raw)
            if chat is None or chat.type == "private":
                raise bad_request("chat not found")
            chat_id: int | None = chat.id
        else:
            chat_id = integer(raw)
        if chat_id is None:
            raise bad_request("chat not found")
        chat = self.state.chats.get(chat_id)
        if chat is None or chat_id in self.faults.config.missing_chats:
            raise bad_request("chat not found")
        if chat.migrated_to is not None:
            raise bad_request(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if sending and chat_id in self.faults.config.deactivated_chats:
            raise ApiError(403, "Forbidden: user is deactivated")
        if sending and chat.blocked:
            if chat.type == "private":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            raise ApiError(403, f"Forbidden: bot was kicked from the {chat.type} chat")
        if sending and chat.type != "private":
            self._may_post(chat)
        return chat

    @staticmethod
    def _may_post(chat: Chat) -> None:
        """Refuse a send to a group or channel the bot is not in, or a channel where it is
        no administrator allowed to post, with Telegram's answers."""
        if chat.bot_status == "left":
            if chat.type == "group":
                raise bad_request("chat not found")  # a basic group hides itself
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        if chat.type == "channel" and not (
            chat.bot_status == "administrator" and chat.bot_can_post
        ):
            raise bad_request("need administrator rights in the channel chat")

    def flood_check(self, name: str, chat: Chat) -> None:
        if name not in RATE_LIMITED_METHODS:
            return
        wait = self.faults.flood_wait(chat.id, chat.type != "private")
        if wait is not None:
            raise ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})

    @staticmethod
    def replied_message(params: Params, chat: Chat) -> Message | None:
        """The message a send replies to (``reply_parameters`` or the older
        ``reply_to_message_id``), refused as Telegram refuses a missing one."""
        reply = params.get_obj("reply_parameters")
        if reply is not None and not isinstance(reply, dict):
            raise bad_request("can't parse reply parameters JSON object")
        if reply is not None:
            raw_id, allow_missing = (
                reply.get("message_id"),
                bool(reply.get("allow_sending_without_reply")),
            )
        else:
            raw_id = params.raw("reply_to_message_id")
            allow_missing = params.get_bool("allow_sending_without_reply")
        if raw_id is None or raw_id == "":
            return None
        message_id = integer(raw_id)
        if message_id is None:
            raise bad_request("invalid reply message identifier specified")
        replied = chat.messages.get(message_id)
        if replied is None or replied.deleted:
            if allow_missing:
                return None
            raise bad_request("message to be replied not found")
        return replied

    def own_message(self, params: Params, missing: str) -> Message:
        """A message of the bot's in the addressed chat, for editing. A chat that blocked
        the bot refuses edits with 403 as it refuses sends."""
        if params.has("inline_message_id"):
            raise bad_request(missing)
        chat = self.target_chat(params, sending=True)
        message_id = params.get_int("message_id", empty="message identifier is not specified")
        assert message_id is not None
        message = chat.messages.get(message_id)
        if message is None or message.deleted:
            raise bad_request(missing)
        if not message.sender.is_bot:
            raise bad_request("message can't be edited")
        return message


def _scope_key(params: Params) -> tuple[str, str]:
    scope = params.get_obj("scope") or {"type": "default"}
    if not isinstance(scope, dict) or "type" not in scope:
        raise bad_request("can't parse BotCommandScope JSON object")
    return json.dumps(scope, sort_keys=True), params.get_str("language_code") or ""


# -- methods ---------------------------------------------------------------------------


@method("getme")
async def get_me(api: BotApi, params: Params) -> JSON:
    return {
        **api.state.bot.to_api(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method("sendmessage")
async def send_message(api: BotApi, params: Params) -> JSON:
    chat = api.target_chat(params, sending=True)
    text, entities = formatted_text(params)
    markup = inline_keyboard(params)
    replied = api.replied_message(params, chat)
    thread_id = params.get_int("message_thread_id")
    topic = api.state.topic(chat, thread_id)
    if thread_id is not None and topic is None:
        raise bad_request("message thread not found")
    api.flood_check("sendMessage", chat)
    message = api.state.add_message(
        chat, api.state.bot, text, entities, markup, extra=topic, reply_to=replied
    )
    api.counters.message_sent(chat.id)
    return message.to_api()


@method("editmessagetext")
async def edit_message_text(api: BotApi, params: Params) -> JSON:
    message = api.own_message(params, "message to edit not found")
    text, entities = formatted_text(params)
    markup = inline_keyboard(params)
    if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
        raise bad_request(NOT_MODIFIED)
    api.flood_check("editMessageText", message.chat)
    api.state.edit_message(message, text, entities, markup)
    return message.to_api()


@method("editmessagereplymarkup")
async def edit_message_reply_markup(api: BotApi, params: Params) -> JSON:
    message = api.own_message(params, "message to edit not found")
    markup = inline_keyboard(params)
    if markup == message.reply_markup:
        raise bad_request(NOT_MODIFIED)
    api.flood_check("editMessageReplyMarkup", message.chat)
    api.state.edit_message(message, message.text, message.entities, markup)
    return message.to_api()


@method("deletemessage")
async def delete_message(api: BotApi, params: Params) -> bool:
    chat = api.target_chat(params, sending=False)
    message_id = params.get_int("message_id", empty="message identifier is not specified")
    message = chat.messages.get(message_id or 0)
    if message is None or message.deleted:
        raise bad_request("message to delete not found")
    if not message.sender.is_bot and chat.type == "private":
        raise bad_request("message can't be deleted")
    message.deleted = True
    chat.notify()
    return True


@method("answercallbackquery")
async def answer_callback_query(api: BotApi, params: Params) -> bool:
    query = api.state.callbacks.get(params.get_str("callback_query_id") or "")
    if query is None or query.answer is not None:
        raise bad_request(QUERY_INVALID)
    text = params.get_str("text")
    if text is not None and len(text) > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answer = {
        "text": text,
        "show_alert": params.get_bool("show_alert"),
        "url": params.get_str("url"),
        "cache_time": params.get_int("cache_time") or 0,
    }
    query.answered.set()
    return True


@method("answerinlinequery")
async def answer_inline_query(api: BotApi, params: Params) -> bool:
    """The results offered for an inline query; the sandbox takes ``article`` results
    (what a bot sharing text offers) and keeps each one's text as a reader would see it."""
    asked = api.state.inline_queries.get(params.get_str("inline_query_id") or "")
    if asked is None or asked.answer is not None:
        raise bad_request(QUERY_INVALID)
    results = params.get_obj("results")
    if not isinstance(results, list):
        raise bad_request("can't parse results JSON object")
    if len(results) > MAX_INLINE_RESULTS:
        raise bad_request("RESULTS_TOO_MUCH")
    offered: list[JSON] = []
    seen: set[str] = set()
    for result in results:
        offered.append(_inline_result(result, seen))
    asked.answer = {
        "results": offered,
        "cache_time": params.get_int("cache_time") or 300,
        "is_personal": params.get_bool("is_personal"),
    }
    asked.answered.set()
    return True


def _inline_result(result: object, seen: set[str]) -> JSON:
    if not isinstance(result, dict) or result.get("type") != "article":
        raise bad_request("RESULT_TYPE_INVALID")
    result_id = result.get("id")
    if not isinstance(result_id, str) or not 1 <= len(result_id.encode("utf-8")) <= 64:
        raise bad_request("RESULT_ID_INVALID")
    if result_id in seen:
        raise bad_request("RESULT_ID_DUPLICATE")
    seen.add(result_id)
    title = result.get("title")
    if not isinstance(title, str) or not title.strip():
        raise bad_request("RESULT_TITLE_EMPTY")
    content = result.get("input_message_content")
    if not isinstance(content, dict) or not isinstance(content.get("message_text"), str):
        raise bad_request("MESSAGE_EMPTY")
    text, entities = formatted_text(
        Params({"text": content["message_text"], "parse_mode": content.get("parse_mode") or ""})
    )
    if not text.strip():
        raise bad_request("MESSAGE_EMPTY")
    return {
        "id": result_id,
        "title": title,
        "description": result.get("description"),
        "text": text,
        "entities": entities,
        "reply_markup": result.get("reply_markup"),
    }


@method("sendchataction")
async def send_chat_action(api: BotApi, params: Params) -> bool:
    chat = api.target_chat(params, sending=True)
    action = params.get_str("action")
    if not action:
        raise bad_request("action is empty")
    chat.actions.append({"action": action, "date": now()})
    return True


@method("getchat")
async def get_chat(api: BotApi, params: Params) -> JSON:
    return api.target_chat(params, sending=False).to_full_api()


@method("getchatmember")
async def get_chat_member(api: BotApi, params: Params) -> JSON:
    """A user's ``ChatMember`` in a group or channel; for the bot itself, its status and
    (as a channel's administrator) its rights."""
    chat = api.target_chat(params, sending=False)
    user_id = params.get_int("user_id", empty="user_id is empty")
    if user_id == api.state.bot.id:
        return api.state.bot_member(chat)
    user = api.state.users.get(user_id or 0)
    if user is None:
        raise bad_request("user not found")
    if chat.type == "private":
        status = "member" if user_id == chat.id else "left"
    else:
        status = "member" if user.id in chat.member_ids else "left"
    return {"user": user.to_api(), "status": status}


@method("setmycommands")
async def set_my_commands(api: BotApi, params: Params) -> bool:
    commands = params.get_obj("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    checked: list[JSON] = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand JSON object")
        command = str(item.get("command", "")).lstrip("/")
        description = str(item.get("description", ""))
        if not _COMMAND_NAME.match(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request(
                "command description is empty"
                if not description
                else "BOT_COMMAND_DESCRIPTION_INVALID"
            )
        checked.append({"command": command, "description": description})
    if len(checked) > 100:
        raise bad_request("too many commands")
    api.state.commands[_scope_key(params)] = checked
    return True


@method("getmycommands")
async def get_my_commands(api: BotApi, params: Params) -> list[JSON]:
    return list(api.state.commands.get(_scope_key(params), []))


@method("deletemycommands")
async def delete_my_commands(api: BotApi, params: Params) -> bool:
    api.state.commands.pop(_scope_key(params), None)
    return True


@method("getupdates")
async def get_updates(api: BotApi, params: Params) -> list[JSON]:
    updates = api.state.updates
    if updates.webhook is not None:
        raise ApiError(409, GET_UPDATES_CONFLICT)
    allowed = params.get_obj("allowed_updates")
    if allowed is not None:
        if not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates JSON array")
        updates.allowed_updates = [str(kind) for kind in allowed]
    limit = params.get_int("limit") or 100
    timeout = params.get_float("timeout", 0.0)
    try:
        return await updates.fetch(params.get_int("offset"), max(1, min(limit, 100)), timeout)
    except PollConflict:
        raise ApiError(409, POLL_CONFLICT) from None


@method("setwebhook")
async def set_webhook(api: BotApi, params: Params) -> bool:
    url = params.get_str("url") or ""
    secret = params.get_str("secret_token")
    if url and not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    if secret is not None and not _SECRET_TOKEN.match(secret):
        raise bad_request("secret token contains unallowed characters")
    allowed = params.get_obj("allowed_updates")
    if allowed is not None and not isinstance(allowed, list):
        raise bad_request("can't parse allowed_updates JSON array")
    updates = api.state.updates
    await updates.stop()  # undelivered updates return to the queue first
    if params.get_bool("drop_pending_updates"):
        updates.drop_pending()
    if allowed is not None:
        updates.allowed_updates = [str(kind) for kind in allowed]
    if url:
        webhook = Webhook(url, secret, params.get_int("max_connections") or 40)
        await updates.set_webhook(webhook, api.session())
    return True


@method("deletewebhook")
async def delete_webhook(api: BotApi, params: Params) -> bool:
    updates = api.state.updates
    await updates.stop()
    if params.get_bool("drop_pending_updates"):
        updates.drop_pending()
    return True


@method("getwebhookinfo")
async def get_webhook_info(api: BotApi, params: Params) -> JSON:
    updates = api.state.updates
    if updates.webhook is None:
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(updates.pending),
        }
    return updates.webhook.info(updates.undelivered, updates.allowed_updates)


@method("logout")
async def log_out(api: BotApi, params: Params) -> bool:
    return True


@method("close")
async def close(api: BotApi, params: Params) -> bool:
    return True
