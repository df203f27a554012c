"""When a subscriber's next push is due: pure, daylight-saving-correct time math.

A reader's push time is a wall-clock time in their own zone, so the instant moves with
the zone's offset: an 08:00 reader in Europe/Berlin is pushed at 07:00 UTC in winter and
06:00 UTC in summer. Two local times need a rule:

- a time that does not exist (the spring-forward gap, e.g. 02:30 in Berlin on the last
  Sunday of March) is pushed at the first valid instant after it: the moment the clocks
  jump (03:00 local);
- a time that exists twice (the autumn fall-back, e.g. 02:30 in Berlin on the last Sunday
  of October) is pushed at its first occurrence only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def next_push_instant(after: datetime, tz: ZoneInfo, at: time) -> datetime:
    """The first instant strictly after ``after`` (aware) whose local time in ``tz`` is
    ``at``, as an aware UTC datetime."""
    if after.tzinfo is None:
        raise ValueError("after must be an aware datetime")
    local_day = after.astimezone(tz).date()
    # Three days always suffice: the answer is at most one day plus a transition away.
    for offset in range(3):
        instant = local_instant(local_day + timedelta(days=offset), at, tz)
        if instant > after:
            return instant
    raise AssertionError("unreachable: a local time recurs every day")  # pragma: no cover


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of ``day`` at ``at`` in ``tz``: the first occurrence when the time
    is ambiguous, the end of the gap when it does not exist."""
    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    first = wall.replace(tzinfo=tz)  # fold=0: the earlier of two occurrences
    instant = first.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) == wall:
        return instant
    return _gap_end(wall, tz)


def _gap_end(wall: datetime, tz: ZoneInfo) -> datetime:
    """The instant the clocks jump over the nonexistent local time ``wall``."""
    # fold=1 reads the wall time with the offset after the jump, fold=0 with the offset
    # before it; the jump lies between the two readings. Bisect to the second.
    low = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    high = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if low > high:
        low, high = high, low
    after_offset = high.astimezone(tz).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == after_offset:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


class NextInstants:
    """``next_push_instant`` memoised for one ``after``: a batch of thousands of readers
    shares a few hundred (zone, time) pairs, so each is computed once."""

    def __init__(self, after: datetime) -> None:
        self.after = after
        self._scores: dict[tuple[str, str], int] = {}

    def score(self, tz: str, at: str) -> int:
        """The next instant of ``at`` (``HH:MM``) in zone ``tz`` as UTC epoch seconds."""
        key = (tz, at)
        score = self._scores.get(key)
        if score is None:
            hour, minute = at.split(":")
            instant = next_push_instant(self.after, ZoneInfo(tz), time(int(hour), int(minute)))
            score = self._scores[key] = int(instant.timestamp())
        return score
