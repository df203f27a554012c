"""Settings typed the way people write them: time zones in any case, as UTC offsets or as
cities (suggested, to tap), end to end through the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.fixtures.reader_bot import ChatDriver, button_labels
from tests.fixtures.stores import MovableClock


async def test_a_zone_in_any_case_is_saved_by_its_real_name(english_chat: ChatDriver) -> None:
    await english_chat.ask("/start")
    answer = await english_chat.ask("/tz europe/berlin")
    assert answer.text == "Time zone is now Europe/Berlin; pushes come at 08:00."
    assert "Time zone: Europe/Berlin" in (await english_chat.ask("/settings")).text
    answer = await english_chat.ask("/tz america/new york")
    assert answer.text == "Time zone is now America/New_York; pushes come at 08:00."


async def test_a_utc_offset_becomes_a_fixed_offset_zone_and_the_reader_is_told(
    private_chat: ChatDriver, english_chat: ChatDriver, clock: MovableClock
) -> None:
    await english_chat.ask("/start")
    answer = await english_chat.ask("/tz UTC+8")
    assert answer.text == (
        "Time zone is now Etc/GMT-8; pushes come at 08:00.\n"
        "UTC+8 is a fixed UTC offset, saved as Etc/GMT-8 (IANA's Etc names flip the sign); it "
        "ignores daylight saving time. To follow it, send a city, e.g. /tz Berlin."
    )
    await private_chat.ask("/start")
    answer = await private_chat.ask("/tz utc-5")
    assert answer.text.startswith(
        "时区已改为 Etc/GMT+5，每天 08:00 推送。\nutc-5 是固定的 UTC 偏移"
    )
    # The saved zone is a real one: "today" follows it (UTC-5 at 02:00 UTC is yesterday).
    clock.now = datetime(2025, 7, 22, 2, 0, tzinfo=UTC)
    (digest,) = await private_chat.send("/today")
    assert digest.text.startswith("2025.07.21 全球AI新闻速递\n")


async def test_a_half_hour_offset_offers_the_places_that_use_it(english_chat: ChatDriver) -> None:
    await english_chat.ask("/start")
    answer = await english_chat.ask("/tz UTC+5:30")
    assert answer.text.startswith("“UTC+5:30” is not a time zone name. Which one did you mean?")
    assert "Asia/Kolkata" in button_labels(answer)


async def test_a_city_is_suggested_as_a_zone_to_tap(
    private_chat: ChatDriver, english_chat: ChatDriver
) -> None:
    await english_chat.ask("/start")
    suggestion = await english_chat.ask("/tz Berlin")
    assert (
        suggestion.text == "Did you mean the time zone Europe/Berlin for “Berlin”? Tap to save it:"
    )
    assert button_labels(suggestion) == ["Europe/Berlin"]
    assert "Time zone: Asia/Shanghai" in (await english_chat.ask("/settings")).text  # not yet
    saved = await english_chat.press_for_edit(suggestion, "Europe/Berlin")
    assert saved.text == "Time zone is now Europe/Berlin; pushes come at 08:00."
    assert "Time zone: Europe/Berlin" in (await english_chat.ask("/settings")).text
    await private_chat.ask("/start")
    typo = await private_chat.ask("/tz 纽约")
    assert typo.text == "「纽约」是 America/New_York 时区吗？点一下保存："
    several = await private_chat.ask("/tz Louisville")
    assert several.text == "「Louisville」不是时区名，你指的是下面哪一个？点一下保存："
    assert button_labels(several) == ["America/Kentucky/Louisville", "America/Louisville"]
    near_miss = await private_chat.ask("/tz Berln")
    assert button_labels(near_miss) == ["Europe/Berlin"]


async def test_a_city_before_start_is_told_to_subscribe_first_like_a_zone(
    english_chat: ChatDriver,
) -> None:
    # Not a button that could only answer "send /start first" once tapped.
    need_start = (await english_chat.ask("/tz Europe/Berlin")).text
    assert need_start.startswith("Please send /start")
    for typed in ("/tz Berlin", "/tz UTC+5:30"):
        answer = await english_chat.ask(typed)
        assert answer.text == need_start, typed
        assert button_labels(answer) == []
