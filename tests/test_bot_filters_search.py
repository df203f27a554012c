"""/filter (a reader's keyword filter, applied to /today) and /search over every stored
digest, in Chinese and English, end to end through the sandbox."""

from __future__ import annotations

from dataclasses import replace

from tests.fixtures.reader_bot import BotRunner, ChatDriver, button_labels


async def test_a_keyword_filter_is_saved_shown_and_applied_to_today(
    private_chat: ChatDriver,
) -> None:
    await private_chat.ask("/start")
    saved = await private_chat.ask("/filter +英伟达 -马斯克")
    assert saved.text == (
        "筛选已保存：包含任一：英伟达；不含：马斯克。\n"
        "推送和 /today 只显示符合的条目；/filter off 取消。"
    )
    assert "\n筛选：包含任一：英伟达；不含：马斯克\n" in (await private_chat.ask("/settings")).text
    (digest,) = await private_chat.send("/today")
    # As the push has it: the items that pass, and a note at the end with "show all".
    assert "\n2. 鸿海开始导入英伟达Vera Rubin平台\n8. 黄仁勋谈小米雷军" in digest.text
    assert "马斯克" not in digest.text.split("今日条目")[1].split("\n\n")[0]
    assert digest.text.endswith(
        "\n\n按你的筛选（包含任一：英伟达；不含：马斯克），9 条里有 2 条符合。"
    )
    assert button_labels(digest) == ["2", "8", "📋 显示全部"]
    (everything,) = await private_chat.press(digest, "显示全部")
    assert button_labels(everything) == [str(n) for n in range(1, 10)]
    assert (await private_chat.ask("/filter")).text.startswith(
        "当前筛选：包含任一：英伟达；不含：马斯克。"
    )
    assert (
        await private_chat.ask("/filter off")
    ).text == "已取消筛选：推送和 /today 显示全部条目。"
    (plain,) = await private_chat.send("/today")
    assert button_labels(plain) == [str(n) for n in range(1, 10)]


async def test_a_filter_is_case_insensitive_and_whole_word_in_english(
    english_chat: ChatDriver,
) -> None:
    await english_chat.ask("/start")
    saved = await english_chat.ask("/filter +OPENAI +gpu")
    assert saved.text.startswith("Filter saved: any of OPENAI, gpu.")
    (digest,) = await english_chat.send("/today")
    assert digest.text.endswith("\n\n1 of 9 items match your filter (any of OPENAI, gpu).")
    assert button_labels(digest) == ["1", "📋 Show all"]
    # "ai" is a word of its own: it does not match "said" or "OpenAI", only "AI".
    await english_chat.ask("/filter +ai")
    (digest,) = await english_chat.send("/today")
    assert digest.text.endswith("\n\n6 of 9 items match your filter (any of ai).")


async def test_when_nothing_matches_one_line_says_so_with_show_all(
    english_chat: ChatDriver,
) -> None:
    await english_chat.ask("/start")
    await english_chat.ask("/filter +weather")
    (note,) = await english_chat.send("/today")
    assert note.text == "None of the 9 items of 2025-07-21 match your filter (any of weather)."
    (everything,) = await english_chat.press(note, "Show all")
    assert everything.text.startswith("2025.07.21 全球AI新闻速递\n")


async def test_a_bad_filter_is_explained_and_changes_nothing(english_chat: ChatDriver) -> None:
    await english_chat.ask("/start")
    await english_chat.ask("/filter +openai")
    assert (await english_chat.ask("/filter +chips -")).text == (
        "“-” has no word after it. Usage: /filter +openai -musk"
    )
    assert (await english_chat.ask("/filter +" + "x" * 50)).text.startswith(
        "“xxxxxxxxxxxxxxxxxxxx…” is too long"
    )
    assert "Keywords: any of openai\n" in (await english_chat.ask("/settings")).text
    assert (await english_chat.ask("/filter")).text.startswith("Your filter: any of openai.")


async def test_search_finds_chinese_without_spaces_newest_first(private_chat: ChatDriver) -> None:
    found = await private_chat.ask("/search 英伟达")
    lines = found.text.split("\n")
    assert lines[0] == "🔍「英伟达」共 2 条（最新在前）："
    assert lines[1] == "2. 鸿海开始导入英伟达Vera Rubin平台"  # one digest: its own numbers
    assert lines[2].startswith("8. 黄仁勋谈小米雷军")
    assert button_labels(found) == ["2", "8"]
    links = [e for e in found.entities if e["type"] == "text_link"]
    assert len(links) == 2
    (item,) = await private_chat.press(found, "8")
    assert item.text.startswith("8. 黄仁勋谈小米雷军")
    # A word inside a Chinese sentence (大模型 is "模型" with no space before it).
    assert (await private_chat.ask("/search 模型")).text.startswith("🔍「模型」共 ")
    assert (await private_chat.ask("/search 天气预报")).text == "往期简报里没有找到「天气预报」。"
    assert (await private_chat.ask("/search")).text.startswith("用法：/search 关键词")


async def test_search_spans_every_digest_with_dates_and_exclusions(
    english_chat: ChatDriver,
) -> None:
    found = await english_chat.ask("/search gpu")
    lines = found.text.split("\n")
    assert lines[0] == "🔍 “gpu”: 2 items, newest first:"
    assert lines[1:4] == [
        "",
        "2025-07-23",
        "1. Chip makers report record demand for AI accelerators",
    ]
    assert lines[4:6] == ["", "2025-07-21"]
    assert lines[6].startswith("2. OpenAI 奥尔特曼")
    assert button_labels(found) == ["1", "2"]
    (item,) = await english_chat.press(found, "2")
    assert item.text.startswith("1. OpenAI 奥尔特曼")
    narrowed = await english_chat.ask("/search gpu -chip")
    assert narrowed.text.split("\n")[0] == "🔍 “gpu -chip”: 1 item:"


async def test_search_sees_a_correction_of_a_stored_digest(
    english_chat: ChatDriver, bot_runner: BotRunner
) -> None:
    assert (await english_chat.ask("/search robot hands")).text.startswith("🔍 “robot hands”: 1")
    assert bot_runner.application is not None
    archive = bot_runner.application.bot_data.services.runtime.stores.digests
    current = await archive.load("2025-07-23")
    assert current is not None
    renamed = replace(current.items[1], title="A startup raises a Series B for robot arms")
    corrected = replace(current, items=(current.items[0], renamed, current.items[2]))
    await archive.save(replace(corrected, content_hash=corrected.compute_hash()))
    assert (await english_chat.ask("/search robot hands")).text == (
        "Nothing in the digests matches “robot hands”."
    )
    assert (await english_chat.ask("/search robot arms")).text.startswith("🔍 “robot arms”: 1")
