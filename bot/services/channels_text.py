"""The admin's channel list and confirmations as text in a language (``/channels``,
``briefbot channels list``)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.i18n import t
from bot.store.channels import Channel


def _last(channel: Channel, lang: str) -> str:
    if channel.last_date is None:
        return t(lang, "bot.admin.channels.never")
    if channel.last_at is None:
        return channel.last_date
    at = datetime.fromtimestamp(channel.last_at, UTC).astimezone(channel.zone)
    return f"{channel.last_date} ({at:%Y-%m-%d %H:%M})"


def status_text(channel: Channel, lang: str) -> str:
    """Posting, or paused with the reason."""
    if channel.status == "active":
        return t(lang, "bot.admin.channels.active")
    reason = t(lang, f"bot.admin.channels.reason.{channel.reason or 'refused'}")
    return t(lang, "bot.admin.channels.paused", reason=reason)


def channels_text(channels: list[Channel], lang: str) -> str:
    """One line per connected channel: name, title, time and zone, format, language,
    status, last post."""
    if not channels:
        return t(lang, "bot.admin.channels.none")
    lines = [t(lang, "bot.admin.channels.header")]
    lines += [
        t(
            lang, "bot.admin.channels.row", name=c.name, title=c.title, time=c.push_time,
            zone=c.tz, format=c.format, language=c.language, status=status_text(c, lang),
            last=_last(c, lang),
        )
        for c in channels
    ]  # fmt: skip
    return "\n".join(lines)


def added_text(channel: Channel, lang: str) -> str:
    """What an admin is told after connecting ``channel``."""
    return t(
        lang, "bot.admin.channels.added", channel=channel.name, title=channel.title,
        time=channel.push_time, zone=channel.tz, format=channel.format,
        language=channel.language,
    )  # fmt: skip


def paused_alert_text(channel: Channel, lang: str) -> str:
    """The admins' alert that ``channel`` was paused, and how to resume it."""
    why = t(lang, f"bot.admin.channels.reason.{channel.reason or 'refused'}")
    return t(lang, "alert.channel_paused", channel=channel.name, reason=why)
