"""Where ``briefbot shell`` reads what the reader types: a terminal prompt with line
editing and history (prompt_toolkit), or piped lines.

At a terminal, arrow keys move and recall earlier lines, and Ctrl-C or Ctrl-D at the
prompt leave the shell; what the bot sends meanwhile (a morning push) is printed above
the prompt without breaking the line being typed. Piped input is read line by line, so a
script gives the same transcript every time.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import sys
from collections.abc import Callable, Iterator
from typing import Protocol, TextIO

PROMPT = "you> "


class LineSource(Protocol):
    """What the reader types, one line at a time."""

    # True at a terminal: the prompt is drawn by the source, input is not echoed.
    interactive: bool

    def session(self, out: TextIO) -> contextlib.AbstractContextManager[TextIO]:
        """Around the whole conversation: the stream to print the bot's messages to."""
        ...

    async def read(self) -> str | None:
        """The next line, or None when the reader left (end of input, Ctrl-D, Ctrl-C)."""
        ...


class PipedLines:
    """Lines from a pipe (or any ``read_line`` returning '' at the end)."""

    interactive = False

    def __init__(self, read_line: Callable[[], str] | None = None) -> None:
        self._read_line = read_line or stdin_line

    @contextlib.contextmanager
    def session(self, out: TextIO) -> Iterator[TextIO]:
        yield out

    async def read(self) -> str | None:
        raw = await asyncio.get_running_loop().run_in_executor(None, self._read_line)
        return raw or None


class PromptLines:
    """A terminal prompt: line editing, history of this session, Ctrl-C / Ctrl-D leave."""

    interactive = True

    def __init__(self) -> None:
        # Imported here: piped sessions and tests never need a terminal library.
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import InMemoryHistory

        self._prompt: PromptSession[str] = PromptSession(history=InMemoryHistory())

    @contextlib.contextmanager
    def session(self, out: TextIO) -> Iterator[TextIO]:
        from prompt_toolkit.patch_stdout import patch_stdout

        # Messages printed while the reader types go above the prompt, not into the line.
        with patch_stdout(raw=True):
            yield sys.stdout

    async def read(self) -> str | None:
        try:
            line = await self._prompt.prompt_async(PROMPT)
        except (EOFError, KeyboardInterrupt):
            return None
        # prompt_toolkit keeps bytes that are not UTF-8 (a pasted line cut mid-character)
        # as lone surrogates, which no Bot API accepts: they read as U+FFFD, as piped.
        return line.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


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
