"""A rendered Telegram message: HTML text, an inline keyboard, and the link-preview choice."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Button:
    """An inline keyboard button: callback data or a URL."""

    text: str
    callback_data: str | None = None
    url: str | None = None

    def api(self) -> dict[str, str]:
        """The Bot API ``InlineKeyboardButton`` object."""
        button = {"text": self.text}
        if self.callback_data is not None:
            button["callback_data"] = self.callback_data
        if self.url is not None:
            button["url"] = self.url
        return button


@dataclass(frozen=True)
class RenderedMessage:
    """One message to send: ``text`` is Telegram HTML within Telegram's limits."""

    text: str
    keyboard: tuple[tuple[Button, ...], ...] = ()
    disable_link_preview: bool = True

    def api_params(self) -> dict[str, object]:
        """The ``sendMessage`` parameters (without ``chat_id``), exactly as the Bot API takes."""
        params: dict[str, object] = {
            "text": self.text,
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": self.disable_link_preview},
        }
        if self.keyboard:
            params["reply_markup"] = {
                "inline_keyboard": [[button.api() for button in row] for row in self.keyboard]
            }
        return params
