"""The sandbox's strict flood mode: at most N messages in ANY one-second interval on the
server's clock (a sliding window, not a token bucket), answered 429 retry_after 1."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from sandbox import Sandbox, SandboxControl, SandboxControlError
from sandbox.counters import Counters
from sandbox.faults import FaultConfig, Faults


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def window_of(limit: int) -> tuple[Faults, FakeClock]:
    clock = FakeClock()
    faults = Faults(clock=clock)
    faults.configure(FaultConfig(flood_window=limit))
    return faults, clock


def send_at(faults: Faults, clock: FakeClock, at: float, chat: int = 1) -> int | None:
    clock.now = 100.0 + at
    return faults.flood_wait(chat, is_group=False)


def test_no_one_second_interval_holds_more_than_the_limit() -> None:
    faults, clock = window_of(3)
    assert [send_at(faults, clock, t, chat) for t, chat in ((0, 1), (0.1, 2), (0.2, 3))] == [
        None,
        None,
        None,
    ]
    # A 3/s token bucket would have a token again after 1/3 s; the window holds none
    # until the first message is more than a second old, whichever chat it is for.
    assert send_at(faults, clock, 0.5, chat=4) == 1
    assert send_at(faults, clock, 1.0, chat=5) == 1  # exactly 1 s after the first: still in
    assert send_at(faults, clock, 1.01, chat=6) is None
    # A refused message took no room: 0.1, 0.2 and 1.01 are in the window now.
    assert send_at(faults, clock, 1.05, chat=7) == 1
    assert send_at(faults, clock, 1.11, chat=8) is None


def test_an_evenly_spaced_stream_at_the_limit_passes_and_one_bunched_message_is_refused() -> None:
    faults, clock = window_of(30)
    gap = 1 / 30 + 1e-6
    assert all(send_at(faults, clock, n * gap, chat=n) is None for n in range(90))
    # One message early (half a gap) makes 31 in some second: refused.
    assert send_at(faults, clock, 90 * gap - gap / 2, chat=90) == 1


@pytest.fixture
def frozen(sandbox: Sandbox) -> FakeClock:
    """The sandbox's flood clock stopped, so a slow machine cannot age the window."""
    clock = FakeClock()
    sandbox.faults.clock = clock
    return clock


async def test_ptb_sees_retry_after_one_second_for_any_chat(
    sandbox_bot: Bot, sandbox_control: SandboxControl, frozen: FakeClock
) -> None:
    chats = [await sandbox_control.create_private_chat() for _ in range(3)]
    config = await sandbox_control.set_faults(flood_window=2)
    assert config["flood_window"] == 2
    await sandbox_bot.send_message(chats[0].chat_id, "a")
    await sandbox_bot.send_message(chats[1].chat_id, "b")
    with pytest.raises(RetryAfter, match="Retry in 1 seconds"):
        await sandbox_bot.send_message(chats[2].chat_id, "c")
    frozen.now += 1.01
    await sandbox_bot.send_message(chats[2].chat_id, "c, a second later")
    counters = await sandbox_control.counters()
    assert counters["too_many_requests"] == 1
    assert counters["messages_total"] == 3


async def test_real_limits_with_a_lower_real_limit(
    sandbox_bot: Bot, sandbox_control: SandboxControl, frozen: FakeClock
) -> None:
    config = await sandbox_control.real_limits(flood_window=20)
    # Telegram's per-chat limits stay; the overall one is a strict 20 in any second.
    assert (config["flood_window"], config["global_rate"], config["per_chat_rate"]) == (20, None, 1)
    chats = [await sandbox_control.create_private_chat() for _ in range(21)]
    for chat in chats[:20]:
        await sandbox_bot.send_message(chat.chat_id, "in time")
    with pytest.raises(RetryAfter):
        await sandbox_bot.send_message(chats[20].chat_id, "the 21st within a second")
    plain = await sandbox_control.real_limits()
    assert (plain["flood_window"], plain["global_rate"]) == (None, 30.0)


async def test_bad_window_settings_are_refused_clearly(sandbox_control: SandboxControl) -> None:
    with pytest.raises(SandboxControlError, match="flood_window must be at least 1"):
        await sandbox_control.real_limits(flood_window=0)
    with pytest.raises(SandboxControlError, match="bad value for flood_window"):
        await sandbox_control.set_faults(flood_window="many")
    assert (await sandbox_control.set_faults())["flood_window"] is None


def test_counters_report_the_sustained_rate_on_the_server_clock() -> None:
    clock = FakeClock()
    counters = Counters(clock=clock)
    assert counters.to_json()["sustained_messages_per_second"] is None
    for n in range(31):  # 31 messages 1/30 s apart: 30 gaps in one second
        clock.now = 100.0 + n / 30
        counters.message_sent(n)
    shown = counters.to_json()
    assert shown["sustained_messages_per_second"] == pytest.approx(30.0)
    assert shown["peak_messages_per_second"] == 30  # the 31st is exactly 1 s after the first
    counters.reset()
    assert counters.to_json()["sustained_messages_per_second"] is None
