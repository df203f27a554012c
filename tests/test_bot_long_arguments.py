"""A reader's argument is quoted back cut to 64 characters: a 4,000-character argument
gets the command's own refusal, never "something went wrong" (an answer over Telegram's
4,096-character limit)."""

from __future__ import annotations

import pytest

from bot.i18n import quote
from tests.fixtures.reader_bot import ChatDriver

LONG = 4000


@pytest.mark.parametrize(
    ("command", "filler", "start"),
    [
        ("/category", "硬", "There is no category “硬硬"),
        ("/tz", "Z", "“ZZZ"),
        ("/item", "9x", "“9x9x"),
        ("/date", "7", "“777"),
        ("/time", "1", "“111"),
        # Words of a search are each short, so only the echo of the whole query was long.
        ("/search", "xyz ", "Nothing in the digests matches “xyz xyz"),
        ("/search", "英伟达 ", "🔍 “英伟达 英伟达"),
    ],
)
async def test_a_4000_character_argument_gets_the_refusal(
    english_chat: ChatDriver, command: str, filler: str, start: str
) -> None:
    await english_chat.ask("/start")
    argument = (filler * LONG)[:LONG]
    answer = await english_chat.ask(f"{command} {argument}")
    assert answer.text.startswith(start), answer.text[:200]
    assert quote(argument) in answer.text
    assert argument[:64] not in answer.text  # cut: 63 characters and "…"
    assert len(answer.text) < 1000
    assert not answer.text.startswith("Sorry, something went wrong")


def test_quote_cuts_with_an_ellipsis_and_never_splits_an_accent() -> None:
    assert quote("short") == "short"
    assert quote("a" * 64) == "a" * 64
    assert quote("a" * 65) == "a" * 63 + "…"
    accented = "a" * 62 + "e\u0301" + "b" * 10
    assert quote(accented) == "a" * 62 + "…"
    emoji = "a" * 61 + "👩\u200d💻" + "b" * 10
    assert quote(emoji) == "a" * 61 + "…"
