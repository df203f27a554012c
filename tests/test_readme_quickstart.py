"""The README's two-command quickstart, run as a newcomer runs it: in a fresh copy of the
project (its tracked files), with a fresh virtual environment made by the README's own
commands. pip installs from its usual cache and indexes, so it takes tens of seconds, not
minutes (hence ``slow``).

The first command's shell gets ``/start`` and ``/quit`` on stdin and must welcome the
reader. Of the second command, the install runs as written; the test run itself is only
collected (``pytest --collect-only -q``): running the whole suite from inside the suite
would recurse, and what the newcomer needs to know is that the test environment installs
and every test imports."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
INSTALL_TIMEOUT = 600  # seconds: a cold pip cache on a loaded machine
# Variables a developer's shell may hold that the newcomer's does not.
_OURS = ("TELEGRAM_", "REDIS_", "OPS_", "BRIEFBOT_", "DIGEST_", "WEBHOOK_", "BOT_TIMEZONE", "LOG_")

pytestmark = pytest.mark.slow


def quickstart_commands() -> list[str]:
    """The command lines of the README's Quickstart block (comments left out)."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Quickstart") :]
    block = section[section.index("```sh\n") + len("```sh\n") :]
    block = block[: block.index("```")]
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def fresh_copy(target: Path) -> Path:
    """The project's tracked files (what a clone has) copied to ``target``."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a file deleted in the working tree is not copied
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def newcomer_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    env.pop("VIRTUAL_ENV", None)
    return env


def run(step: str, cwd: Path, **options: object) -> subprocess.CompletedProcess[str]:
    """One ``&&`` step of a README command, through the shell as the reader types it."""
    return subprocess.run(
        step,
        shell=True,
        cwd=cwd,
        env=newcomer_env(),
        capture_output=True,
        text=True,
        check=False,
        **options,  # type: ignore[arg-type]
    )


def test_the_readme_has_the_two_quickstart_commands() -> None:
    first, second = quickstart_commands()
    assert first.split(" && ")[-1] == ".venv/bin/briefbot shell"
    assert second.split(" && ")[-1] == ".venv/bin/pytest"


def test_the_quickstart_installs_and_the_shell_welcomes_a_reader(tmp_path: Path) -> None:
    project = fresh_copy(tmp_path / "briefbot")
    first, second = quickstart_commands()

    *install, shell = first.split(" && ")
    for step in install:
        done = run(step, project, timeout=INSTALL_TIMEOUT)
        assert done.returncode == 0, f"{step}\n{done.stdout}\n{done.stderr}"
    chat = run(shell, project, input="/start\n/quit\n", timeout=120)
    assert chat.returncode == 0, chat.stderr
    assert chat.stdout.startswith("briefbot shell: you are chatting with the real bot")
    assert "you> /start\nbot> 👋 欢迎" in chat.stdout  # the welcome, in the default zh
    assert "Traceback" not in chat.stderr

    *install, tests = second.split(" && ")
    for step in install:
        done = run(step, project, timeout=INSTALL_TIMEOUT)
        assert done.returncode == 0, f"{step}\n{done.stdout}\n{done.stderr}"
    collected = run(f"{tests} --collect-only -q -p no:cacheprovider", project, timeout=300)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    assert " tests collected" in collected.stdout
