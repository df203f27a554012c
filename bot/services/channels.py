"""Channels and groups the digest is posted to: an admin connects one (``/channels add
@name [HH:MM] [compact|full] [zh|en]``, ``briefbot channels add``), lists them, removes one
(after a confirmation in Telegram). Connecting asks Telegram first (``getChat``,
``getChatMember``) and says exactly what is wrong: no such chat, the bot is not an
administrator there, or it may not post. Every action and refusal is audited.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time

from telegram import Bot, ChatMember, ChatMemberAdministrator, ChatMemberRestricted
from telegram.error import BadRequest, Forbidden

from bot.i18n import normalize_language
from bot.services.audit import AuditTrail
from bot.services.errors import InvalidSetting
from bot.services.refusal import Refused
from bot.store.channels import Channel
from bot.store.confirmations import Pending
from bot.store.stores import Stores
from bot.store.subscriber import FORMATS, LANGUAGES, Format, Language, validate_push_time

ACTION = "channel.remove"
_USERNAME = re.compile(r"^@[A-Za-z][A-Za-z0-9_]{3,31}$")
_CHAT_ID = re.compile(r"^-\d{1,19}$")
_TIME = re.compile(r"^\d{1,2}:\d{2}$")
# Why a channel is paused (``bot.admin.channels.reason.<reason>``).
KICKED, CANNOT_POST, REFUSED = "kicked", "cannot_post", "refused"


@dataclass(frozen=True)
class AddRequest:
    """What ``/channels add`` asked for: the chat (``@name`` or id) and its settings."""

    ref: str
    # None: keep the channel's (when connected again), else the default.
    push_time: str | None = None
    format: Format | None = None
    language: Language | None = None


def parse_ref(text: str) -> str | None:
    """``@name`` or a group/channel id (negative), as typed; None for anything else."""
    text = text.strip()
    return text if _USERNAME.match(text) or _CHAT_ID.match(text) else None


def parse_add(args: Sequence[str]) -> AddRequest | None:
    """``@name [HH:MM] [compact|full] [zh|en]`` (the settings in any order); None when
    it is not that."""
    if not args or parse_ref(args[0]) is None:
        return None
    push_time: str | None = None
    fmt: Format | None = None
    language: Language | None = None
    for word in args[1:]:
        lowered = word.lower()
        if _TIME.match(word):
            try:
                push_time = validate_push_time(word)
            except InvalidSetting:
                return None
        elif lowered in FORMATS:
            fmt = "full" if lowered == "full" else "compact"
        elif lowered in LANGUAGES:
            language = "en" if lowered == "en" else "zh"
        else:
            return None
    return AddRequest(args[0], push_time, fmt, language)


def may_post(chat_type: str, member: ChatMember) -> bool:
    """Whether the bot, standing as ``member``, can post: in a channel, an administrator
    with the right to post; in a group, an administrator or a member not muted."""
    if isinstance(member, ChatMemberAdministrator):
        return chat_type != "channel" or bool(member.can_post_messages)
    if chat_type == "channel":
        return False
    if isinstance(member, ChatMemberRestricted):
        return member.is_member and member.can_send_messages
    return member.status == ChatMember.MEMBER


class ChannelAdmin:
    """Connects, lists and removes channels over one bot's stores; all audited."""

    def __init__(
        self, stores: Stores, audit: AuditTrail, default_time: time, default_zone: str
    ) -> None:
        self._stores = stores
        self._audit = audit
        self._default_time = f"{default_time.hour:02d}:{default_time.minute:02d}"
        self._default_zone = default_zone

    async def list(self) -> list[Channel]:
        """Every connected channel, oldest first."""
        return await self._stores.channels.all()

    async def add(self, who: str, bot: Bot, request: AddRequest, *, lang: str) -> Channel:
        """Check with Telegram that the bot may post to ``request.ref``, then connect it (or
        update its settings); ``Refused`` says exactly what is wrong."""
        ref = request.ref
        try:
            chat = await bot.get_chat(ref)
            member = await bot.get_chat_member(chat.id, bot.id)
        except (BadRequest, Forbidden) as error:
            await self._refused(who, ref, f"telegram: {error.message}")
            if isinstance(error, Forbidden):
                raise Refused(lang, "admin.channels.not_admin", channel=ref) from None
            raise Refused(lang, "admin.channels.not_found", channel=ref) from None
        if chat.type == "private":
            await self._refused(who, ref, "private chat")
            raise Refused(lang, "admin.channels.private", channel=ref)
        if member.status not in (ChatMember.ADMINISTRATOR, ChatMember.MEMBER, "restricted"):
            await self._refused(who, ref, f"bot is {member.status}")
            raise Refused(lang, "admin.channels.not_admin", channel=ref)
        if not may_post(chat.type, member):
            await self._refused(who, ref, "bot may not post")
            raise Refused(lang, "admin.channels.cannot_post", channel=ref)
        reader = await self._stores.subscribers.get(chat.id)
        if reader is not None and reader.status == "active":
            await self._refused(who, ref, "subscribed as a reader")
            raise Refused(lang, "admin.channels.subscribed", channel=ref)
        old = await self._stores.channels.get(chat.id)
        channel = Channel(
            chat_id=chat.id,
            title=chat.title or "",
            username=chat.username,
            push_time=request.push_time or (old.push_time if old else self._default_time),
            tz=old.tz if old else self._default_zone,
            format=request.format or (old.format if old else "compact"),
            language=request.language or (old.language if old else _language(lang)),
            added_by=who,
            added_at=old.added_at if old else self._stores.channels.now(),
            last_date=old.last_date if old else None,
            last_at=old.last_at if old else None,
        )
        await self._stores.channels.save(channel)
        await self._audit.record(
            who, "channels.add", "done", chat=channel.chat_id, name=channel.name,
            time=channel.push_time, format=channel.format,
        )  # fmt: skip
        return channel

    async def find(self, ref: str, *, lang: str) -> Channel:
        """The connected channel ``ref`` names (``@name``, case-insensitively, or its id);
        ``Refused`` when none is connected."""
        wanted = ref.strip().lower()
        for channel in await self._stores.channels.all():
            if wanted in (str(channel.chat_id), channel.name.lower()):
                return channel
        raise Refused(lang, "admin.channels.unknown", channel=ref)

    async def offer_remove(self, who: str, ref: str, *, lang: str) -> tuple[str, Channel]:
        """The confirmation token of removing ``ref``, and the channel."""
        channel = await self._connected(who, ref, lang)
        # A pending action names its target in ``date``: here the channel's chat id.
        token = await self._stores.confirmations.offer(Pending(ACTION, str(channel.chat_id), who))
        await self._audit.record(who, "channels.remove", "asked", chat=channel.chat_id,
                                 token=token)  # fmt: skip
        return token, channel

    async def confirm_remove(self, who: str, token: str, *, lang: str) -> Channel:
        """Remove what ``token`` stands for, once (a replayed press is refused, audited)."""
        pending = await self._stores.confirmations.take(token)
        if pending is None or pending.action != ACTION:
            await self._audit.record(who, "channels.remove", "refused", token=token,
                                     reason="used or expired")  # fmt: skip
            raise Refused(lang, "admin.confirm.used")
        return await self.remove(who, pending.date, lang=lang)

    async def remove(self, who: str, ref: str, *, lang: str) -> Channel:
        """Disconnect ``ref`` now: no more posts (what was posted stays)."""
        channel = await self._connected(who, ref, lang)
        removed = await self._stores.channels.remove(channel.chat_id)
        if removed is None:  # removed by someone else in between
            raise Refused(lang, "admin.channels.unknown", channel=ref)
        await self._audit.record(who, "channels.remove", "done", chat=removed.chat_id,
                                 name=removed.name)  # fmt: skip
        return removed

    async def cancel(self, who: str, token: str) -> None:
        """Forget the offer."""
        pending = await self._stores.confirmations.take(token)
        await self._audit.record(
            who, "channels.remove", "cancelled" if pending else "refused", token=token
        )

    async def bot_lost(self, chat_id: int, reason: str) -> Channel | None:
        """The bot was removed or lost the right to post: pause the channel. The channel
        when this call paused it (the caller tells the admins), else None."""
        channel, paused_now = await self._stores.channels.pause(chat_id, reason)
        if channel is None or not paused_now:
            return None
        await self._audit.record("telegram", "channels.pause", "done", chat=chat_id,
                                 reason=reason)  # fmt: skip
        return channel

    async def admin_language(self, admin_id: int) -> str:
        """The language an admin's alerts are written in."""
        return normalize_language(await self._stores.admin_languages.of(admin_id))

    async def _connected(self, who: str, ref: str, lang: str) -> Channel:
        """``find``, with a refusal audited."""
        try:
            return await self.find(ref, lang=lang)
        except Refused:
            await self._audit.record(who, "channels.remove", "refused", channel=ref,
                                     reason="not connected")  # fmt: skip
            raise

    async def _refused(self, who: str, ref: str, reason: str) -> None:
        await self._audit.record(who, "channels.add", "refused", channel=ref, reason=reason)


def _language(lang: str) -> Language:
    return "en" if lang == "en" else "zh"
