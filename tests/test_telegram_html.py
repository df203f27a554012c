"""Telegram's HTML parse mode: plain text, entities in UTF-16 units, and Telegram's errors,
checked against examples worked out by hand."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.telegram_html import Entity, HtmlParseError, parse_html, utf16_len

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man ZWJ woman ZWJ girl


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("", 0),
        ("briefbot", 8),
        ("硬件前沿", 4),  # CJK: one unit each (BMP)
        ("😀", 2),  # astral: a surrogate pair
        (FAMILY, 8),  # 2 + 1 + 2 + 1 + 2
        ("🇨🇳", 4),  # a flag is two regional indicators, each astral
        ("e\u0301", 2),  # a combining accent is its own unit
    ],
)
def test_utf16_len_counts_code_units(text: str, units: int) -> None:
    assert utf16_len(text) == units


def api(html_text: str) -> tuple[str, list[dict[str, object]]]:
    text, entities = parse_html(html_text)
    return text, [entity.to_api() for entity in entities]


def test_cjk_bold_headline() -> None:
    assert api("<b>硬件前沿</b> 英伟达发布新芯片") == (
        "硬件前沿 英伟达发布新芯片",
        [{"offset": 0, "length": 4, "type": "bold"}],
    )


def test_emoji_with_zwj_counts_eight_units() -> None:
    assert api(f"<i>{FAMILY}</i> 家庭 <b>😀</b>") == (
        f"{FAMILY} 家庭 😀",
        [
            {"offset": 0, "length": 8, "type": "italic"},
            {"offset": 12, "length": 2, "type": "bold"},
        ],
    )


def test_nested_tags_give_nested_entities_outer_first() -> None:
    assert api("<b>粗<i>斜 <u>下</u></i></b>尾") == (
        "粗斜 下尾",
        [
            {"offset": 0, "length": 4, "type": "bold"},
            {"offset": 1, "length": 3, "type": "italic"},
            {"offset": 3, "length": 1, "type": "underline"},
        ],
    )


def test_tag_synonyms_and_case() -> None:
    assert api("<STRONG>a</STRONG><em>b</em><ins>c</ins><del>d</del><strike>e</strike>") == (
        "abcde",
        [
            {"offset": 0, "length": 1, "type": "bold"},
            {"offset": 1, "length": 1, "type": "italic"},
            {"offset": 2, "length": 1, "type": "underline"},
            {"offset": 3, "length": 1, "type": "strikethrough"},
            {"offset": 4, "length": 1, "type": "strikethrough"},
        ],
    )


def test_character_references() -> None:
    text, entities = parse_html("a &lt;b&gt; &amp; &quot;c&quot; &#20013; &#x1F600; &nbsp; & x")
    assert text == 'a <b> & "c" 中 😀 &nbsp; & x'
    assert entities == []


@pytest.mark.parametrize(
    ("html_text", "text"),
    [
        ("&lt &amp", "< &"),  # the semicolon is optional
        ("&ampx; &LT;", "&ampx; &LT;"),  # the name is every letter; names are lowercase
        ("&#65 &#x41; &#X41;", "A A &#X41;"),  # only a lowercase x starts a hex reference
        ("&#0; &#1114111; &#12345678;", "&#0; &#1114111; &#12345678;"),  # out of range
    ],
)
def test_references_are_read_as_tdlib_reads_them(html_text: str, text: str) -> None:
    assert parse_html(html_text) == (text, [])


def test_link_with_ampersand_and_parentheses() -> None:
    assert api('<a href="https://e.com/q?a=1&amp;b=(2)">链接</a>') == (
        "链接",
        [{"offset": 0, "length": 2, "type": "text_link", "url": "https://e.com/q?a=1&b=(2)"}],
    )


def test_link_urls_are_normalised_like_telegram() -> None:
    _, entities = parse_html('<a href="https://example.com">x</a> <a>example.org</a>')
    assert [e.url for e in entities] == ["https://example.com/", "http://example.org/"]


def test_link_without_a_valid_url_is_plain_text() -> None:
    assert parse_html('<a href="not a url">x</a>') == ("x", [])


def test_pre_with_language_and_nothing_inside_code() -> None:
    assert api('<pre><code class="language-python">x &lt; <b>2</b></code></pre>') == (
        "x < 2",
        [{"offset": 0, "length": 5, "type": "pre", "language": "python"}],
    )
    assert api("<code>a</code> <pre>b</pre>") == (
        "a b",
        [{"offset": 0, "length": 1, "type": "code"}, {"offset": 2, "length": 1, "type": "pre"}],
    )


def test_spoilers_blockquotes_custom_emoji() -> None:
    text, entities = parse_html(
        '<span class="tg-spoiler">a</span><tg-spoiler>b</tg-spoiler>'
        "<blockquote>c</blockquote><blockquote expandable>d</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    assert text == "abcd👍"
    assert entities == [
        Entity("spoiler", 0, 1),
        Entity("spoiler", 1, 1),
        Entity("blockquote", 2, 1),
        Entity("expandable_blockquote", 3, 1),
        Entity("custom_emoji", 4, 2, custom_emoji_id="5368324170671202286"),
    ]


def test_surrounding_whitespace_is_trimmed_and_entities_move() -> None:
    assert api("  \n<b> 标题</b>\n\n") == ("标题", [{"offset": 0, "length": 2, "type": "bold"}])


def test_empty_entities_are_dropped() -> None:
    assert parse_html("<b></b>x<i></i>") == ("x", [])


@pytest.mark.parametrize(
    ("html_text", "message"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("中文<br/>", 'Unsupported start tag "br/" at byte offset 6'),  # bytes, not chars
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<a href="https://e.com"', "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<a href", 'Unclosed start tag "a" at byte offset 0'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ('<tg-emoji emoji-id="x">y</tg-emoji>', "Invalid custom emoji identifier specified"),
        (
            "&#55357;x",  # half of a surrogate pair
            "Text contains invalid Unicode characters after decoding HTML entities, check "
            "for unmatched surrogate code units",
        ),
        (
            "<a href>x</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
    ],
)
def test_errors_carry_telegrams_text(html_text: str, message: str) -> None:
    with pytest.raises(HtmlParseError) as caught:
        parse_html(html_text)
    assert str(caught.value) == message


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=200))
def test_escaped_text_reads_back_unchanged(text: str) -> None:
    parsed, entities = parse_html(html.escape(text, quote=False))
    assert parsed == text.strip(" \t\r\n")
    assert entities == []


@given(st.lists(st.text(alphabet="ab中😀 ", max_size=5), min_size=1, max_size=6))
def test_entity_offsets_point_at_their_text(parts: list[str]) -> None:
    source = "x" + "".join(f"<b>{part}</b>|" for part in parts)
    text, entities = parse_html(source)
    encoded = text.encode("utf-16-le")
    bold = [encoded[2 * e.offset : 2 * (e.offset + e.length)].decode("utf-16-le") for e in entities]
    assert bold == [part for part in parts if part]
