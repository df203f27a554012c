"""The digest as a channel or group post: the same text as a reader's push, but buttons that
work where everyone reads the same message.

A callback button in a channel is pressed by members the bot cannot answer privately (in
a channel the press often comes from no chat the bot can write to, and an answer posted
in the channel would reach every member), and a channel has no read state. So each item's
button is a deep link, ``https://t.me/<bot>?start=item_YYYYMMDD_N``: it opens a private
chat with the bot, whose ``/start`` shows that item with its buttons (without
subscribing anyone: a plain ``/start`` does that). The headlines in the text keep linking
to the items' sources.
"""

from __future__ import annotations

from functools import partial

from bot.digest.model import Digest, Item
from bot.render.compact import render_compact
from bot.render.full import render_full
from bot.render.message import Button, RenderedMessage


def item_deep_link(bot_username: str, date: str, number: int) -> str:
    """The link that opens item ``number`` of ``date``'s digest in a private chat with the
    bot (``/start item_YYYYMMDD_N``, the payload ``handlers/start.py`` reads)."""
    return f"https://t.me/{bot_username}?start=item_{date.replace('-', '')}_{number}"


def _link_button(bot_username: str, date: str, item: Item) -> Button:
    return Button(str(item.number), url=item_deep_link(bot_username, date, item.number))


def render_channel_post(
    digest: Digest, format: str, lang: str, bot_username: str
) -> list[RenderedMessage]:
    """The post of ``digest`` in ``format`` (compact: one message with deep-link buttons;
    full: the whole text, which needs no buttons)."""
    if format == "full":
        return render_full(digest, lang)
    return [render_compact(digest, lang, item_button=partial(_link_button, bot_username))]
