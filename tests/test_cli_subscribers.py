"""``briefbot subscribers import/export`` through the real CLI against a real Redis."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot.cli import main
from bot.keys import Keys
from tests.fixtures.redis_server import CLUSTER


@pytest.fixture
def cli_env(
    redis_env: dict[str, str], keys: Keys, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[redis.Redis]:
    """The CLI's environment points at the test server and prefix; yields a client to
    look at the result, and deletes the prefix's keys afterwards."""
    monkeypatch.chdir(tmp_path)  # no developer .env is read
    for name, value in redis_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("BRIEFBOT_PREFIX", keys.prefix)
    monkeypatch.setenv("BOT_TIMEZONE", "Asia/Shanghai")
    kind = redis.RedisCluster if CLUSTER else redis.Redis
    # A cluster client stands in for a Redis one (the same commands).
    client: redis.Redis = kind.from_url(redis_env["REDIS_URL"], decode_responses=True)
    yield client
    for key in client.scan_iter(match=keys.pattern(), count=1000):
        client.delete(key)
    client.close()


def sample_lines(count: int) -> list[dict[str, object]]:
    zones = ["Asia/Shanghai", "Europe/Berlin", "Asia/Kolkata", "America/New_York"]
    statuses = ["active", "active", "paused", "blocked", "stopped"]
    return [
        {
            "chat_id": -1001000000000 - n if n % 3 == 0 else n + 1,
            "tz": zones[n % len(zones)],
            "time": f"{n % 24:02d}:{n % 60:02d}",
            "format": "full" if n % 2 else "compact",
            "categories": ["硬件前沿", "AI"][: n % 3],
            "language": "en" if n % 5 == 0 else "zh",
            "status": statuses[n % len(statuses)],
            "subscribed_at": 1_700_000_000 + n,
            "keywords": [["+openai", "-马斯克"], [], ["+芯片"]][n % 3],
            "thread_id": 7 if n % 7 == 0 and n % 3 == 0 else None,
        }
        for n in range(count)
    ]


def write_lines(path: Path, rows: list[dict[str, object]]) -> None:
    path.write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8"
    )


def read_lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def by_chat(rows: list[dict[str, object]]) -> dict[object, dict[str, object]]:
    return {row["chat_id"]: row for row in rows}


def test_import_then_export_loses_nothing_and_import_is_idempotent(
    cli_env: redis.Redis, tmp_path: Path, key_prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = sample_lines(1200)
    write_lines(tmp_path / "in.jsonl", rows)

    assert main(["subscribers", "import", str(tmp_path / "in.jsonl")]) == 0
    assert "imported 1200 subscribers" in capsys.readouterr().err
    assert main(["subscribers", "export", str(tmp_path / "out.jsonl")]) == 0
    assert "exported 1200 subscribers" in capsys.readouterr().err
    exported = read_lines(tmp_path / "out.jsonl")
    assert len(exported) == 1200
    assert by_chat(exported) == by_chat(rows)

    assert main(["subscribers", "import", str(tmp_path / "in.jsonl")]) == 0
    assert main(["subscribers", "export", str(tmp_path / "again.jsonl")]) == 0
    assert read_lines(tmp_path / "again.jsonl") == exported
    keys = Keys(key_prefix)
    active = sum(1 for row in rows if row["status"] == "active")
    assert cli_env.zcard(keys.due()) == active
    assert cli_env.zcard(keys.subscribers()) == 1200


def test_bad_lines_are_reported_by_number_and_the_good_ones_imported(
    cli_env: redis.Redis, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "mixed.jsonl"
    source.write_bytes(
        b'{"chat_id": 1, "tz": "Europe/Berlin"}\n'
        b"\n"
        b'{"chat_id": 2, "time": "24:00"}\n'
        b"this is not json\n"
        b'{"chat_id": 3, "tz": "Mars/Olympus"}\n'
        b'{"chat_id": "-1001234567890", "status": "paused"}\n'
        b'{"chat_id": 4, "timezone": "UTC"}\n'
        b'{"chat_id": 5, "language": "\xff"}\n'
        b'["chat_id", 6]\n'
        b'{"tz": "UTC"}\n'
        b'{"chat_id": 7, "status": "gone"}\n'
    )
    assert main(["subscribers", "import", str(source)]) == 1
    err = capsys.readouterr().err
    assert f"{source}:3: '24:00' is not a time like 08:00" in err
    assert f"{source}:4: not JSON" in err
    assert f"{source}:5: unknown time zone 'Mars/Olympus'" in err
    assert f"{source}:7: unknown field 'timezone'" in err
    assert f"{source}:8: not UTF-8 text (byte 29 of the line)" in err
    assert f"{source}:9: expected a JSON object" in err
    assert f"{source}:10: missing chat_id" in err
    assert f"{source}:11: status must be one of active, paused, blocked, stopped" in err
    assert "imported 2 subscribers" in err and "8 bad lines" in err

    assert main(["subscribers", "export"]) == 0
    exported = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {row["chat_id"]: row["status"] for row in exported} == {
        1: "active",
        -1001234567890: "paused",
    }
    berlin = next(row for row in exported if row["chat_id"] == 1)
    assert (berlin["tz"], berlin["time"], berlin["format"]) == ("Europe/Berlin", "08:00", "compact")


def test_an_import_updates_existing_subscribers_and_their_schedule(
    cli_env: redis.Redis, tmp_path: Path, key_prefix: str
) -> None:
    keys = Keys(key_prefix)
    write_lines(tmp_path / "a.jsonl", [{"chat_id": 9, "status": "active"}])
    assert main(["subscribers", "import", str(tmp_path / "a.jsonl")]) == 0
    assert cli_env.zscore(keys.due(), "9") is not None
    subscribed_at = cli_env.hget(keys.subscriber(9), "subscribed_at")

    write_lines(tmp_path / "b.jsonl", [{"chat_id": 9, "status": "paused", "format": "full"}])
    assert main(["subscribers", "import", str(tmp_path / "b.jsonl")]) == 0
    assert cli_env.zscore(keys.due(), "9") is None
    assert cli_env.hget(keys.subscriber(9), "format") == "full"
    assert cli_env.hget(keys.subscriber(9), "subscribed_at") == subscribed_at


def test_a_partial_line_changes_only_the_fields_it_gives(
    cli_env: redis.Redis, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    full = {
        "chat_id": 11,
        "tz": "Europe/Berlin",
        "time": "07:30",
        "format": "compact",
        "categories": ["硬件前沿"],
        "language": "en",
        "status": "paused",
        "subscribed_at": 1_700_000_000,
        "keywords": ["+openai"],
        "thread_id": 3,
    }
    write_lines(tmp_path / "full.jsonl", [full])
    assert main(["subscribers", "import", str(tmp_path / "full.jsonl")]) == 0
    assert "imported 1 subscriber from" in capsys.readouterr().err  # not "1 subscribers"
    write_lines(tmp_path / "partial.jsonl", [{"chat_id": 11, "format": "full"}])
    assert main(["subscribers", "import", str(tmp_path / "partial.jsonl")]) == 0
    assert main(["subscribers", "export"]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row == {**full, "format": "full"}


def test_an_import_never_turns_a_blocked_reader_active(
    cli_env: redis.Redis, tmp_path: Path, key_prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = Keys(key_prefix)
    write_lines(tmp_path / "a.jsonl", [{"chat_id": 21, "status": "blocked"}, {"chat_id": 22}])
    assert main(["subscribers", "import", str(tmp_path / "a.jsonl")]) == 0
    capsys.readouterr()
    lines = [
        {"chat_id": 21, "status": "active", "time": "09:00"},
        {"chat_id": 21, "format": "full"},
        {"chat_id": 22, "status": "active"},
    ]
    write_lines(tmp_path / "b.jsonl", lines)
    assert main(["subscribers", "import", str(tmp_path / "b.jsonl")]) == 0
    err = capsys.readouterr().err
    assert err == (
        f"imported 2 subscribers from {tmp_path / 'b.jsonl'}; 0 bad lines; "
        "1 blocked reader left blocked\n"
    )
    blocked = cli_env.hgetall(keys.subscriber(21))
    assert (blocked["status"], blocked["time"], blocked["format"]) == ("blocked", "09:00", "full")
    assert cli_env.zscore(keys.due(), "21") is None  # still not pushed to
    assert cli_env.hget(keys.subscriber(22), "status") == "active"


def test_an_unreachable_redis_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    assert main(["subscribers", "export"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("briefbot: cannot reach Redis at 127.0.0.1:1 db 0")
    assert "Traceback" not in err


def test_a_missing_input_file_is_reported_before_connecting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert main(["subscribers", "import", "nope.jsonl"]) == 1
    assert "nope.jsonl: not a readable file" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()  # no embedded Redis was started
