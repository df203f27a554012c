"""The sandbox Bot API server: python-telegram-bot talks to it over real HTTP as to Telegram,
and a control API acts as users, reads chats and injects faults."""

from sandbox.client import ChatMessage, ChatRef, SandboxControl, SandboxControlError
from sandbox.faults import FaultConfig
from sandbox.server import EXAMPLE_TOKEN, Sandbox

__all__ = [
    "EXAMPLE_TOKEN",
    "ChatMessage",
    "ChatRef",
    "FaultConfig",
    "Sandbox",
    "SandboxControl",
    "SandboxControlError",
]
