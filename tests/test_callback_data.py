"""Callback data: what buttons carry, and every way forged or stale data is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.callback_data import (
    DATE,
    INT,
    OPEN_ITEM,
    RENDERED,
    TOKEN,
    Action,
    Callback,
    Codec,
    InvalidCallback,
    open_item,
)

unpack = RENDERED.unpack


def test_open_item_is_short_and_decodes_to_the_iso_date_and_number() -> None:
    data = open_item("2025-07-21", 3)
    assert data == "v1:it:20250721:3"
    assert unpack(data) == Callback(OPEN_ITEM, ("2025-07-21", 3))


@given(
    day=st.dates(),
    number=st.integers(min_value=0, max_value=10**17),
)
def test_every_open_item_round_trips_within_64_bytes(day: object, number: int) -> None:
    data = open_item(str(day), number)
    assert len(data.encode()) <= 64
    assert unpack(data) == Callback(OPEN_ITEM, (str(day), number))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("", "empty"),
        ("v2:it:20250721:3", "unknown version 'v2' (this bot speaks v1)"),
        ("it:20250721:3", "unknown version 'it' (this bot speaks v1)"),
        ("v1", "no action"),
        ("v1:zz:1", "unknown action 'zz'"),
        ("v1:it:20250721", "action 'open_item' takes 2 arguments, got 1"),
        ("v1:it:20250721:3:4", "action 'open_item' takes 2 arguments, got 3"),
        ("v1:it:2025-07-21:3", "argument 1 (date): expected a date as YYYYMMDD"),
        ("v1:it:20250230:3", "argument 1 (date): day is out of range for month"),
        ("v1:it:20250721:-3", "argument 2 (int): expected a non-negative integer"),
        ("v1:it:20250721:03", "argument 2 (int): expected a non-negative integer"),
        ("v1:it:20250721:three", "argument 2 (int): expected a non-negative integer"),
        ("v1:it:" + "9" * 70, "longer than 64 bytes"),
    ],
)
def test_malformed_data_is_refused_with_its_reason(data: str, reason: str) -> None:
    with pytest.raises(InvalidCallback) as raised:
        unpack(data)
    assert raised.value.reason == reason


@given(st.text(max_size=80))
def test_arbitrary_data_never_crashes_unpack(data: str) -> None:
    try:
        callback = unpack(data)
    except InvalidCallback as error:
        assert error.reason
    else:
        assert callback.action.pack(*callback.args) == data


def test_a_codec_knows_only_its_actions_and_refuses_clashes_and_oversized_data() -> None:
    setting = Action("test_setting", "tst", (TOKEN, INT))
    codec = Codec((OPEN_ITEM, setting))
    assert codec.unpack(setting.pack("push_time", 480)) == Callback(setting, ("push_time", 480))
    with pytest.raises(InvalidCallback, match="unknown action 'tst'"):
        unpack(setting.pack("push_time", 480))  # the renderer's codec never declared it
    with pytest.raises(ValueError, match="clashes"):
        Codec((setting, Action("test_other", "tst", (DATE,))))
    with pytest.raises(ValueError, match="short token"):
        setting.pack("has:colon", 1)
    with pytest.raises(ValueError, match="over 64 bytes"):
        Action("test_many", "tsm", (INT,) * 8).pack(*([10**9] * 8))
    with pytest.raises(ValueError, match="1-4 lowercase letters"):
        Action("test_bad", "TOOLONG")
