"""The product's HTML check refuses exactly what Telegram refuses: held to the sandbox's
port of Telegram's parser on hand-picked and generated input (the check itself never
loads the sandbox)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render.html_check import InvalidHtml, check_html
from sandbox.telegram_html import HtmlParseError, parse_html

FRAGMENTS = [
    "<b>", "</b>", "<i>", "</i>", "<a href=\"https://x.org\">", "<a href='x'>", "</a>",
    "<a href=x.org>", "<span class=\"tg-spoiler\">", "<span>", "</span>", "<p>", "</p>",
    "<code class=\"language-py\">", "</code>", "<pre>", "</pre>", "<blockquote expandable>",
    "</blockquote>", "<tg-spoiler>", "</tg-spoiler>", "</>", "<", ">", "&", "&amp;", "&lt;",
    "&#x41;", "&#xD800;", "&#0;", "&bogus;", "硬件", "😀", " ", "\n", "text", "<b ", "<a href",
    "<a href=", "=", "\"", "'", "<B>", "</B >", "<i\n>", "<b x=1>", "<b x>", "<u>", "</u>",
]  # fmt: skip


def telegram_refuses(html: str) -> bool:
    try:
        text, _ = parse_html(html)
    except HtmlParseError:
        return True
    return not text or len(text.encode("utf-16-le")) // 2 > 4096


def we_refuse(html: str) -> bool:
    try:
        check_html(html)
    except InvalidHtml:
        return True
    return False


@pytest.mark.parametrize(
    "html",
    [
        '<b>硬件前沿</b> 英伟达 <a href="https://example.com/a?b=1">link</a>',
        "<b>bold <i>both</i></b>",
        "<blockquote expandable>quote</blockquote>",
        '<span class="tg-spoiler">secret</span> and <tg-spoiler>more</tg-spoiler>',
        "x &lt; y &amp; a < b",
        "<p>paragraph</p>",
        "<b>unclosed",
        "<b><i>crossed</b></i>",
        "</b>",
        "<span>no class</span>",
        "&#xD800;",
        "   ",
        "<b></b>",
        "a" * 4096,
        "a" * 4097,
        "😀" * 2048,
        "😀" * 2049,
    ],
)
def test_agrees_with_telegram_on_examples(html: str) -> None:
    assert we_refuse(html) == telegram_refuses(html)


def test_says_why_and_gives_the_readers_text() -> None:
    assert check_html("  <b>Hello</b> &amp; bye \n") == "Hello & bye"
    with pytest.raises(InvalidHtml, match='Unsupported start tag "p" at byte offset 0'):
        check_html("<p>x</p>")
    with pytest.raises(InvalidHtml, match='expected "</i>", found "</b>"'):
        check_html("<b><i>x</b></i>")
    with pytest.raises(InvalidHtml, match="too long"):
        check_html("x" * 5000)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12))
def test_agrees_with_telegram_on_generated_input(parts: list[str]) -> None:
    html = "".join(parts)
    assert we_refuse(html) == telegram_refuses(html), html
