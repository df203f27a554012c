"""/category and /categories: names matched through aliases and case, unknown names
answered with the known ones and the closest match."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bot.settings import Settings
from sandbox import SandboxControl
from tests.fixtures.reader_bot import BotRunner, ChatDriver, button_labels
from tests.fixtures.stores import MovableClock


async def test_categories_lists_each_with_its_count_and_a_button_opens_it(
    private_chat: ChatDriver,
) -> None:
    listing = await private_chat.ask("/categories")
    assert listing.text == (
        "2025-07-21 的分类（点一下查看）：\n人工智能（8）\n硬件前沿（6）\n产业动态（8）"
    )
    assert button_labels(listing) == ["人工智能（8）", "硬件前沿（6）", "产业动态（8）"]
    (hardware,) = await private_chat.press(listing, "硬件前沿")
    lines = hardware.text.split("\n")
    assert lines[0] == "2025-07-21 ·「硬件前沿」· 6 条："
    # Every headline in full in the text, linked; short numbered buttons beneath.
    assert lines[2] == "2. 鸿海开始导入英伟达Vera Rubin平台"
    assert len(lines) == 7
    links = [e for e in hardware.entities if e["type"] == "text_link"]
    assert len(links) == 6
    assert all(label.isdigit() for label in button_labels(hardware))
    (item,) = await private_chat.press(hardware, "2")
    assert item.text.startswith("2. 鸿海开始导入英伟达Vera Rubin平台")


async def test_a_category_is_found_by_alias_and_in_any_case(english_chat: ChatDriver) -> None:
    for typed in ("hardware", "HARDWARE", "硬件前沿"):
        answer = await english_chat.ask(f"/category {typed}")
        header, first = answer.text.split("\n")[:2]
        assert header == "2025-07-21 · “硬件前沿” · 6 items:"
        assert first.startswith("1. OpenAI")
        assert button_labels(answer)[0] == "1"


async def test_categories_that_hold_no_item_are_not_listed(english_chat: ChatDriver) -> None:
    # The 2025-07-23 example declares its categories as aliases; none is empty there.
    listing = await english_chat.ask("/categories 2025-07-23")
    rows = listing.text.split("\n")[1:]
    assert rows and all(not row.endswith("(0)") for row in rows)
    assert button_labels(listing) == rows


async def test_a_category_of_another_day(private_chat: ChatDriver) -> None:
    answer = await private_chat.ask("/category 人工智能 2025-07-22")
    assert answer.text.startswith("2025-07-22 ·「人工智能」·")


async def test_an_unknown_category_names_the_closest_and_the_known_ones(
    private_chat: ChatDriver, english_chat: ChatDriver
) -> None:
    typo = await private_chat.ask("/category Hardwre")
    assert (
        typo.text
        == "没有「Hardwre」这个分类，你是不是要找「硬件前沿」？可选：人工智能、硬件前沿、产业动态"
    )
    # "Did you mean" is a button, and so is every other category.
    assert button_labels(typo) == ["👉 硬件前沿", "人工智能", "产业动态"]
    (hardware,) = await private_chat.press(typo, "硬件前沿")
    assert hardware.text.startswith("2025-07-21 ·「硬件前沿」· 6 条：")
    nothing_close = await english_chat.ask("/category weather")
    assert nothing_close.text == (
        "There is no category “weather”. Known: 人工智能, 硬件前沿, 产业动态"
    )
    assert button_labels(nothing_close) == ["人工智能", "硬件前沿", "产业动态"]
    usage = await private_chat.ask("/category")
    assert usage.text == "用法：/category 分类名，例如 /category 人工智能。"


async def test_the_operators_category_rules_decide_what_a_category_holds(
    bot_settings: Settings, clock: MovableClock, sandbox_control: SandboxControl, tmp_path: Path
) -> None:
    # The built-in rules put 8 items of 2025-07-21 in 产业动态; this file leaves one.
    rules = tmp_path / "rules.toml"
    rules.write_text('[categories."产业动态"]\naliases = ["biz"]\nkeywords = ["鸿海"]\n', "utf-8")
    runner = BotRunner(dataclasses.replace(bot_settings, category_rules_file=rules), clock)
    await runner.start()
    try:
        chat = await sandbox_control.create_private_chat(first_name="R", language_code="en")
        reader = ChatDriver(sandbox_control, chat, chat.user_id)
        answer = await reader.ask("/category biz 2025-07-21")
    finally:
        await runner.stop()
    assert answer.text == ("2025-07-21 · “产业动态” · 1 item:\n2. 鸿海开始导入英伟达Vera Rubin平台")
    assert button_labels(answer) == ["2"]
