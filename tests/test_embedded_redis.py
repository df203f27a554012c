"""The embedded Redis: data kept across restarts, a clear error when it cannot start, and
one server per data folder shared by every process on it, real processes started together,
leaving in any order or killed with ``kill -9``."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from bot.store.embedded import EmbeddedRedis, EmbeddedRedisError, process_alive, server_alive
from bot.store.embedded_watch import WATCH_SECONDS

ROOT = Path(__file__).resolve().parents[1]
REPLY_SECONDS = 30.0


def redis_servers(data_dir: Path) -> list[int]:
    """Pids of the redis-server processes running on ``data_dir`` (Redis changes into its
    data folder, so its working directory tells which folder it serves)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            exe = os.readlink(f"/proc/{entry}/exe")
            cwd = os.readlink(f"/proc/{entry}/cwd")
        except OSError:
            continue
        on_folder = Path(exe).name == "redis-server" and Path(cwd) == data_dir.resolve()
        if on_folder and process_alive(int(entry)):
            found.append(int(entry))
    return found


async def no_server_within(data_dir: Path, seconds: float) -> None:
    for _ in range(int(seconds / 0.05)):
        if not redis_servers(data_dir):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"redis-server still running on {data_dir}: {redis_servers(data_dir)}")


def release(go: Path) -> None:
    go.touch()


@dataclass
class User:
    """A process using the folder's embedded Redis (``tests/fixtures/embedded_user.py``)."""

    name: str
    process: asyncio.subprocess.Process
    started: bool = False

    @classmethod
    async def spawn(cls, data_dir: Path, name: str, go: Path) -> User:
        """The process, once its interpreter is up and waiting for ``go`` to exist."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.fixtures.embedded_user",
            str(data_dir),
            name,
            str(go),
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        user = cls(name, process)
        assert await user.line() == "waiting"
        return user

    async def line(self) -> str:
        assert self.process.stdout is not None
        raw = await asyncio.wait_for(self.process.stdout.readline(), REPLY_SECONDS)
        assert raw, f"user {self.name} exited (status {await self.process.wait()})"
        return raw.decode().strip()

    async def joined(self) -> User:
        self.started = json.loads(await self.line())["started"]
        return self

    async def ask(self, command: str) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{command}\n".encode())
        await self.process.stdin.drain()
        return await self.line()

    async def read(self) -> dict[str, str]:
        values: dict[str, str] = json.loads(await self.ask("read"))
        return values

    async def leave(self) -> None:
        assert await self.ask("leave") == "left"
        assert await asyncio.wait_for(self.process.wait(), REPLY_SECONDS) == 0

    async def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()


async def start_together(data_dir: Path, names: list[str], go: Path) -> list[User]:
    users = [await User.spawn(data_dir, name, go) for name in names]
    release(go)  # every one is polling for this file: they start at the same instant
    return [await user.joined() for user in users]


async def test_four_processes_started_at_once_share_one_server_until_the_last_leaves(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    users = await start_together(data, ["a", "b", "c", "d"], tmp_path / "go")
    try:
        assert sum(user.started for user in users) == 1
        assert len(redis_servers(data)) == 1
        for user in users:
            assert await user.ask("write") == "written"
        everyone = {f"user:{name}": name for name in "abcd"}
        for user in users:
            assert await user.read() == everyone

        # The process that started the server leaves first; the others keep using it.
        (starter,) = [user for user in users if user.started]
        await starter.leave()
        others = [user for user in users if user is not starter]
        for user in others:
            assert await user.read() == everyone
        assert len(redis_servers(data)) == 1

        for user in others[:-1]:
            await user.leave()
            assert len(redis_servers(data)) == 1
        assert await others[-1].read() == everyone
        await others[-1].leave()
        assert redis_servers(data) == []  # stopped by the last one, at once
    finally:
        for user in users:
            if user.process.returncode is None:
                await user.kill()

    # Everything written is on disk: the next start finds it.
    again = EmbeddedRedis(data)
    client = redis.Redis.from_url(again.start(), decode_responses=True)
    try:
        assert client.get("user:a") == "a"
    finally:
        client.close()
        again.stop()


async def test_a_killed_user_neither_stops_the_server_nor_keeps_it_running(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    users = await start_together(data, ["a", "b"], tmp_path / "go")
    starter, other = sorted(users, key=lambda user: not user.started)
    assert (starter.started, other.started) == (True, False)
    await starter.ask("write")
    await starter.kill()  # kill -9: no chance to leave

    assert await other.ask("write") == "written"
    assert await other.read() == {f"user:{u.name}": u.name for u in users}
    await other.leave()  # the last live user: the killed one does not count
    assert redis_servers(data) == []

    # The only user is killed: the watchdog stops the server soon after.
    (alone,) = await start_together(data, ["c"], tmp_path / "go-again")
    assert alone.started
    await alone.ask("write")
    await alone.kill()
    await no_server_within(data, WATCH_SECONDS * 5)

    # The folder is as usable as ever, with every write kept.
    (later,) = await start_together(data, ["d"], tmp_path / "go-later")
    assert later.started
    assert await later.read() == {"user:a": "a", "user:b": "b", "user:c": "c"}
    await later.leave()
    assert redis_servers(data) == []


async def test_a_start_right_after_the_only_user_was_killed_is_not_stopped_under_it(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    (first,) = await start_together(data, ["a"], tmp_path / "go")
    await first.ask("write")
    second = await User.spawn(data, "b", tmp_path / "go-again")  # up and waiting
    await first.kill()
    release(tmp_path / "go-again")
    await second.joined()
    # The new process joins the server left running (or, if the watchdog's check fell in
    # between, starts one): one server either way, and the watchdog leaves it alone now
    # that it has a user.
    assert len(redis_servers(data)) == 1
    await asyncio.sleep(WATCH_SECONDS * 1.5)
    assert len(redis_servers(data)) == 1
    assert await second.read() == {"user:a": "a"}
    await second.leave()
    assert redis_servers(data) == []


def test_two_users_in_one_process_count_as_two(tmp_path: Path) -> None:
    first = EmbeddedRedis(tmp_path)
    url = first.start()
    second = EmbeddedRedis(tmp_path)
    assert second.start() == url
    assert (first.started, second.started) == (True, False)
    first.stop()  # the starter leaves; the other user keeps it
    with redis.Redis.from_url(url) as client:
        assert client.ping()
    second.stop()
    assert redis_servers(tmp_path) == []


def test_a_crashed_server_is_started_again_and_its_stale_pid_is_never_killed(
    tmp_path: Path,
) -> None:
    user = EmbeddedRedis(tmp_path)
    url = user.start()
    (server,) = redis_servers(tmp_path)
    os.kill(server, signal.SIGKILL)  # the server crashes; its pid file and socket stay
    bystander = subprocess.Popen(["sleep", "60"])  # a program that got the pid number
    try:
        (tmp_path / "redis.pid").write_text(f"{bystander.pid}\n")
        user.stop()  # the last user leaves: nothing to stop, and the bystander lives on
        assert bystander.poll() is None

        again = EmbeddedRedis(tmp_path)
        assert again.start() == url
        assert again.started
        with redis.Redis.from_url(url) as client:
            assert client.ping()
        again.stop()
        assert redis_servers(tmp_path) == []
    finally:
        bystander.kill()
        bystander.wait()


async def test_a_data_folder_deleted_under_the_server_leaves_no_server_behind(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    (alone,) = await start_together(data, ["a"], tmp_path / "go")
    (server,) = redis_servers(data)
    await alone.kill()
    shutil.rmtree(data)  # as pytest's clean-up of old temp folders does
    for _ in range(int(WATCH_SECONDS * 5 / 0.05)):  # the watchdog's next checks
        if not server_alive(server):
            break
        await asyncio.sleep(0.05)
    assert not server_alive(server)

    user = EmbeddedRedis(data)
    user.start()
    (server,) = redis_servers(data)
    shutil.rmtree(data)
    user.stop()  # a last user that leaves a deleted folder stops its server too
    assert not server_alive(server)


def test_data_survives_a_restart_on_the_same_folder(tmp_path: Path) -> None:
    first = EmbeddedRedis(tmp_path / "data")
    client = redis.Redis.from_url(first.start())
    client.set("greeting", "你好")
    client.close()
    first.stop()

    second = EmbeddedRedis(tmp_path / "data")
    client = redis.Redis.from_url(second.start(), decode_responses=True)
    try:
        assert second.started
        assert client.get("greeting") == "你好"
    finally:
        client.close()
        second.stop()
    assert (tmp_path / "data" / "appendonly.aof").exists()


def test_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(EmbeddedRedisError, match=r"BRIEFBOT_DATA_DIR .* is not writable"):
        EmbeddedRedis(blocker / "data").start()


def test_a_server_that_cannot_start_is_a_clear_error_and_frees_the_folder(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "appendonly.aof").write_text("this is not an append-only file\n")
    with pytest.raises(EmbeddedRedisError, match="the embedded Redis exited at start"):
        EmbeddedRedis(data).start()
    (data / "appendonly.aof").unlink()
    usable = EmbeddedRedis(data)
    usable.start()
    usable.stop()
