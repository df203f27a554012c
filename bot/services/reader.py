"""Who is asking: the chat and the Telegram user, as plain values."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reader:
    """The chat a request comes from, the language its sender's Telegram app uses (the
    default interface language until the chat picks one in /settings) and, in a forum
    group, the topic it was written in."""

    chat_id: int
    language_code: str | None = None
    thread_id: int | None = None
