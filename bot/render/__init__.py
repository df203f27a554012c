"""Telegram HTML rendering of digests: compact, full and single-item messages."""

from bot.render.compact import render_compact
from bot.render.full import render_full
from bot.render.item import render_item
from bot.render.message import Button, RenderedMessage

__all__ = ["Button", "RenderedMessage", "render_compact", "render_full", "render_item"]
