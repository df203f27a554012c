"""Keyword filters and search terms: literal, case-insensitive, CJK-aware matching."""

from __future__ import annotations

import pytest

from bot.digest.keywords import BadFilter, KeywordFilter, contains, fold, item_text, parse_filter
from bot.digest.model import Item


def item(title: str, *summary: str) -> Item:
    return Item(1, title, "https://example.com", summary)


@pytest.mark.parametrize(
    ("text", "term", "found"),
    [
        ("OpenAI发布新模型", "openai", True),
        ("the model said so", "ai", False),  # a Latin term starts a word
        ("OpenAI releases", "ai", False),
        ("new models beat rivals", "model", True),  # ... and may end inside one
        ("AI芯片需求创新高", "芯片", True),  # Chinese has no spaces: anywhere
        ("英伟达ai芯片", "ai芯片", True),
        ("GPU-Cluster", "cluster", True),
        ("a.b", ".", True),
        ("anything", "", False),
    ],
)
def test_contains_is_literal_and_cjk_aware(text: str, term: str, found: bool) -> None:
    assert contains(fold(text), fold(term)) is found


def test_a_term_is_never_a_pattern() -> None:
    assert not contains(fold("anything at all"), fold(".*"))
    assert contains(fold("costs $5 (approx.)"), fold("(approx.)"))


def test_the_summary_counts_but_not_link_targets() -> None:
    news = item("Chips", "Demand from [Nvidia](https://musk.example) grew.")
    assert "nvidia" in item_text(news)
    assert not KeywordFilter.from_stored(["+musk"]).matches(news)


def test_include_any_and_exclude_every() -> None:
    keep = KeywordFilter.from_stored(["+openai", "+芯片", "-马斯克"])
    assert keep.matches(item("OpenAI 发布 GPT"))
    assert keep.matches(item("台积电", "AI芯片需求"))
    assert not keep.matches(item("OpenAI 与马斯克"))
    assert not keep.matches(item("天气"))
    only_out = KeywordFilter.from_stored(["-musk"])
    assert only_out.matches(item("Weather"))
    assert not only_out.matches(item("Musk says"))
    assert not KeywordFilter.from_stored([])


def test_what_a_reader_types_becomes_stored_terms() -> None:
    assert parse_filter("+OpenAI -musk 芯片 \uff0b英伟达 -musk") == (  # a full-width plus
        "+OpenAI",
        "-musk",
        "+芯片",
        "+英伟达",
    )
    assert parse_filter('+"open source" -“self driving”') == ("+open source", "-self driving")
    with pytest.raises(BadFilter) as raised:
        parse_filter("+openai -")
    assert raised.value.key == "filter.empty_term"
    with pytest.raises(BadFilter) as raised:
        parse_filter("+" + "x" * 41)
    assert raised.value.key == "filter.too_long"
    with pytest.raises(BadFilter) as raised:
        parse_filter(" ".join(f"w{n}" for n in range(21)))
    assert raised.value.key == "filter.too_many"
