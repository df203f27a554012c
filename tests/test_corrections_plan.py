"""Which delivered messages a correction edits, as pure functions over digests: the plan
of an unchanged version edits nothing for any reader; a changed item edits exactly the
messages that show it, the filter note stays where it was, an item too long for one
message is re-split over the same messages; the diff names each changed part."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.corrections.diff import diff_digests, diff_html, diff_lines
from bot.corrections.plan import keyed_groups, parts_of, plan_edits
from bot.delivery.senders.variants import render_variant
from bot.digest.categories import CategoryRules
from bot.digest.model import Digest
from bot.digest.parser import load_digest
from bot.render import render_full
from bot.store.ledger import Variant
from tests.fixtures.corrections import item, long_digest, rehashed, with_item

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "digests" / "2025-07-21.md"
RULES = CategoryRules.default()
VARIANTS = [
    Variant(fmt, lang, categories, keywords)
    for fmt in ("compact", "full")
    for lang in ("zh", "en")
    for categories, keywords in (((), ()), (("硬件前沿",), ()), ((), ("+OpenAI",)))
]


@pytest.fixture(scope="module")
def digest() -> Digest:
    return long_digest(load_digest(EXAMPLE))


@pytest.mark.parametrize("variant", VARIANTS)
def test_an_unchanged_version_edits_nothing(digest: Digest, variant: Variant) -> None:
    plan = plan_edits(digest, digest, variant, RULES)
    assert plan.edits == ()
    assert plan.messages == len(render_variant(digest, variant, RULES))


def test_the_parts_follow_the_full_format_split(digest: Digest) -> None:
    parts = parts_of(keyed_groups(digest))
    assert len(parts) == len(render_full(digest)) >= 3
    flat = [key for part in parts for key in part]
    assert flat == ["head", *(f"i{i.number}" for i in digest.items), "end"]  # once each, in order


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_changed_headline_edits_only_the_messages_showing_it(
    digest: Digest, variant: Variant
) -> None:
    corrected = with_item(digest, 1, title="更正后的标题 OpenAI")
    plan = plan_edits(digest, corrected, variant, RULES)
    was = render_variant(digest, variant, RULES)
    now = render_variant(corrected, variant, RULES)
    assert len(plan.edits) == 1 and plan.items == (1,)
    (edit,) = plan.edits
    assert "更正后的标题" in str(edit.params["text"])
    # Here the split does not move, so the edit is exactly the message a new push sends.
    assert edit.params == now[edit.index].api_params()
    assert [m for i, m in enumerate(was) if i != edit.index] == [
        m for i, m in enumerate(now) if i != edit.index
    ]


def test_the_filter_note_stays_in_the_edited_message(digest: Digest) -> None:
    variant = Variant("compact", "en", ("硬件前沿",))
    corrected = with_item(digest, 2, title="Foxconn starts on Vera Rubin")
    (edit,) = plan_edits(digest, corrected, variant, RULES).edits
    text = str(edit.params["text"])
    assert "Foxconn starts on Vera Rubin" in text and "match your filter" in text


def test_an_item_split_over_messages_is_re_split_over_the_same_ones() -> None:
    example = load_digest(EXAMPLE)
    huge = " ".join([item(example, 3).summary[0]] * 40)  # ~6,400 characters
    digest = with_item(example, 3, summary=(huge,))
    parts = parts_of(keyed_groups(digest))
    holding = [i for i, part in enumerate(parts) if "i3" in part]
    assert len(holding) >= 2
    corrected = with_item(digest, 3, title="更正")
    plan = plan_edits(digest, corrected, Variant("full", "zh"), RULES)
    assert {e.index for e in plan.edits} <= set(holding)
    assert plan.messages == len(parts) and plan.overflow == 0


def test_an_added_item_joins_the_message_of_the_one_before() -> None:
    example = load_digest(EXAMPLE)
    extra = dataclasses.replace(item(example, 9), number=10, title="新增条目")
    corrected = rehashed(dataclasses.replace(example, items=(*example.items, extra)))
    plan = plan_edits(example, corrected, Variant("full", "zh"), RULES)
    (edit,) = plan.edits
    assert "新增条目" in str(edit.params["text"])
    assert plan.parts is not None and "i10" in plan.parts[edit.index]


def test_the_diff_names_every_changed_part() -> None:
    example = load_digest(EXAMPLE)
    corrected = with_item(example, 4, title="新标题", url="https://example.com/fixed")
    corrected = rehashed(dataclasses.replace(corrected, intro=("新的导语。",)))
    changes = diff_digests(example, corrected)
    assert [(c.part, c.item) for c in changes] == [
        ("intro", None),
        ("headline", 4),
        ("link", 4),
    ]
    lines = diff_lines(changes, "en")
    assert lines[0] == "Intro" and "  + 新的导语。" in lines
    assert "Item 4 · link" in lines and "  + https://example.com/fixed" in lines
    assert "<b>第 4 条 · 标题</b>" in diff_html(changes, "zh")
    assert diff_html(changes, "en", limit=10).endswith("… and 2 more changes")
