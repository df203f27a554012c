"""The shell's terminal prompt (prompt_toolkit on a pipe standing in for the keyboard):
line editing, history, and Ctrl-C / Ctrl-D leaving; and piped lines."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from bot.shell_lines import PipedLines, PromptLines

UP, LEFT = "\x1b[A", "\x1b[D"


@pytest.fixture
def keyboard() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        yield pipe


async def test_arrow_keys_edit_the_line_and_recall_earlier_ones(keyboard: PipeInput) -> None:
    lines = PromptLines()
    keyboard.send_text("/itm 3" + LEFT * 3 + "e\r")  # the cursor moves back, a letter goes in
    assert await lines.read() == "/item 3"
    keyboard.send_text(UP + "\r")  # the previous line, again
    assert await lines.read() == "/item 3"


@pytest.mark.parametrize("key", ["\x03", "\x04"])  # Ctrl-C, Ctrl-D
async def test_ctrl_c_and_ctrl_d_leave(keyboard: PipeInput, key: str) -> None:
    lines = PromptLines()
    keyboard.send_text(key)
    assert await lines.read() is None


async def test_piped_lines_end_with_the_input() -> None:
    source = io.StringIO("/start\n/today\n")
    lines = PipedLines(source.readline)
    assert [await lines.read(), await lines.read(), await lines.read()] == [
        "/start\n",
        "/today\n",
        None,
    ]


async def test_a_cut_multibyte_character_at_the_prompt_reads_as_a_replacement(
    keyboard: PipeInput,
) -> None:
    # A terminal that cuts a pasted Chinese line mid-character hands over bytes that are
    # not UTF-8; the line keeps the rest, as piped input does, and stays sendable.
    lines = PromptLines()
    keyboard.send_bytes("/search 英伟".encode() + "达".encode()[:2] + b"\r")
    line = await lines.read()
    assert line == "/search 英伟\ufffd"
    assert line.encode("utf-8")  # no lone surrogate, which no Bot API accepts
