"""What a failed send means for the task: the error kinds of the Bot API, classified once.

| kind      | raised for                                     | the sender...                  |
| --------- | ---------------------------------------------- | ------------------------------ |
| FLOOD     | 429 ``RetryAfter``                             | pauses everyone, then retries  |
| GONE      | 403 (blocked, deactivated, kicked), 400 chat   | marks the subscriber blocked   |
|           | not found, 400 no right to post there          | and stops sending to it        |
| MIGRATED  | 400 with ``migrate_to_chat_id``                | moves the subscriber, retries  |
| TRANSIENT | 5xx, timeouts, connection errors, anything     | retries with backoff + jitter  |
|           | unforeseen                                     | for the retry budget           |
| PERMANENT | any other 400, a bad token (401/404), 409      | dead-letters the task at once  |

Only answers that say the request itself is wrong are permanent: an error nobody foresaw
(a bug, an odd answer) is retried like an outage, so it never dead-letters a task (or
alerts the admins) by accident; it is dead-lettered once the retry budget is spent.
"""

from __future__ import annotations

import enum
import warnings
from dataclasses import dataclass
from datetime import timedelta

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    RetryAfter,
)
from telegram.warnings import PTBDeprecationWarning

# A channel where the bot lost the right to post answers 400 (not 403) and stays so until
# an admin of the channel acts: as gone as a kicked bot.
_GONE_PHRASES = (
    "chat not found", "user not found", "peer_id_invalid", "bot was kicked",
    "need administrator rights", "not enough rights to send",
)  # fmt: skip


class ErrorKind(enum.Enum):
    """How the sender reacts; see the module table."""

    FLOOD = "flood"
    GONE = "gone"
    MIGRATED = "migrated"
    TRANSIENT = "transient"
    PERMANENT = "permanent"


@dataclass(frozen=True)
class Failure:
    """A classified send error: its kind, a short description, and the kind's datum."""

    kind: ErrorKind
    description: str
    retry_after: float = 0.0
    new_chat_id: int = 0


def retry_after_seconds(error: RetryAfter) -> float:
    """``retry_after`` in seconds, whether python-telegram-bot gives an int or a timedelta
    (it depends on the ``PTB_TIMEDELTA`` opt-in; reading it without one warns)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def classify(error: Exception) -> Failure:
    """The kind of ``error`` raised by a Bot API call."""
    description = f"{error.__class__.__name__}: {error}"
    if isinstance(error, RetryAfter):
        return Failure(ErrorKind.FLOOD, description, retry_after=retry_after_seconds(error))
    if isinstance(error, ChatMigrated):
        return Failure(ErrorKind.MIGRATED, description, new_chat_id=int(error.new_chat_id))
    if isinstance(error, Forbidden):
        return Failure(ErrorKind.GONE, description)
    if isinstance(error, BadRequest):
        text = str(error).lower()
        gone = any(phrase in text for phrase in _GONE_PHRASES)
        return Failure(ErrorKind.GONE if gone else ErrorKind.PERMANENT, description)
    if isinstance(error, InvalidToken | Conflict):
        return Failure(ErrorKind.PERMANENT, description)
    # NetworkError covers timeouts (TimedOut), refused connections and 5xx answers
    # (BadRequest subclasses it, which is why it is tested above); anything else is an
    # error nobody foresaw, retried the same way rather than given up on at once.
    return Failure(ErrorKind.TRANSIENT, description)
