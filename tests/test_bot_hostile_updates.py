"""A few hundred hostile updates through the sandbox (fixed seed): random Unicode,
over-long texts, odd arguments, forged and replayed button data, edits, forwards,
``via_bot``, bot senders, strangers, channel posts, chats the bot never met. Nothing
reaches the error handler as an unhandled exception and no subscription changes, since
nothing valid that changes one was asked; the bot still answers afterwards."""

from __future__ import annotations

import logging
import random
import unicodedata
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from bot.settings import Settings
from bot.store.subscriber import Subscriber
from bot.store.subscribers import SubscriberStore
from sandbox import ChatMessage, SandboxControl
from tests.fixtures import forged
from tests.fixtures.reader_bot import BotRunner, ChatDriver
from tests.fixtures.stores import MovableClock

SEED = 20251201
UPDATES = 300
# Code point ranges random text is drawn from: ASCII, Latin-1, combining marks, Hebrew and
# Arabic (right to left), zero-width and direction controls, CJK, full-width forms, emoji.
RANGES = [
    (0x20, 0x7E),
    (0xA0, 0xFF),
    (0x300, 0x36F),
    (0x590, 0x6FF),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x4E00, 0x9FFF),
    (0xFF01, 0xFF5E),
    (0x1F300, 0x1FAFF),
]
# Commands that only read (whatever their argument), and the setters, which are given
# arguments no setter accepts (no digits, no Latin letters).
READING = ["/today", "/item", "/date", "/archive", "/category", "/categories", "/unread"]
READING += ["/settings", "/help", "/frobnicate", "/item@briefbot_sandbox_bot", "/"]
SETTERS = ["/time", "/tz", "/format", "/lang", "/language"]
# What would change a subscription if it acted: edits, forwards and strangers send these.
CHANGING = ["/stop", "/start", "/tz UTC", "/time 09:00", "/format full", "/lang zh"]


class Fuzzer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def char(self, latin: bool = True) -> str:
        while True:
            low, high = self.rng.choice(RANGES if latin else RANGES[2:])
            char = chr(self.rng.randint(low, high))
            if unicodedata.category(char) != "Nd":
                return char

    def text(self, length: int, latin: bool = True) -> str:
        return "".join(self.char(latin) for _ in range(length))

    def length(self) -> int:
        return self.rng.choice([1, 2, 5, 20, 64, 65, 300, 4000])

    def reading(self) -> str:
        command = self.rng.choice(READING)
        if self.rng.random() < 0.3:
            return command
        odd = ["-1", "0", "99999999999999999999", "2025-02-30", "9999-99-99", "昨天", "\x00"]
        argument = self.rng.choice([*odd, self.text(self.length())])
        return f"{command} {argument}"[:4096]

    def setter(self) -> str:
        return f"{self.rng.choice(SETTERS)} {self.text(self.length(), latin=False)}"[:4096]

    def fresh(self) -> str:
        kind = self.rng.random()
        if kind < 0.4:
            return self.reading()
        if kind < 0.7:
            return self.setter()
        return self.text(self.length()).strip() or "?"

    def data(self, valid: list[str]) -> str:
        """Button data no button of this chat carries: random, or a valid one mangled."""
        if not valid or self.rng.random() < 0.4:
            return self.text(self.rng.choice([1, 10, 64, 65, 200]))
        good = self.rng.choice(valid)
        mangle = self.rng.choice(
            [
                lambda d: d[: self.rng.randint(0, len(d) - 1)],
                lambda d: d + ":" + self.text(3),
                lambda d: "v2" + d[2:],
                lambda d: d.replace(":", "::", 1),
                lambda d: d + "x",
                lambda d: d.upper(),
            ]
        )
        mangled: str = mangle(good)
        return mangled if mangled not in valid else mangled + ":x"


@pytest.fixture
async def runner(bot_settings: Settings, clock: MovableClock) -> AsyncIterator[BotRunner]:
    """The bot with a throttle too generous to stop the fuzz before the handlers."""
    bot = BotRunner(bot_settings, clock, throttle_rate=100_000.0, throttle_burst=100_000)
    await bot.start()
    yield bot
    await bot.stop()


async def snapshot(store: SubscriberStore, chat_ids: list[int]) -> list[Subscriber | None]:
    return [await store.get(chat_id) for chat_id in chat_ids]


async def test_hostile_updates_change_nothing_and_raise_nothing(
    sandbox_control: SandboxControl,
    runner: BotRunner,
    subscribers: SubscriberStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    control = sandbox_control
    rng = random.Random(SEED)
    fuzz = Fuzzer(rng)
    # A subscribed reader, a reader who never subscribed, a subscribed group.
    reader_chat = await control.create_private_chat(first_name="小明", language_code="zh")
    reader = ChatDriver(control, reader_chat, reader_chat.user_id)
    other_chat = await control.create_private_chat(first_name="Ann", language_code="en")
    member = await control.create_user(first_name="Bea", language_code="en")
    group_chat = await control.create_group("Club", member_ids=[member["id"]])
    group = ChatDriver(control, group_chat, member["id"])
    group.seen = len(await control.bot_messages(group_chat.chat_id))
    await reader.ask("/start")
    await reader.ask("/tz Europe/Berlin")
    await group.ask("/start")
    (digest,) = await reader.send("/today")
    overview = await reader.ask("/settings")
    with_buttons = [digest, overview]
    valid_data = [data for message in with_buttons for data in message.button_data()]
    unknown_ids = [987_654_321, 987_654_322, -100_987_654_321]
    stranger = forged.user(55_500_001, "Mallory")
    watched = [
        reader_chat.chat_id,
        other_chat.chat_id,
        group_chat.chat_id,
        int(stranger["id"]),
        *unknown_ids,
    ]
    before = await snapshot(subscribers, watched)

    reader_user = forged.user(reader_chat.chat_id, "小明", "zh")
    reader_private = forged.private_chat(reader_chat.chat_id, "小明")
    group_json = forged.group_chat(group_chat.chat_id, "Club")
    member_user = forged.user(int(member["id"]), "Bea")

    def edited() -> tuple[str, forged.JSON]:
        chat, sender = rng.choice([(reader_private, reader_user), (group_json, member_user)])
        text = rng.choice([*CHANGING, fuzz.fresh()])
        return "edited_message", forged.message(chat, sender, text, edit_date=1)

    def forwarded() -> tuple[str, forged.JSON]:
        chat, sender = rng.choice([(reader_private, reader_user), (group_json, member_user)])
        origin = forged.forward_origin(stranger)
        return "message", forged.message(chat, sender, rng.choice(CHANGING), forward_origin=origin)

    def via_bot() -> tuple[str, forged.JSON]:
        chat, sender = rng.choice([(reader_private, reader_user), (group_json, member_user)])
        text = rng.choice(CHANGING)
        return "message", forged.message(chat, sender, text, via_bot=forged.bot_user())

    def from_a_bot() -> tuple[str, forged.JSON]:
        chat = rng.choice([reader_private, group_json])
        return "message", forged.message(chat, forged.bot_user(), rng.choice(CHANGING))

    def from_a_stranger() -> tuple[str, forged.JSON]:
        return "message", forged.message(reader_private, stranger, rng.choice(CHANGING))

    def channel_post() -> tuple[str, forged.JSON]:
        channel = {"id": -100_555_000_111, "type": "channel", "title": "News"}
        kind = rng.choice(["channel_post", "edited_channel_post"])
        return kind, forged.message(channel, None, rng.choice(CHANGING))

    def unknown_chat() -> tuple[str, forged.JSON]:
        chat_id = rng.choice(unknown_ids[:2])
        chat = forged.private_chat(chat_id)
        return "message", forged.message(chat, forged.user(chat_id), fuzz.reading())

    def unknown_membership() -> tuple[str, forged.JSON]:
        chat_id = rng.choice(unknown_ids)
        chat = forged.private_chat(chat_id) if chat_id > 0 else forged.group_chat(chat_id)
        bot = forged.bot_user(8_000_000_001, "briefbot_sandbox_bot")
        old, new = rng.choice([("member", "kicked"), ("kicked", "member"), ("left", "member")])
        return "my_chat_member", {
            "chat": chat,
            "from": forged.user(abs(chat_id)),
            "date": 0,
            "old_chat_member": {"user": bot, "status": old, **_until(old)},
            "new_chat_member": {"user": bot, "status": new, **_until(new)},
        }

    def stranger_press() -> tuple[str, forged.JSON]:
        message = rng.choice(with_buttons)
        return "callback_query", {
            "id": str(rng.randint(1, 10**9)),
            "from": stranger,
            "message": {**forged.message(reader_private, forged.bot_user(), message.text)},
            "chat_instance": "1",
            "data": rng.choice(valid_data),
        }

    injected: list[Callable[[], tuple[str, forged.JSON]]] = [
        edited,
        forwarded,
        via_bot,
        from_a_bot,
        from_a_stranger,
        channel_post,
        unknown_chat,
        unknown_membership,
        stranger_press,
    ]

    async def fresh_message() -> None:
        driver = rng.choice([reader, group])
        await control.send_text(driver.chat_id, fuzz.fresh(), driver.user_id)

    async def forged_press() -> None:
        message: ChatMessage = rng.choice(with_buttons)
        await control.press_button(
            reader_chat.chat_id, message.message_id, fuzz.data(valid_data), forged=True
        )

    async def inject() -> None:
        kind, payload = rng.choice(injected)()
        await control.inject_update(kind, payload)

    actions: list[Callable[[], Awaitable[None]]] = [fresh_message, forged_press, inject, inject]
    with caplog.at_level(logging.WARNING):
        for _ in range(UPDATES):
            await rng.choice(actions)()
        # Two answered round trips in a new chat: what was sent before has been handled,
        # and the bot still serves.
        late_chat = await control.create_private_chat(first_name="Cy", language_code="en")
        late = ChatDriver(control, late_chat, late_chat.user_id)
        assert (await late.ask("/help")).text.startswith("I send you a news digest")
        assert (await late.ask("/settings")).text == (
            "Please send /start to subscribe first, then change your settings."
        )

    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors[:5]]
    assert await snapshot(subscribers, watched) == before


def _until(status: str) -> dict[str, int]:
    return {"until_date": 0} if status == "kicked" else {}
