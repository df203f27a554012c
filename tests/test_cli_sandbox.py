"""``briefbot sandbox`` runs the server standalone, prints where it listens, and stops on
SIGTERM with status 0."""

from __future__ import annotations

import asyncio
import signal
import sys

import aiohttp

from sandbox import EXAMPLE_TOKEN, SandboxControl


async def test_standalone_server_answers_and_stops_on_sigterm() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "sandbox",
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        lines = [(await asyncio.wait_for(process.stdout.readline(), 20)).decode() for _ in range(3)]
        base_url = lines[0].split()[-1]
        control_url = lines[1].split()[2]
        assert lines[2].split()[-1] == EXAMPLE_TOKEN
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/bot")
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{base_url}{EXAMPLE_TOKEN}/getMe") as response,
        ):
            me = await response.json()
        assert me["ok"] and me["result"]["username"] == "briefbot_sandbox_bot"
        async with SandboxControl(control_url.removesuffix("/sandbox")) as control:
            chat = await control.create_private_chat()
            assert chat.type == "private"
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0, stderr.decode()
