"""Inline mode: ``@bot words`` in any chat offers the items of every stored digest that
hold the words (nothing typed yet: the newest digest's items), each as an article whose
message is the linked headline and the start of its summary."""

from __future__ import annotations

from telegram import (
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import InlineQueryHandler

from bot.context import BotApplication, BotContext
from bot.services.reader import Reader
from bot.services.refusal import Refused
from bot.services.search import SearchResult
from handlers.views.inline import InlineArticle, inline_articles

# Telegram keeps an answer this long for the same words (results are the same for all).
CACHE_SECONDS = 60


async def on_inline_query(update: Update, context: BotContext) -> None:
    """Answer ``@bot words`` with matching items (a query the search refuses: none)."""
    query = update.inline_query
    if query is None:
        return
    reader = Reader(query.from_user.id, query.from_user.language_code)
    search = context.bot_data.services.search
    result: SearchResult
    try:
        result = await (
            search.search(reader, query.query) if query.query.strip() else search.latest(reader)
        )
    except Refused as refused:
        result = SearchResult(refused.lang, query.query, (), 0)
    await query.answer(
        [_result(article) for article in inline_articles(result)], cache_time=CACHE_SECONDS
    )


def _result(article: InlineArticle) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        article.id,
        article.title,
        InputTextMessageContent(
            article.html,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=article.url is None),
        ),
        description=article.description,
        url=article.url,
    )


def register(application: BotApplication) -> None:
    """Wire inline queries (BotFather's /setinline turns inline mode on for the bot)."""
    application.add_handler(InlineQueryHandler(on_inline_query))
