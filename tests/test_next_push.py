"""Next push instants: the reader's wall-clock time in their own zone, across DST."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.store.next_push import next_push_instant

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Adelaide",
    "Asia/Kathmandu",
    "Asia/Shanghai",
]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "after", "at", "expected"),
    [
        # Europe/Berlin: CET +1 -> CEST +2 on 2025-03-30, back on 2025-10-26.
        ("Europe/Berlin", utc(2025, 3, 29, 6, 0), time(8, 0), utc(2025, 3, 29, 7, 0)),
        ("Europe/Berlin", utc(2025, 3, 29, 12, 0), time(8, 0), utc(2025, 3, 30, 6, 0)),
        ("Europe/Berlin", utc(2025, 10, 25, 12, 0), time(8, 0), utc(2025, 10, 26, 7, 0)),
        # America/New_York: EST -5 -> EDT -4 on 2025-03-09, back on 2025-11-02.
        ("America/New_York", utc(2025, 3, 8, 12, 0), time(8, 0), utc(2025, 3, 8, 13, 0)),
        ("America/New_York", utc(2025, 3, 8, 14, 0), time(8, 0), utc(2025, 3, 9, 12, 0)),
        ("America/New_York", utc(2025, 11, 1, 13, 0), time(8, 0), utc(2025, 11, 2, 13, 0)),
        # Asia/Kolkata: +05:30 all year.
        ("Asia/Kolkata", utc(2025, 3, 9, 0, 0), time(8, 0), utc(2025, 3, 9, 2, 30)),
        ("Asia/Kolkata", utc(2025, 3, 9, 2, 30), time(8, 0), utc(2025, 3, 10, 2, 30)),
        # Australia/Adelaide: ACDT +10:30 -> ACST +09:30 on 2025-04-06, back on 2025-10-05.
        ("Australia/Adelaide", utc(2025, 4, 4, 12, 0), time(8, 0), utc(2025, 4, 4, 21, 30)),
        ("Australia/Adelaide", utc(2025, 4, 5, 12, 0), time(8, 0), utc(2025, 4, 5, 22, 30)),
        ("Australia/Adelaide", utc(2025, 10, 3, 12, 0), time(8, 0), utc(2025, 10, 3, 22, 30)),
        ("Australia/Adelaide", utc(2025, 10, 4, 12, 0), time(8, 0), utc(2025, 10, 4, 21, 30)),
        # Asia/Kathmandu: +05:45 all year.
        ("Asia/Kathmandu", utc(2025, 1, 1, 0, 0), time(8, 0), utc(2025, 1, 1, 2, 15)),
        # Asia/Shanghai: +08:00; 08:00 local is midnight UTC.
        ("Asia/Shanghai", utc(2025, 7, 21, 0, 0), time(8, 0), utc(2025, 7, 22, 0, 0)),
        ("Asia/Shanghai", utc(2025, 7, 20, 23, 59), time(8, 0), utc(2025, 7, 21, 0, 0)),
    ],
)
def test_push_instant_follows_the_local_clock(
    zone: str, after: datetime, at: time, expected: datetime
) -> None:
    assert next_push_instant(after, ZoneInfo(zone), at) == expected


@pytest.mark.parametrize(
    ("zone", "after", "at", "expected"),
    [
        # 02:30 does not exist on the spring-forward day: pushed when the clocks jump.
        ("Europe/Berlin", utc(2025, 3, 29, 12, 0), time(2, 30), utc(2025, 3, 30, 1, 0)),
        ("America/New_York", utc(2025, 3, 8, 12, 0), time(2, 30), utc(2025, 3, 9, 7, 0)),
        ("Australia/Adelaide", utc(2025, 10, 4, 12, 0), time(2, 30), utc(2025, 10, 4, 16, 30)),
        # ... and the day after, back at 02:30 local.
        ("Europe/Berlin", utc(2025, 3, 30, 1, 0), time(2, 30), utc(2025, 3, 31, 0, 30)),
    ],
)
def test_a_time_in_the_spring_gap_is_pushed_when_the_clocks_jump(
    zone: str, after: datetime, at: time, expected: datetime
) -> None:
    assert next_push_instant(after, ZoneInfo(zone), at) == expected


@pytest.mark.parametrize(
    ("zone", "after", "at", "first", "next_day"),
    [
        # 02:30 happens twice on the fall-back day: only the first one is a push.
        (
            "Europe/Berlin",
            utc(2025, 10, 25, 12, 0),
            time(2, 30),
            utc(2025, 10, 26, 0, 30),
            utc(2025, 10, 27, 1, 30),
        ),
        (
            "America/New_York",
            utc(2025, 11, 1, 12, 0),
            time(1, 30),
            utc(2025, 11, 2, 5, 30),
            utc(2025, 11, 3, 6, 30),
        ),
        (
            "Australia/Adelaide",
            utc(2025, 4, 5, 0, 0),
            time(2, 30),
            utc(2025, 4, 5, 16, 0),
            utc(2025, 4, 6, 17, 0),
        ),
    ],
)
def test_an_ambiguous_autumn_time_is_pushed_once_at_its_first_occurrence(
    zone: str, after: datetime, at: time, first: datetime, next_day: datetime
) -> None:
    tz = ZoneInfo(zone)
    assert next_push_instant(after, tz, at) == first
    # Rescheduling after the first push skips the repeated wall time.
    assert next_push_instant(first, tz, at) == next_day


@pytest.mark.parametrize("zone", ZONES)
def test_an_0800_reader_gets_0800_local_every_day_through_both_switches(zone: str) -> None:
    tz = ZoneInfo(zone)
    for start in (utc(2025, 3, 1), utc(2025, 3, 25), utc(2025, 9, 28), utc(2025, 10, 20)):
        instant = start
        days = []
        for _ in range(21):
            instant = next_push_instant(instant, tz, time(8, 0))
            local = instant.astimezone(tz)
            assert (local.hour, local.minute) == (8, 0)
            days.append(local.date())
        assert all(b - a == timedelta(days=1) for a, b in itertools.pairwise(days))


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_push_instant(datetime(2025, 1, 1), ZoneInfo("UTC"), time(8, 0))  # noqa: DTZ001


@settings(max_examples=300, deadline=None)
@given(
    after=st.datetimes(
        min_value=datetime(2020, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
        max_value=datetime(2035, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    zone=st.sampled_from([*ZONES, "Australia/Lord_Howe", "America/Santiago", "Pacific/Apia"]),
    at=st.times(),
)
def test_next_push_is_the_first_matching_instant_and_never_repeats_a_day(
    after: datetime, zone: str, at: time
) -> None:
    tz = ZoneInfo(zone)
    start = after
    first = next_push_instant(start, tz, at.replace(microsecond=0))
    second = next_push_instant(first, tz, at.replace(microsecond=0))
    assert start < first <= start + timedelta(hours=26)
    # One push per local day: never twice on the same date, never a date skipped.
    assert second.astimezone(tz).date() - first.astimezone(tz).date() == timedelta(days=1)
