"""Inline Markdown of summaries: what is formatting, what stays literal text."""

from __future__ import annotations

import pytest

from bot.digest.inline import Span, Text, links, parse_inline, plain_text


@pytest.mark.parametrize(
    ("source", "nodes"),
    [
        ("a **b** c", (Text("a "), Span("b", (Text("b"),)), Text(" c"))),
        (
            "[维基](https://en.wikipedia.org/wiki/Foo_(bar)?a=1&b=2)。",
            (
                Span("a", (Text("维基"),), href="https://en.wikipedia.org/wiki/Foo_(bar)?a=1&b=2"),
                Text("。"),
            ),
        ),
        (
            "**[粗链接](https://x.example)**",
            (Span("b", (Span("a", (Text("粗链接"),), href="https://x.example"),)),),
        ),
        (
            "[a [b] c](https://q.example)",
            (Span("a", (Text("a [b] c"),), href="https://q.example"),),
        ),
        ("run `a*b` now", (Text("run "), Span("code", (Text("a*b"),)), Text(" now"))),
        ("a ~~b~~ c", (Text("a "), Span("s", (Text("b"),)), Text(" c"))),
        ("a __b__ c", (Text("a "), Span("b", (Text("b"),)), Text(" c"))),
        ("__粗体__。", (Span("b", (Text("粗体"),)), Text("。"))),
        ("snake__case__name", (Text("snake__case__name"),)),  # inside a word: text
    ],
)
def test_formatting_is_recognised(source: str, nodes: tuple[object, ...]) -> None:
    assert parse_inline(source) == nodes


@pytest.mark.parametrize(
    ("source", "visible"),
    [
        ("5**3 = 125", "5**3 = 125"),  # an unmatched bold marker
        ("****", "****"),  # empty bold
        ("[x](a b)", "[x](a b)"),  # a space: not a URL
        ("[x] (https://y.example)", "[x] (https://y.example)"),
        ("[](https://y.example)", "[](https://y.example)"),
        (r"\*not bold\* and \[not a link\]", "*not bold* and [not a link]"),
        ("<b>&amp;</b>", "<b>&amp;</b>"),  # HTML is text here; the renderer escapes it
    ],
)
def test_anything_else_is_literal_text(source: str, visible: str) -> None:
    assert plain_text(parse_inline(source)) == visible
    assert list(links(parse_inline(source))) == []
