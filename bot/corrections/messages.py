"""What an admin is shown about a correction, and its buttons: the diff, the number of
messages it edits, Apply / Ignore, then Confirm (with or without a notice) / Cancel. The
poller's alert and the admin handlers build the same screens from here.

Buttons carry the date and the first 16 hex digits of the version's content hash, so a
press always names one version; a press for a version already handled does nothing."""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable
from typing import Final

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.callback_data import DATE, TOKEN, Action
from bot.corrections.diff import diff_html
from bot.corrections.service import CorrectionService, Preview
from bot.i18n import DEFAULT_LANGUAGE, normalize_language, t
from bot.store.admin_languages import AdminLanguages
from bot.store.alert_claims import AlertClaims
from bot.store.errors import StoreUnavailable

logger = logging.getLogger(__name__)

HASH_PREFIX: Final = 16
APPLY = Action("correction_apply", "cap", (DATE, TOKEN))
IGNORE = Action("correction_ignore", "cig", (DATE, TOKEN))
CONFIRM = Action("correction_confirm", "cok", (DATE, TOKEN))
CONFIRM_NOTIFY = Action("correction_notify", "ckn", (DATE, TOKEN))
CANCEL = Action("correction_cancel", "cno", (DATE, TOKEN))


def _buttons(
    lang: str, preview: Preview, actions: Iterable[tuple[Action, str]]
) -> InlineKeyboardMarkup:
    version = preview.after.content_hash[:HASH_PREFIX]
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t(lang, label), callback_data=action.pack(preview.date, version))]
            for action, label in actions
        ]
    )


def _count_lines(lang: str, preview: Preview) -> list[str]:
    count = preview.count
    lines = [t(lang, "correction.count", messages=count.messages, chats=count.chats)]
    if count.in_flight:
        lines.append(t(lang, "correction.count_in_flight", count=count.in_flight))
    return [html.escape(line) for line in lines]


def proposal_html(lang: str, preview: Preview, heading: str) -> str:
    """The diff of a version and what applying it edits."""
    if not preview.changes:
        return html.escape(t(lang, "correction.no_changes", date=preview.date))
    head = html.escape(t(lang, heading, date=preview.date))
    return "\n\n".join((head, diff_html(preview.changes, lang), *_count_lines(lang, preview)))


def proposal_buttons(lang: str, preview: Preview) -> InlineKeyboardMarkup:
    """Apply / Ignore."""
    return _buttons(
        lang, preview, ((APPLY, "correction.button.apply"), (IGNORE, "correction.button.ignore"))
    )


def confirm_html(lang: str, preview: Preview) -> str:
    """The question before anything is edited."""
    count = preview.count
    text = t(
        lang, "correction.confirm", date=preview.date, messages=count.messages, chats=count.chats
    )
    return "\n\n".join((diff_html(preview.changes, lang), html.escape(text)))


def confirm_buttons(lang: str, preview: Preview) -> InlineKeyboardMarkup:
    """Confirm / Confirm and notify / Cancel."""
    return _buttons(
        lang,
        preview,
        (
            (CONFIRM, "correction.button.confirm"),
            (CONFIRM_NOTIFY, "correction.button.confirm_notify"),
            (CANCEL, "correction.button.cancel"),
        ),
    )


class CorrectionAlerts:
    """Tells every admin, once per changed version (across processes) and in their own
    language, that a delivered date changed, with the diff and Apply / Ignore."""

    def __init__(
        self,
        service: CorrectionService,
        claims: AlertClaims,
        bot: Bot,
        admin_ids: Iterable[int],
        languages: AdminLanguages | None = None,
    ) -> None:
        self._service = service
        self._claims = claims
        self._bot = bot
        self._admin_ids = tuple(sorted(admin_ids))
        self._languages = languages

    async def found(self, date: str, content_hash: str) -> bool:
        """Alert the admins about the held version ``content_hash`` of ``date``; False when
        it was alerted before (by any process) or is gone."""
        after = await self._service.find_version(date, content_hash)
        if after is None or not await self._claims.claim(f"correction:{date}:{content_hash}"):
            return False
        preview = await self._service.preview(after)
        for admin_id in self._admin_ids:
            lang = await self._language(admin_id)
            text = proposal_html(lang, preview, "correction.found")
            buttons = proposal_buttons(lang, preview) if preview.changes else None
            try:
                await self._bot.send_message(
                    admin_id, text, parse_mode="HTML", reply_markup=buttons
                )
            except TelegramError as error:  # one unreachable admin never stops the others
                logger.warning(
                    "cannot tell admin %s about the %s correction: %s", admin_id, date, error
                )
        return True

    async def _language(self, admin_id: int) -> str:
        """The admin's language (stored, else their app's), the default when unknown."""
        if self._languages is None:
            return DEFAULT_LANGUAGE
        try:
            return normalize_language(await self._languages.of(admin_id))
        except StoreUnavailable:
            return DEFAULT_LANGUAGE
