"""``briefbot push`` (a real subprocess, the test's Redis, the sandbox) with every hostile
digest file of issue 10 in ``DIGEST_DIR`` beside the valid one: the valid digest is stored
and pushed to everyone, and nothing ends in a traceback (a file nested thousands deep once
made ``push`` exit 1 at start, and an alias bomb made it hang)."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

from tests.fixtures.delivery import EXAMPLE, DeliveryWorld
from tests.fixtures.digests import HOSTILE
from tests.fixtures.redis_server import CLUSTER


async def test_push_stores_and_sends_the_valid_digest_beside_every_hostile_file(
    world: DeliveryWorld, redis_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "digests"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / EXAMPLE.name)
    for day, hostile in enumerate(HOSTILE.values(), 1):
        (folder / f"2025-06-{day:02d}.md").write_bytes(hostile.data)
    chats = await world.readers(3)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS", "BRIEFBOT"))}
    env.update(
        TELEGRAM_BOT_TOKEN=world.bot_token,
        TELEGRAM_API_BASE_URL=world.sandbox.bot_api_base_url,
        REDIS_URL=redis_url,
        REDIS_CLUSTER=str(CLUSTER).lower(),
        BRIEFBOT_PREFIX=world.keys.prefix,
        DIGEST_DIR=str(folder),
        BRIEFBOT_DATA_DIR=str(tmp_path),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "push", EXAMPLE.stem, "--wait", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output = (await asyncio.wait_for(process.communicate(), 120))[0].decode()

    assert process.returncode == 0, output
    assert "3 sent, 0 failed" in output
    assert "Traceback" not in output
    for chat in chats:
        assert len(await world.bot_texts(chat)) == 1
