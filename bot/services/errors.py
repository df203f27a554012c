"""Domain errors: what the rules of briefbot refuse, whichever layer finds out.

They carry a message fit for the user, so a handler can answer with it as it is. They live
with the services, not in the store, because they are about what a reader asked for; the
store raises them while validating a record (this module imports nothing of ours, so the
store depends on it without a cycle).
"""

from __future__ import annotations


class InvalidSetting(ValueError):
    """A subscriber setting was refused; ``str(error)`` is a message fit for the user."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotSubscribed(LookupError):
    """The chat has no subscriber record (it never sent /start)."""

    def __init__(self, chat_id: int) -> None:
        super().__init__(f"chat {chat_id} is not subscribed")
        self.chat_id = chat_id
