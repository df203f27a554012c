"""``briefbot shell``: chat with the real bot in a terminal, no Telegram account needed.

One process holds the sandbox Bot API server, the real bot (long-polling the sandbox over
HTTP, exactly as in production) and Redis (the embedded one unless ``REDIS_URL`` is set;
keys under ``<BRIEFBOT_PREFIX>-shell`` so a real bot's data is never touched). Lines read
from ``stdin`` are what the reader types; a bare number taps that button of the last
message that had buttons; ``/quit`` (or end of input) leaves. The conversation is strictly
turn by turn: after each line the shell waits until the bot has answered and then stays
quiet for a moment, so a piped script gives the same transcript every time.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from bot.app import build_application, polling
from bot.settings import Secret, Settings
from bot.terminal import TappableButton, render_message
from sandbox import EXAMPLE_TOKEN, ChatMessage, Sandbox, SandboxControl

# The shell's reader: a fixed id, so a later session on the same data resumes.
READER_ID = 10_001
# After the first answer, more may follow (a full digest is several messages).
QUIET_SECONDS = 0.4
ANSWER_TIMEOUT_SECONDS = 10.0
PROMPT = "you> "
QUIT = frozenset({"/quit", "/exit"})


def shell_settings(settings: Settings, sandbox: Sandbox) -> Settings:
    """``settings`` pointed at the in-process sandbox, with the shell's own key prefix."""
    return dataclasses.replace(
        settings,
        telegram_bot_token=Secret(EXAMPLE_TOKEN),
        telegram_api_base_url=sandbox.bot_api_base_url,
        webhook_url=None,
        prefix=f"{settings.prefix}-shell",
    )


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


class Conversation:
    """Sends what the reader typed and prints what the bot answered."""

    def __init__(self, control: SandboxControl, chat_id: int, transcript: Transcript) -> None:
        self._control = control
        self._chat_id = chat_id
        self._transcript = transcript

    async def say(self, line: str) -> None:
        """One line: a tap when it is a button number, else text sent to the bot."""
        transcript = self._transcript
        if line.isdigit() and transcript.button_message is not None:
            number = int(line)
            button = next((b for b in transcript.buttons if b.number == number), None)
            if button is None:
                transcript.out.write(f"(no button [{number}] on the last message)\n\n")
                return
            query_id = await self._control.press_button(
                self._chat_id, transcript.button_message, button.callback_data, READER_ID
            )
            await self._settle(pressed=True)
            answer = await self._control.wait_for_callback_answer(query_id)
            if answer.get("text"):
                transcript.alert(str(answer["text"]))
            return
        await self._control.send_text(self._chat_id, line, READER_ID)
        await self._settle(pressed=False)

    async def _settle(self, *, pressed: bool) -> None:
        """Wait for the bot's first answer, then print until it has been quiet a moment. A
        tap may be answered with an alert (or nothing) and no message at all."""
        deadline = asyncio.get_running_loop().time() + ANSWER_TIMEOUT_SECONDS
        answered = False
        while asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(QUIET_SECONDS if answered else 0.05)
            shown = self._transcript.show(await self._control.messages(self._chat_id))
            if answered and not shown:
                return
            answered = answered or shown
            if pressed and not answered and await self._pressed_and_answered():
                return

    async def _pressed_and_answered(self) -> bool:
        """A tap that only pops up an alert (or nothing) produces no message to wait for."""
        presses = await self._control.callback_answers(self._chat_id)
        return bool(presses) and presses[-1].get("answer") is not None


async def run_shell(
    settings: Settings,
    read_line: Callable[[], str],
    out: TextIO,
    *,
    language: str = "zh",
    color: bool = False,
) -> int:
    """The whole session; returns the exit status."""
    sandbox = Sandbox()
    await sandbox.start()
    try:
        application = build_application(shell_settings(settings, sandbox))
        async with polling(application, poll_seconds=1.0), SandboxControl(sandbox.url) as control:
            chat = await control.create_private_chat(
                user_id=READER_ID, first_name="You", language_code=language
            )
            out.write(
                "briefbot shell: you are chatting with the real bot through a local sandbox.\n"
                "Type a command (/start, /today, /help), a number to tap that button, "
                "/quit to leave.\n\n"
            )
            out.flush()
            conversation = Conversation(control, chat.chat_id, Transcript(out, color))
            loop = asyncio.get_running_loop()
            while True:
                if out.isatty():
                    out.write(PROMPT)
                    out.flush()
                raw = await loop.run_in_executor(None, read_line)
                if not raw:  # end of input
                    break
                line = raw.strip()
                if not out.isatty() and line:
                    out.write(f"{PROMPT}{line}\n")  # echo piped input into the transcript
                if line in QUIT:
                    break
                if line:
                    await conversation.say(line)
    finally:
        await sandbox.stop()
    return 0


def stdin_line() -> str:
    """One line of stdin ('' at the end), read in a worker thread.

    Bytes that are not UTF-8 (a terminal cuts a long pasted Chinese line mid-character)
    read as U+FFFD: strict decoding would end the shell, and surrogateescape (the default
    in the C locale) would give text that no Bot API accepts.
    """
    if isinstance(sys.stdin, io.TextIOWrapper) and sys.stdin.errors != "replace":
        sys.stdin.reconfigure(errors="replace")
    with contextlib.suppress(KeyboardInterrupt):
        return sys.stdin.readline()
    return ""
