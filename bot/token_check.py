"""Asking the Bot API whether it knows the bot token, before the bot starts.

python-telegram-bot's answer to a token the server rejects is an ``InvalidToken`` whose
message holds the whole token, logged with two tracebacks, and the sessions it opened are
left unclosed. One ``getMe`` of our own first turns that into one line for the operator
that names the bot id (public: it is the bot's user id) but never the token or its secret.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from telegram.error import InvalidToken, TelegramError

from bot.settings import Settings
from bot.transport import build_bot


def rejection_message(settings: Settings) -> str:
    """The line printed when the Bot API refuses ``TELEGRAM_BOT_TOKEN``."""
    bot_id, colon, _ = settings.telegram_bot_token.value.partition(":")
    which = f" (bot id {bot_id})" if colon and bot_id.isdigit() else ""
    host = urlsplit(settings.telegram_api_base_url).hostname or "the Bot API"
    return (
        f"briefbot: {host} rejected TELEGRAM_BOT_TOKEN{which}: it is mistyped or was revoked. "
        "Copy the token again from @BotFather (/mybots, API Token) into TELEGRAM_BOT_TOKEN "
        "(or .env) and run again."
    )


async def rejected_token(settings: Settings) -> str | None:
    """The line to print when the Bot API rejects the token, else None. Any other failure
    (the Bot API unreachable, a 5xx) is not decided here: the bot's own start meets it."""
    try:
        async with build_bot(settings, connection_pool_size=1):  # getMe; closes on error
            return None
    except InvalidToken:
        return rejection_message(settings)
    except TelegramError:
        return None
