"""The push-day rule as a pure function: which push instant a due reader is served for,
checked against a brute-force walk over their push instants, across zones with daylight
saving, odd offsets and every cutoff."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.scheduler.planner import instant_to_serve
from bot.store.next_push import next_push_instant

ZONES = (
    "Asia/Shanghai",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "Pacific/Kiritimati",
    "America/St_Johns",
)

# Hypothesis takes naive bounds and attaches the zone itself.
EARLIEST = datetime(2024, 1, 1)  # noqa: DTZ001
LATEST = datetime(2027, 12, 31)  # noqa: DTZ001


def latest_at_or_before(scheduled: datetime, now: datetime, zone: ZoneInfo, at: time) -> datetime:
    """Walk the reader's push instants from ``scheduled`` one by one up to ``now``."""
    instant = scheduled
    while (later := next_push_instant(instant, zone, at)) <= now:
        instant = later
    return instant


@settings(max_examples=300, deadline=None)
@given(
    zone_name=st.sampled_from(ZONES),
    at=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    subscribed=st.datetimes(min_value=EARLIEST, max_value=LATEST, timezones=st.just(UTC)),
    late=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=4)),
    cutoff_hours=st.integers(min_value=0, max_value=24),
)
def test_the_latest_push_instant_within_the_cutoff_is_served(
    zone_name: str, at: time, subscribed: datetime, late: timedelta, cutoff_hours: int
) -> None:
    zone = ZoneInfo(zone_name)
    scheduled = next_push_instant(subscribed, zone, at)
    now = scheduled + late
    cutoff = timedelta(hours=cutoff_hours)

    served = instant_to_serve(scheduled, now, zone, at, cutoff)

    latest = latest_at_or_before(scheduled, now, zone, at)
    assert served == (latest if now - latest <= cutoff else None)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Due at 08:00 Shanghai (00:00 UTC) on 2025-07-21, cutoff 6 h.
        (datetime(2025, 7, 21, 0, 0, tzinfo=UTC), datetime(2025, 7, 21, 0, 0, tzinfo=UTC)),
        (datetime(2025, 7, 21, 6, 0, tzinfo=UTC), datetime(2025, 7, 21, 0, 0, tzinfo=UTC)),
        (datetime(2025, 7, 21, 6, 0, 1, tzinfo=UTC), None),
        # Down for two days: the 2025-07-23 push is 1 h old and is the one served.
        (datetime(2025, 7, 23, 1, 0, tzinfo=UTC), datetime(2025, 7, 23, 0, 0, tzinfo=UTC)),
    ],
)
def test_cutoff_boundaries(now: datetime, expected: datetime | None) -> None:
    scheduled = datetime(2025, 7, 21, 0, 0, tzinfo=UTC)
    zone = ZoneInfo("Asia/Shanghai")
    assert instant_to_serve(scheduled, now, zone, time(8, 0), timedelta(hours=6)) == expected
