"""The per-reader token bucket that slows down a flooding reader."""

from __future__ import annotations

from dataclasses import dataclass

from bot.reader_throttle import ReaderThrottle, ThrottleVerdict


@dataclass
class Ticker:
    now: float = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_then_one_warning_then_silence() -> None:
    ticker = Ticker()
    throttle = ReaderThrottle(rate=1.0, burst=3, clock=ticker)
    verdicts = [throttle.check(7) for _ in range(6)]
    assert verdicts == [ThrottleVerdict.ALLOW] * 3 + [
        ThrottleVerdict.WARN,
        ThrottleVerdict.DROP,
        ThrottleVerdict.DROP,
    ]


def test_the_bucket_refills_over_time_and_warns_again_after_recovering() -> None:
    ticker = Ticker()
    throttle = ReaderThrottle(rate=2.0, burst=2, clock=ticker)
    assert [throttle.check(1) for _ in range(3)] == [
        ThrottleVerdict.ALLOW,
        ThrottleVerdict.ALLOW,
        ThrottleVerdict.WARN,
    ]
    ticker.now += 0.5  # one token back
    assert throttle.check(1) is ThrottleVerdict.ALLOW
    assert throttle.check(1) is ThrottleVerdict.WARN


def test_readers_do_not_share_a_bucket() -> None:
    throttle = ReaderThrottle(rate=1.0, burst=1, clock=Ticker())
    assert throttle.check(1) is ThrottleVerdict.ALLOW
    assert throttle.check(1) is ThrottleVerdict.WARN
    assert throttle.check(2) is ThrottleVerdict.ALLOW


def test_memory_stays_bounded_by_forgetting_idle_readers() -> None:
    ticker = Ticker()
    throttle = ReaderThrottle(rate=1.0, burst=1, clock=ticker, max_readers=10)
    for reader in range(10):
        throttle.check(reader)
    ticker.now += 5
    throttle.check(99)
    assert throttle.check(0) is ThrottleVerdict.ALLOW  # forgotten: starts with a full bucket
    assert len(throttle) <= 2
