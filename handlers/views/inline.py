"""Search hits as inline-mode articles: what the list shows and what sending one posts."""

from __future__ import annotations

import html
from dataclasses import dataclass

from bot.digest.inline import parse_inline, plain_text
from bot.services.search import SearchResult

# The summary's start posted with an article, and shown under its title in the list.
SNIPPET = 300
DESCRIPTION = 90


@dataclass(frozen=True)
class InlineArticle:
    """One result: its id (date and item number), list title and description, and the
    HTML message a reader posts by choosing it."""

    id: str
    title: str
    description: str
    html: str
    url: str | None


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def inline_articles(result: SearchResult) -> list[InlineArticle]:
    """An article per hit, in the hits' order (newest digest first)."""
    articles = []
    for hit in result.hits:
        item = hit.item
        summary = " ".join(plain_text(parse_inline(p)) for p in item.summary)
        headline = html.escape(item.title, quote=False)
        if item.url is not None:
            headline = f'<a href="{html.escape(item.url, quote=True)}">{headline}</a>'
        body = f"<b>{headline}</b>"
        if summary:
            body += "\n" + html.escape(_cut(summary, SNIPPET), quote=False)
        body += f"\n\n<i>{hit.date}</i>"
        articles.append(
            InlineArticle(
                f"{hit.date}:{item.number}",
                _cut(item.title, 200),
                _cut(f"{hit.date} · {summary}", DESCRIPTION),
                body,
                item.url,
            )
        )
    return articles
