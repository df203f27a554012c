"""The embedded Redis keeps data across a restart, and says clearly when it cannot start."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from bot.store.embedded import EmbeddedRedis, EmbeddedRedisError


def test_data_survives_a_restart_on_the_same_folder(tmp_path: Path) -> None:
    first = EmbeddedRedis(tmp_path / "data")
    client = redis.Redis.from_url(first.start())
    client.set("greeting", "你好")
    client.close()
    first.stop()

    second = EmbeddedRedis(tmp_path / "data")
    client = redis.Redis.from_url(second.start(), decode_responses=True)
    try:
        assert client.get("greeting") == "你好"
    finally:
        client.close()
        second.stop()
    assert (tmp_path / "data" / "appendonly.aof").exists()


def test_a_second_process_joins_the_running_server(tmp_path: Path) -> None:
    owner = EmbeddedRedis(tmp_path)
    url = owner.start()
    joiner = EmbeddedRedis(tmp_path)
    try:
        assert joiner.start() == url
        assert not joiner.owned
        joiner.stop()  # a joiner never stops the owner's server
        assert redis.Redis.from_url(url).ping()
    finally:
        owner.stop()


def test_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(EmbeddedRedisError, match=r"BRIEFBOT_DATA_DIR .* is not writable"):
        EmbeddedRedis(blocker / "data").start()


def test_a_server_left_running_by_a_dead_process_is_adopted_and_stopped(
    tmp_path: Path,
) -> None:
    starter = EmbeddedRedis(tmp_path)
    url = starter.start()
    with redis.Redis.from_url(url) as client:
        client.set("kept", "yes")
    # The starter dies without stopping the server (kill -9): its pid no longer exists.
    (tmp_path / "redis.owner").write_text("999999999\n")
    adopter = EmbeddedRedis(tmp_path)
    try:
        assert adopter.start() == url
        assert adopter.owned
        adopter.stop()
        with pytest.raises(redis.ConnectionError), redis.Redis.from_url(url) as client:
            client.ping()
        assert not (tmp_path / "redis.url").exists()
    finally:
        starter.stop()  # the process has exited already; this only reaps it

    restarted = EmbeddedRedis(tmp_path)
    client = redis.Redis.from_url(restarted.start(), decode_responses=True)
    try:
        assert client.get("kept") == "yes"
    finally:
        client.close()
        restarted.stop()
