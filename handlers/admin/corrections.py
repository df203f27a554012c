"""Corrections from Telegram: the poller's Apply / Ignore, the confirmation (with or
without a notice to readers), and ``/correct DATE ITEM`` with the new headline or summary
in a reply. Every press and every outcome is audited; a button for a version already
handled (a replay, a second press) does nothing but say so."""

from __future__ import annotations

import dataclasses
import logging
import re

from telegram import ForceReply, Update
from telegram.constants import ParseMode
from telegram.ext import MessageHandler, filters

from bot.callback_data import Callback
from bot.commands import Audience, Command
from bot.context import BotApplication, BotContext
from bot.corrections import messages
from bot.corrections.service import CorrectionService
from bot.digest.model import Digest
from bot.i18n import t
from bot.services.audit import telegram_actor
from bot.services.reader import Reader
from bot.store.errors import StoreUnavailable
from handlers.common import Screen, edit, for_reader, send
from handlers.declarations import Area, Button

logger = logging.getLogger(__name__)

_PROMPT = re.compile(r"^/correct (\d{4}-\d{2}-\d{2}) (\d{1,4})\n")
_SUMMARY = re.compile(r"^\s*(summary|摘要)\s*[:\uff1a]\s*", re.IGNORECASE)


def _who(update: Update) -> str:
    user = update.effective_user
    return telegram_actor(user.id if user else None)


async def _lang(context: BotContext, reader: Reader) -> str:
    return await context.bot_data.services.subscriptions.language(reader)


async def _version(context: BotContext, callback: Callback) -> Digest | None:
    date, prefix = str(callback.args[0]), str(callback.args[1])
    return await context.bot_data.services.corrections.find_version(date, prefix)


async def _refuse_stale(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """A button for a version already handled: say so, change nothing, audit it."""
    await context.bot_data.services.audit.record(
        _who(update),
        f"button.{callback.action.name}",
        "refused",
        reason="already handled",
        date=str(callback.args[0]),
        version=str(callback.args[1]),
    )
    await send(update, context, Screen.plain(t(await _lang(context, reader), "correction.stale")))


async def _handled(service: CorrectionService, after: Digest) -> bool:
    """Whether ``after`` was applied or ignored already (nothing a press could still do)."""
    state = await service.state(after.date, after.content_hash)
    return state in ("applied", "ignored")


async def on_apply(update: Update, context: BotContext, reader: Reader, callback: Callback) -> None:
    """Apply: the diff again, the number of messages, and Confirm / Cancel."""
    service = context.bot_data.services.corrections
    after = await _version(context, callback)
    if after is None or await _handled(service, after):
        await _refuse_stale(update, context, reader, callback)
        return
    lang = await _lang(context, reader)
    preview = await service.preview(after)
    text = messages.confirm_html(lang, preview)
    await send(update, context, Screen(text, messages.confirm_buttons(lang, preview)))


async def on_ignore(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """Ignore: readers keep the delivered version; the poller will not offer it again."""
    service = context.bot_data.services.corrections
    after = await _version(context, callback)
    if after is None or await _handled(service, after):
        await _refuse_stale(update, context, reader, callback)
        return
    await service.ignore(after, _who(update))
    lang = await _lang(context, reader)
    await edit(update, Screen.plain(t(lang, "correction.ignored", date=after.date)))


async def on_cancel(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """Cancel the confirmation; the version stays pending."""
    await context.bot_data.services.audit.record(
        _who(update), "correct.apply", "cancelled", date=str(callback.args[0])
    )
    await edit(update, Screen.plain(t(await _lang(context, reader), "correction.cancelled")))


async def _confirm(
    update: Update, context: BotContext, reader: Reader, callback: Callback, notify: bool
) -> None:
    services = context.bot_data.services
    after = await _version(context, callback)
    # One press applies, across processes; a replay or a second press finds the claim.
    if after is None or not await services.corrections.claim_confirmation(after):
        await _refuse_stale(update, context, reader, callback)
        return
    lang = await _lang(context, reader)
    who, chat = _who(update), reader.chat_id

    async def apply() -> None:
        try:
            applied = await services.corrections.apply(after, who, notify)
        except StoreUnavailable as error:
            logger.warning("applying the %s correction failed: %s", after.date, error)
            await services.audit.record(who, "correct.apply", "failed", date=after.date)
            return
        key = "correction.applied" if applied.enqueued else "correction.applied_nothing"
        text = t(lang, key, date=after.date, chats=applied.enqueued)
        await context.bot.send_message(chat, text)

    # Applying waits for every sender's digest cache to see the new version; the bot
    # keeps answering meanwhile.
    context.application.create_task(apply(), update=update)
    await edit(update, Screen.plain(t(lang, "correction.applying", date=after.date)))


async def on_confirm(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """Confirm: store the corrected version and edit every affected message."""
    await _confirm(update, context, reader, callback, notify=False)


async def on_confirm_notify(
    update: Update, context: BotContext, reader: Reader, callback: Callback
) -> None:
    """Confirm, and send each affected reader a short silent notice."""
    await _confirm(update, context, reader, callback, notify=True)


@for_reader
async def correct_command(update: Update, context: BotContext, reader: Reader) -> None:
    """``/correct DATE ITEM``: ask for the new headline or summary in a reply."""
    lang = await _lang(context, reader)
    args = context.args or []
    match = re.fullmatch(r"\d{1,4}", args[1]) if len(args) == 2 else None
    if match is None:
        await send(update, context, Screen.plain(t(lang, "correction.usage")))
        return
    date, number = args[0], int(args[1])
    corrections = context.bot_data.services.corrections
    digest = await corrections.current(date) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None
    if digest is None:
        await send(update, context, Screen.plain(t(lang, "correction.no_digest", date=date[:20])))
        return
    item = digest.item(number)
    if item is None:
        await send(
            update, context, Screen.plain(t(lang, "correction.no_item", date=date, item=number))
        )
        return
    if update.effective_message is None:
        return
    text = t(lang, "correction.ask", date=date, item=number, title=item.title)
    await update.effective_message.reply_text(text, reply_markup=ForceReply(selective=True))


@for_reader
async def correction_reply(update: Update, context: BotContext, reader: Reader) -> None:
    """The admin's reply to a ``/correct`` prompt: the corrected version, then Confirm."""
    message = update.effective_message
    prompt = message.reply_to_message if message else None
    if message is None or prompt is None or prompt.from_user is None:
        return
    match = _PROMPT.match(prompt.text or "")
    if not prompt.from_user.is_bot or match is None:
        return
    lang = await _lang(context, reader)
    services = context.bot_data.services
    date, number = match.group(1), int(match.group(2))
    digest = await services.corrections.current(date)
    item = digest.item(number) if digest else None
    if digest is None or item is None:
        await send(
            update, context, Screen.plain(t(lang, "correction.no_item", date=date, item=number))
        )
        return
    text = (message.text or "").strip()
    summary = _SUMMARY.match(text)
    new_text = text[summary.end() :].strip() if summary else text
    if not new_text:
        await send(update, context, Screen.plain(t(lang, "correction.empty")))
        return
    if summary:
        fixed = dataclasses.replace(item, summary=tuple(p for p in new_text.split("\n\n") if p))
    else:
        fixed = dataclasses.replace(item, title=" ".join(new_text.split()))
    items = tuple(fixed if i.number == number else i for i in digest.items)
    draft = dataclasses.replace(digest, items=items)
    after = dataclasses.replace(draft, content_hash=draft.compute_hash())
    status = await services.corrections.hold(after)
    await services.audit.record(
        _who(update),
        "correct.draft",
        status,
        date=date,
        item=number,
        version=after.content_hash[:16],
    )
    preview = await services.corrections.preview(after)
    if status != "held":  # never delivered: stored as it is, nothing to edit
        await send(update, context, Screen.plain(t(lang, "correction.applied_nothing", date=date)))
        return
    body = messages.proposal_html(lang, preview, "correction.proposed")
    await context.bot.send_message(
        reader.chat_id,
        body,
        parse_mode=ParseMode.HTML,
        reply_markup=messages.confirm_buttons(lang, preview),
    )


AREA = Area(
    commands=(Command("correct", correct_command, audience=Audience.ADMINS),),
    buttons=(
        Button(messages.APPLY, on_apply, audience=Audience.ADMINS),
        Button(messages.IGNORE, on_ignore, audience=Audience.ADMINS),
        Button(messages.CONFIRM, on_confirm, audience=Audience.ADMINS),
        Button(messages.CONFIRM_NOTIFY, on_confirm_notify, audience=Audience.ADMINS),
        Button(messages.CANCEL, on_cancel, audience=Audience.ADMINS),
    ),
)


def register_replies(application: BotApplication, admins: filters.BaseFilter) -> None:
    """The admins' replies to a ``/correct`` prompt (before the fallbacks). A forwarded
    message is nobody's reply."""
    replies = admins & filters.REPLY & filters.TEXT & ~filters.COMMAND & ~filters.FORWARDED
    application.add_handler(MessageHandler(replies, correction_reply))
