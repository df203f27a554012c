"""What readers type for dates and time zones, read as they meant it (pure functions)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import available_timezones

import pytest

from bot.callback_data import TOKEN
from bot.services.days import BadDay, looks_like_day, read_day
from bot.services.zones import read_zone, zone_from_token, zone_token

TODAY = date(2025, 7, 21)
SUMMER = datetime(2025, 7, 21, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("2025-07-21", date(2025, 7, 21)),
        (" 2025-7-1 ", date(2025, 7, 1)),
        ("2025/7/21", date(2025, 7, 21)),
        ("2025.07.21", date(2025, 7, 21)),
        ("20250721", date(2025, 7, 21)),
        ("2025年7月21日", date(2025, 7, 21)),
        ("12-31", date(2025, 12, 31)),
        ("7月20号", date(2025, 7, 20)),
        ("Today", TODAY),
        ("今天", TODAY),
        ("YESTERDAY", date(2025, 7, 20)),
        ("昨天", date(2025, 7, 20)),
        ("前天", date(2025, 7, 19)),
        ("2024-02-29", date(2024, 2, 29)),
    ],
)
def test_a_date_is_read_however_it_is_written(typed: str, meant: date) -> None:
    assert read_day(typed, TODAY) == meant
    assert looks_like_day(typed)


@pytest.mark.parametrize(
    ("typed", "key", "params"),
    [
        ("2025-02-30", "date.no_such_day", {"year": 2025, "month": 2, "days": 28}),
        ("2025-04-31", "date.no_such_day", {"year": 2025, "month": 4, "days": 30}),
        ("2025-13-01", "date.no_such_month", {"month": 13}),
        ("0000-01-01", "date.no_such_day", {"year": 0, "month": 1, "days": 31}),
        ("soon", "date.invalid", {}),
        ("2025-07-21-01", "date.invalid", {}),
    ],
)
def test_a_wrong_date_says_what_is_wrong(typed: str, key: str, params: dict[str, int]) -> None:
    with pytest.raises(BadDay) as raised:
        read_day(typed, TODAY)
    assert raised.value.key == key
    assert raised.value.params == {"text": typed, **params}


def test_only_date_like_words_are_taken_as_dates() -> None:
    assert looks_like_day("2025-02-30")  # a date, if an impossible one
    assert not looks_like_day("硬件前沿")
    assert not looks_like_day("AI")


@pytest.mark.parametrize(
    ("typed", "zone", "offset"),
    [
        ("europe/berlin", "Europe/Berlin", None),
        ("ASIA/SHANGHAI", "Asia/Shanghai", None),
        ("America/New York", "America/New_York", None),
        ("utc", "UTC", None),
        ("UTC+8", "Etc/GMT-8", "UTC+8"),
        ("GMT-3", "Etc/GMT+3", "GMT-3"),
        ("+08:00", "Etc/GMT-8", "+08:00"),
        ("UTC+0", "UTC", None),
        ("UTC+14", "Etc/GMT-14", "UTC+14"),
    ],
)
def test_a_zone_or_offset_is_certain(typed: str, zone: str, offset: str | None) -> None:
    reading = read_zone(typed, SUMMER)
    assert (reading.zone, reading.fixed_offset, reading.suggestions) == (zone, offset, ())


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Berlin", ("Europe/Berlin",)),
        ("new york", ("America/New_York",)),
        ("北京", ("Asia/Shanghai",)),
        ("Tokio", ("Asia/Tokyo",)),
        ("Mars/Phobos", ()),
        ("UTC+13:30", ()),
        ("UTC-13", ()),
    ],
)
def test_a_city_or_a_near_miss_is_only_suggested(typed: str, suggested: tuple[str, ...]) -> None:
    reading = read_zone(typed, SUMMER)
    assert reading.zone is None
    assert reading.suggestions == suggested


def test_every_zone_name_fits_a_button() -> None:
    for name in available_timezones():
        assert zone_from_token(str(TOKEN.decode(zone_token(name)))) == name
