"""A list with more headlines than one message holds (long titles, many items) stays
within Telegram's limits and says how many it left out."""

from __future__ import annotations

from bot.digest.model import Digest, Item
from bot.services.reading import CategoryResult
from bot.services.search import SearchHit, SearchResult
from handlers.views.lists import category, search_results


def _items(count: int, title_length: int) -> tuple[Item, ...]:
    return tuple(
        Item(n, f"{n}号" + "很长的标题" * (title_length // 5), f"https://example.com/{n}", ())
        for n in range(1, count + 1)
    )


def _fits(html: str) -> bool:
    return len(html.encode("utf-16-le")) // 2 <= 4096 and html.count("<a ") <= 100


def test_a_long_category_list_is_cut_with_a_count_of_the_rest() -> None:
    items = _items(60, 200)
    digest = Digest.build(
        date="2025-07-21",
        title="t",
        categories=("AI",),
        intro=(),
        items=items,
        commentary=None,
        source="s",
    )
    screen = category(CategoryResult("zh", digest, "AI", items))
    assert _fits(screen.html)
    shown = screen.html.count("<a ")
    assert 0 < shown < 60
    assert screen.html.endswith(f"……还有 {60 - shown} 条")
    assert screen.keyboard is not None
    assert sum(len(row) for row in screen.keyboard.inline_keyboard) == shown


def test_many_short_hits_stay_under_the_entity_limit() -> None:
    hits = tuple(
        SearchHit(f"2025-07-{1 + n // 5:02d}", item) for n, item in enumerate(_items(20, 5))
    )
    screen = search_results(SearchResult("en", "x", hits, 200))
    assert _fits(screen.html)
    assert screen.html.endswith("… and 180 more")
