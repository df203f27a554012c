"""``briefbot shell``: chat with the real bot in a terminal, no Telegram account needed.

One process holds the sandbox Bot API server, the real bot (long-polling the sandbox over
HTTP, exactly as in production) with its scheduler and senders (so a push arrives at the
reader's push time), and Redis (the embedded one unless ``REDIS_URL`` is set; keys under
``<BRIEFBOT_PREFIX>-shell`` so a real bot's data is never touched). The shell's own data
presents the fullest digest of ``DIGEST_DIR`` as today's, so a newcomer's first /today
shows a real digest. What the reader types comes from a ``LineSource`` (a terminal prompt
with line editing, or piped lines); a bare number taps that button of the last message
that had buttons; ``/quit``, Ctrl-C, Ctrl-D or the end of input leave. After each line
the shell waits until the bot has answered and then stays quiet for a moment, so a piped
script gives the same transcript every time; "(no reply)" says when nothing came.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from dataclasses import dataclass, field
from typing import TextIO

from bot.app import build_application, polling
from bot.context import BotApplication
from bot.delivery.senders.startup import sender_hooks
from bot.scheduler.hooks import scheduling_hooks
from bot.services.days import today_in
from bot.settings import Secret, Settings
from bot.shell_lines import PROMPT, LineSource
from bot.store.clock import Clock, utc_now
from bot.terminal import TappableButton, render_message
from sandbox import EXAMPLE_TOKEN, ChatMessage, Sandbox, SandboxControl, SandboxControlError

# The shell's reader by default: a fixed id, so a later session on the same data resumes.
READER_ID = 10_001
# After the first answer, more may follow (a full digest is several messages).
QUIET_SECONDS = 0.4
# How long a line waits for an answer before the shell says "(no reply)": short at a
# terminal, where a person waits; longer for piped input, whose transcript must come out
# the same on a busy machine.
NO_REPLY_SECONDS = 4.0
PIPED_NO_REPLY_SECONDS = 10.0
# How often messages the bot sends on its own (a push) are looked for between lines.
WATCH_SECONDS = 1.0
# How many stored digests the demo's "today" is chosen from.
DEMO_LOOKBACK = 30
QUIT = frozenset({"/quit", "/exit"})


@dataclass(frozen=True)
class ShellOptions:
    """``--lang`` (None: keep the reader's stored language; zh for a newcomer's app),
    ``--user`` and whether to colour the output."""

    language: str | None = None
    user_id: int = READER_ID
    color: bool = False


def shell_settings(settings: Settings, sandbox: Sandbox) -> Settings:
    """``settings`` pointed at the in-process sandbox, with the shell's own key prefix."""
    return dataclasses.replace(
        settings,
        telegram_bot_token=Secret(EXAMPLE_TOKEN),
        telegram_api_base_url=sandbox.bot_api_base_url,
        webhook_url=None,
        prefix=f"{settings.prefix}-shell",
    )


def welcome(user_id: int) -> str:
    """The shell's first lines: what it is, who you are (an admin needs the id), how to
    use it."""
    return (
        "briefbot shell: you are chatting with the real bot through a local sandbox.\n"
        f"You are user {user_id} (ADMIN_IDS={user_id} makes you an admin; --user ID picks "
        "another reader).\n"
        "Type a command (/start, /today, /help), a number to tap that button, "
        "/quit to leave.\n\n"
    )


async def seed_demo(application: BotApplication) -> None:
    """The shell's own data gets a digest for today (in ``BOT_TIMEZONE``): the fullest
    stored one, dated today, unless today already has one. Only the shell does this, under
    its own key prefix."""
    runtime = application.bot_data.services.runtime
    archive = runtime.stores.digests
    today = today_in(runtime.settings.bot_timezone, runtime.clock).isoformat()
    if await archive.current_hash(today) is not None:
        return
    stored = [await archive.load(day) for day in await archive.dates(DEMO_LOOKBACK)]
    digests = [digest for digest in stored if digest is not None]
    if not digests:
        return
    fullest = max(digests, key=lambda digest: len(digest.items))
    dated = dataclasses.replace(fullest, date=today, published_at=None)
    await archive.save(dataclasses.replace(dated, content_hash=dated.compute_hash()))


async def apply_language(application: BotApplication, chat_id: int, language: str) -> None:
    """``--lang`` wins over the language the reader stored in an earlier session."""
    subscribers = application.bot_data.services.runtime.stores.subscribers
    if await subscribers.get(chat_id) is not None:
        await subscribers.update(chat_id, language=language)


@dataclass
class Transcript:
    """What the reader has seen: message versions already printed, the buttons to tap."""

    out: TextIO
    color: bool
    printed: dict[int, int] = field(default_factory=dict)  # message id -> edits shown
    buttons: tuple[TappableButton, ...] = ()
    button_message: int | None = None

    def show(self, messages: list[ChatMessage]) -> bool:
        """Print every bot message that is new or edited since last time; True if any."""
        shown = False
        for message in messages:
            edits = len(message.history)
            if not message.from_bot or self.printed.get(message.message_id) == edits:
                continue
            edited = message.message_id in self.printed
            self.printed[message.message_id] = edits
            rendered = render_message(
                {
                    "text": message.text,
                    "entities": message.entities,
                    "reply_markup": message.reply_markup,
                },
                color=self.color,
            )
            label = "bot (edited)> " if edited else "bot> "
            indent = " " * len("bot> ")
            body = "\n".join(
                (indent + line if line and n else line)
                for n, line in enumerate(rendered.text.split("\n"))
            )
            self.out.write(f"{label}{body}\n\n")
            if rendered.buttons:
                self.buttons, self.button_message = rendered.buttons, message.message_id
            shown = True
        self.out.flush()
        return shown

    def alert(self, text: str) -> None:
        """A button's answer that Telegram shows as a pop-up."""
        self.out.write(f"bot (alert)> {text}\n\n")
        self.out.flush()

    def note(self, text: str) -> None:
        """The shell's own remark (in parentheses), not the bot's."""
        self.out.write(f"{text}\n\n")
        self.out.flush()


class Conversation:
    """Sends what the reader typed and prints what the bot answered, and what it sends
    on its own between lines (``watch``)."""

    def __init__(
        self,
        control: SandboxControl,
        chat_id: int,
        user_id: int,
        transcript: Transcript,
        no_reply_seconds: float = NO_REPLY_SECONDS,
    ) -> None:
        self._control = control
        self._chat_id = chat_id
        self._user_id = user_id
        self._transcript = transcript
        self._no_reply_seconds = no_reply_seconds
        self._busy = False

    async def say(self, line: str) -> None:
        """One line: a tap when it is a button number, else text sent to the bot."""
        self._busy = True
        try:
            await self._say(line)
        except SandboxControlError as error:
            # What the sandbox refuses (text over Telegram's limit) is the reader's to fix.
            self._transcript.note(f"(not sent: {error.reason})")
        finally:
            self._busy = False

    async def _say(self, line: str) -> None:
        transcript = self._transcript
        if line.isdigit() and transcript.button_message is not None:
            number = int(line)
            button = next((b for b in transcript.buttons if b.number == number), None)
            if button is None:
                transcript.note(f"(no button [{number}] on the last message)")
                return
            query_id = await self._control.press_button(
                self._chat_id, transcript.button_message, button.callback_data, self._user_id
            )
            await self._settle(pressed=True)
            answer = await self._control.wait_for_callback_answer(query_id)
            if answer.get("text"):
                transcript.alert(str(answer["text"]))
            return
        await self._control.send_text(self._chat_id, line, self._user_id)
        if not await self._settle(pressed=False):
            transcript.note("(no reply)")

    async def _settle(self, *, pressed: bool) -> bool:
        """Wait for the bot's first answer, then print until it has been quiet a moment;
        False when nothing came within ``no_reply_seconds``. A tap may be answered with
        an alert (or nothing) and no message at all."""
        deadline = asyncio.get_running_loop().time() + self._no_reply_seconds
        answered = False
        while answered or asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(QUIET_SECONDS if answered else 0.05)
            shown = self._transcript.show(await self._control.messages(self._chat_id))
            if answered and not shown:
                return True
            answered = answered or shown
            if pressed and not answered and await self._pressed_and_answered():
                return True
        return answered

    async def _pressed_and_answered(self) -> bool:
        """A tap that only pops up an alert (or nothing) produces no message to wait for."""
        presses = await self._control.callback_answers(self._chat_id)
        return bool(presses) and presses[-1].get("answer") is not None

    async def watch(self) -> None:
        """Print what the bot sends between lines (a scheduled push, a late answer)."""
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            if not self._busy:
                with contextlib.suppress(SandboxControlError):
                    self._transcript.show(await self._control.messages(self._chat_id))


async def run_shell(
    settings: Settings,
    lines: LineSource,
    out: TextIO,
    options: ShellOptions = ShellOptions(),
    *,
    clock: Clock = utc_now,
) -> int:
    """The whole session, with the scheduler and senders running; returns the exit
    status."""
    sandbox = Sandbox()
    await sandbox.start()
    start_senders, stop_senders = sender_hooks()
    start_scheduling, stop_scheduling = scheduling_hooks()
    try:
        application = build_application(
            shell_settings(settings, sandbox),
            clock=clock,
            on_start=[seed_demo, start_senders, start_scheduling],
            on_stop=[stop_scheduling, stop_senders],
        )
        async with polling(application, poll_seconds=1.0), SandboxControl(sandbox.url) as control:
            chat = await control.create_private_chat(
                user_id=options.user_id, first_name="You", language_code=options.language or "zh"
            )
            if options.language is not None:
                await apply_language(application, chat.chat_id, options.language)
            with lines.session(out) as screen:
                screen.write(welcome(options.user_id))
                screen.flush()
                transcript = Transcript(screen, options.color)
                wait = NO_REPLY_SECONDS if lines.interactive else PIPED_NO_REPLY_SECONDS
                conversation = Conversation(
                    control, chat.chat_id, options.user_id, transcript, wait
                )
                await _converse(lines, screen, conversation)
    finally:
        await sandbox.stop()
    return 0


async def _converse(lines: LineSource, screen: TextIO, conversation: Conversation) -> None:
    """Line after line until the reader leaves; pushes are printed meanwhile."""
    watcher = asyncio.create_task(conversation.watch())
    try:
        while True:
            raw = await lines.read()
            if raw is None:  # end of input, Ctrl-D or Ctrl-C
                break
            line = raw.strip()
            if not lines.interactive and line:
                screen.write(f"{PROMPT}{line}\n")  # echo piped input into the transcript
            if line in QUIT:
                break
            if line:
                await conversation.say(line)
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
