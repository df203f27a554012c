"""The note on a filtered digest: its words, its "show all" button, and where it goes."""

from __future__ import annotations

from bot.render import Button, RenderedMessage
from bot.render.filter_note import filter_note, rules_text, with_note


def test_the_rules_read_as_words_in_each_language() -> None:
    assert rules_text("en", ["硬件前沿"], ["+openai", "+gpu", "-musk"]) == (
        "categories: 硬件前沿; any of openai, gpu; none of musk"
    )
    assert rules_text("zh", [], ["-马斯克"]) == "不含：马斯克"
    assert rules_text("en", [], []) == "none"


def test_the_note_counts_or_says_nothing_matched_with_show_all() -> None:
    some = filter_note("en", "2025-07-21", 6, 9, ["AI"])
    assert some.text == "6 of 9 items match your filter (categories: AI)."
    assert some.keyboard == ((Button("📋 Show all", callback_data="v1:all:20250721"),),)
    none = filter_note("zh", "2025-07-21", 0, 9, (), ["+<b>"])
    assert none.text == "2025-07-21 的 9 条里没有符合你筛选（包含任一：&lt;b&gt;）的条目。"


def test_the_note_joins_the_last_message_when_it_has_room() -> None:
    note = filter_note("en", "2025-07-21", 1, 9, ["AI"])
    digest = RenderedMessage("<b>Digest</b>", keyboard=((Button("1", callback_data="x"),),))
    (joined,) = with_note([digest], note)
    assert joined.text == "<b>Digest</b>\n\n1 of 9 items match your filter (categories: AI)."
    assert joined.keyboard == (*digest.keyboard, *note.keyboard)
    full = RenderedMessage("x" * 4090)
    assert with_note([full], note) == [full, note]  # no room: a message of its own
    assert with_note([], note) == [note]
