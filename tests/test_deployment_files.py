"""The Dockerfile, .dockerignore and compose.yaml say what docs/docker.md promises. No
container engine runs on the build machines (docs/docker.md), so these read the files as
an engine would: the stages and instructions of the Dockerfile, the services of the
compose file (CI also lints the Dockerfile with hadolint)."""

from __future__ import annotations

import fnmatch
import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from bot.cli import build_parser
from bot.settings import FIELDS

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = {setting.name for setting in FIELDS} | {"OPS_PORT", "OPS_LISTEN"}


def instructions(path: Path) -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            result.append((keyword.upper(), arguments.strip()))
    return result


def final_stage() -> list[tuple[str, str]]:
    steps = instructions(ROOT / "Dockerfile")
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def test_the_image_is_built_in_one_stage_and_installed_from_wheels_in_another() -> None:
    steps = instructions(ROOT / "Dockerfile")
    stages = [arguments for keyword, arguments in steps if keyword == "FROM"]
    assert stages == ["${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE}"]
    assert ("ARG", "PYTHON_IMAGE=python:3.11-slim-bookworm") in steps
    assert ("RUN", "pip wheel --no-cache-dir --wheel-dir /wheels .") in steps
    runs = [arguments for keyword, arguments in final_stage() if keyword == "RUN"]
    install = next(run for run in runs if "pip install" in run)
    # Offline, from the first stage's wheels only; the source tree is never copied in.
    assert "--no-index --find-links=/wheels" in install
    assert "from=build,source=/wheels" in install
    copies = [arguments for keyword, arguments in final_stage() if keyword == "COPY"]
    assert copies == ["examples/digests /digests"]


def test_the_final_image_runs_as_a_user_with_its_data_in_a_volume() -> None:
    steps = dict(final_stage())
    user = steps["USER"].split(":")[0]
    assert user.isdigit() and int(user) >= 1000
    assert steps["VOLUME"] == '["/data"]'
    env = dict(pair.split("=", 1) for pair in shlex.split(steps["ENV"]) if "=" in pair)
    assert env["BRIEFBOT_DATA_DIR"] == "/data"
    assert env["OPS_PORT"] == steps["EXPOSE"] == "8080"
    assert steps["ENTRYPOINT"] == '["briefbot"]'
    assert steps["CMD"] == '["run"]'


def test_the_healthcheck_asks_the_ops_endpoint() -> None:
    healthcheck = dict(final_stage())["HEALTHCHECK"]
    assert healthcheck.endswith('CMD ["python", "-m", "bot.healthcheck"]')
    assert (ROOT / "bot" / "healthcheck.py").is_file()


def test_dockerignore_lets_through_everything_the_dockerfile_copies() -> None:
    rules = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    sources = [
        source
        for keyword, arguments in instructions(ROOT / "Dockerfile")
        if keyword == "COPY"
        for source in arguments.split()[:-1]
    ]
    assert sources
    for source in sources:
        included = False
        for rule in rules:  # the last matching rule wins, as in Docker
            pattern = rule.removeprefix("!").rstrip("/")
            if fnmatch.fnmatch(source.rstrip("/"), pattern):
                included = rule.startswith("!")
        assert included, f"{source} is excluded by .dockerignore"
        assert (ROOT / source).exists()


def test_compose_runs_redis_with_append_only_persistence_and_no_eviction() -> None:
    services = compose()["services"]
    assert set(services) == {"redis", "bot", "worker"}
    redis = services["redis"]
    command = redis["command"]
    assert command[0] == "redis-server"
    options = dict(zip(command[1::2], command[2::2], strict=True))
    assert options == {
        "--appendonly": "yes",
        "--appendfsync": "everysec",
        "--maxmemory-policy": "noeviction",
    }
    volume, mount = redis["volumes"][0].split(":")
    assert mount == "/data" and volume in compose()["volumes"]
    assert redis["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_compose_runs_the_bot_and_scalable_workers_on_that_redis() -> None:
    services = compose()["services"]
    parser = build_parser()
    for name, subcommand in (("bot", "run"), ("worker", "worker")):
        service = services[name]
        assert service["build"] == "."
        assert service["command"] == [subcommand]
        parser.parse_args(service["command"])  # a real briefbot command
        environment = service["environment"]
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        # The image's folders, whatever a copied .env.example says.
        assert (environment["DIGEST_DIR"], environment["BRIEFBOT_DATA_DIR"]) == (
            "/digests",
            "/data",
        )
        assert set(service["environment"]) <= SETTINGS
        assert service["depends_on"] == {"redis": {"condition": "service_healthy"}}
        assert service["env_file"] == [{"path": ".env", "required": False}]
    assert services["worker"]["deploy"]["replicas"] >= 2
    # Replicas cannot share a host port; only the one bot publishes one.
    assert "ports" not in services["worker"]
    assert services["bot"]["ports"] == ["8080:8080"]
