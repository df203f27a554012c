"""What a message shows: its text, entities and inline keyboard, from a Bot API call's
parameters, checked as Telegram checks them (with Telegram's error texts)."""

from __future__ import annotations

from functools import lru_cache

from sandbox.models import JSON
from sandbox.params import Params, bad_request
from sandbox.telegram_html import Entity, HtmlParseError, parse_html, strip_entities, utf16_len

MAX_TEXT_UTF16 = 4096
# Telegram keeps a message's first 100 entities and silently drops the rest.
MAX_ENTITIES = 100
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100
# What an inline button can do; a button with none of these (text only) is refused.
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def formatted_text(params: Params) -> tuple[str, list[JSON]]:
    """The text and entities a reader will see, or Telegram's 400."""
    text = params.get_str("text") or ""
    parse_mode = (params.get_str("parse_mode") or "").strip()
    if parse_mode.lower() == "html":
        try:
            text, api_entities = _html_message(text)
        except HtmlParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
        _check_length(text)
        return text, api_entities
    if parse_mode.lower() in ("markdown", "markdownv2"):
        raise bad_request("can't parse entities: the sandbox implements parse_mode HTML only")
    if parse_mode:
        raise bad_request("unsupported parse_mode")
    text, entities = strip_entities(text, explicit_entities(params))
    _check_length(text)
    return text, [entity.to_api() for entity in entities[:MAX_ENTITIES]]


@lru_cache(maxsize=512)
def _html_message(html: str) -> tuple[str, list[JSON]]:
    """Text and API entities of an HTML message. A push sends one text to many chats, so
    the result (treated as immutable by every message holding it) is shared."""
    text, entities = parse_html(html)
    return text, [entity.to_api() for entity in entities[:MAX_ENTITIES]]


def _check_length(text: str) -> None:
    if not text:
        raise bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT_UTF16:
        raise bad_request("message is too long")


def explicit_entities(params: Params) -> list[Entity]:
    """Entities passed as ``entities`` instead of a parse mode."""
    raw = params.get_obj("entities")
    if not raw:
        return []
    if not isinstance(raw, list):
        raise bad_request("can't parse entities JSON object")
    entities: list[Entity] = []
    for item in raw:
        try:
            entities.append(
                Entity(
                    str(item["type"]),
                    int(item["offset"]),
                    int(item["length"]),
                    item.get("url"),
                    item.get("language"),
                    item.get("custom_emoji_id"),
                )
            )
        except (KeyError, TypeError, ValueError, OverflowError):
            raise bad_request("can't parse entities JSON object") from None
    return sorted(entities, key=lambda e: (e.offset, -e.length))


def inline_keyboard(params: Params) -> JSON | None:
    """The inline keyboard the message shows, checked as Telegram checks it (a reply
    keyboard is accepted but is not part of the message object)."""
    markup = params.get_obj("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'can\'t parse inline keyboard button: field "inline_keyboard" must be of type Array'
        )
    if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
        raise bad_request("REPLY_MARKUP_TOO_LONG")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("can't parse inline keyboard button: Text must be non-empty")
            if not any(key in button for key in _BUTTON_ACTIONS):
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and (
                not data or len(str(data).encode("utf-8")) > MAX_CALLBACK_DATA_BYTES
            ):
                raise bad_request("BUTTON_DATA_INVALID")
    return {"inline_keyboard": rows}
