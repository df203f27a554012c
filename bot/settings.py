"""briefbot's settings: one frozen object built from an injected environment mapping.

Nothing here reads ``os.environ`` on import. ``Settings.from_env(env)`` takes any mapping
(tests pass a dict); ``load_settings()`` is the one place the real process environment
and an optional ``.env`` file are read. Every setting is listed in ``FIELDS`` with its
default and meaning, which is also what the README table and ``.env.example`` show.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class SettingsError(ValueError):
    """One or more settings are invalid; the message lists every problem, one per line."""


@dataclass(frozen=True)
class Secret:
    """A value that must never appear in logs or reprs (the bot token, webhook secret)."""

    value: str = field(repr=False)

    def __repr__(self) -> str:
        return "Secret('**********')" if self.value else "Secret('')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self.value)


@dataclass(frozen=True)
class Setting:
    """The documentation of one environment variable."""

    name: str
    default: str
    help: str


FIELDS: tuple[Setting, ...] = (
    Setting("TELEGRAM_BOT_TOKEN", "", "Bot token from @BotFather. `briefbot shell` needs none."),
    Setting(
        "TELEGRAM_API_BASE_URL",
        "https://api.telegram.org/bot",
        "Bot API base URL (the token is appended); point it at the sandbox or a local Bot API.",
    ),
    Setting(
        "REDIS_URL",
        "",
        "redis:// or rediss:// URL; empty starts the embedded Redis in BRIEFBOT_DATA_DIR.",
    ),
    Setting(
        "REDIS_CLUSTER",
        "false",
        "true: REDIS_URL names any node of a Redis Cluster (cluster-mode managed Redis).",
    ),
    Setting("BRIEFBOT_PREFIX", "briefbot", "Prefix of every Redis key briefbot writes."),
    Setting("BRIEFBOT_DATA_DIR", "data", "Folder of the embedded Redis (append-only file)."),
    Setting("DIGEST_DIR", "examples/digests", "Folder of `YYYY-MM-DD.md` digests."),
    Setting(
        "DIGEST_URL",
        "",
        "Digest URL template with `{date}` (e.g. 2025-07-21); when set, replaces DIGEST_DIR.",
    ),
    Setting("DIGEST_POLL_SECONDS", "60", "How often the digest folder / URL is polled."),
    Setting(
        "CATEGORY_RULES_FILE",
        "",
        "Optional TOML/JSON file of category aliases and keyword rules (see docs/digest.md).",
    ),
    Setting(
        "BOT_TIMEZONE",
        "Asia/Shanghai",
        "Time zone of new subscribers (and of 'today' for a chat that has not subscribed).",
    ),
    Setting("DEFAULT_PUSH_TIME", "08:00", "Local push time of new subscribers (HH:MM)."),
    Setting(
        "PUSH_CUTOFF_HOURS",
        "6",
        "A digest that is late is still pushed up to this many hours after a reader's time.",
    ),
    Setting("SCHEDULER_TICK_SECONDS", "5", "How often the scheduler looks for readers due."),
    Setting(
        "SCHEDULER_LEASE_SECONDS",
        "30",
        "Scheduler lease lifetime; another process takes over this long after the holder dies.",
    ),
    Setting("ADMIN_IDS", "", "Comma-separated Telegram user ids of the admins."),
    Setting("WEBHOOK_URL", "", "Public HTTPS URL of the webhook; empty means long polling."),
    Setting("WEBHOOK_SECRET", "", "Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token."),
    Setting("WEBHOOK_LISTEN", "0.0.0.0", "Address the webhook / health server binds to."),
    Setting("WEBHOOK_PORT", "8080", "Port the webhook / health server listens on."),
    Setting("OPS_LISTEN", "0.0.0.0", "Address the ops endpoint (/healthz, /metrics) binds to."),
    Setting(
        "OPS_PORT",
        "8080",
        "Port of the ops endpoint of `run` and `worker`; 0 turns it off. Shared with the "
        "webhook's server when equal to WEBHOOK_PORT.",
    ),
    Setting(
        "RATE_LIMIT_PER_SECOND",
        "",
        "Global send rate shared by every process; empty: 30, or 1000 with PAID_BROADCAST.",
    ),
    Setting(
        "PAID_BROADCAST",
        "false",
        "Send pushes with allow_paid_broadcast (Telegram allows up to 1000/s, paid in Stars).",
    ),
    Setting(
        "SENDER_CONCURRENCY",
        "",
        "Requests in flight per process; empty: sized to the rate (rate/10, 16 to 256).",
    ),
    Setting(
        "DELIVERY_RECLAIM_SECONDS",
        "60",
        "A delivery task left unacknowledged this long (its sender died) is taken over.",
    ),
    Setting(
        "DELIVERY_RETRY_SECONDS",
        "600",
        "How long a failing delivery (Bot API down, 5xx, timeouts) is retried before it is "
        "dead-lettered.",
    ),
    Setting(
        "SHUTDOWN_TIMEOUT_SECONDS",
        "20",
        "After SIGTERM / SIGINT: seconds to finish the sends in flight, hand the rest back and "
        "exit 0; past it the process exits 3. Keep it below the container's stop grace period.",
    ),
    Setting("LOG_LEVEL", "INFO", "DEBUG, INFO, WARNING or ERROR."),
    Setting(
        "LOG_FORMAT",
        "text",
        "text (one readable line per event) or json (one JSON object per line, for collectors).",
    ),
)

_DEFAULTS = {s.name: s.default for s in FIELDS}
DEFAULT_RATE = 30.0  # messages per second: Telegram's limit for a bot
PAID_BROADCAST_RATE = 1000.0  # Telegram's limit with allow_paid_broadcast


def senders_for_rate(rate: float) -> int:
    """The default SENDER_CONCURRENCY: enough requests in flight for ``rate`` when each
    takes up to 100 ms (Telegram's answer plus the Redis calls), 16 at the least and 256
    at the most (more slots than that only cost memory and event-loop turns)."""
    return max(16, min(256, math.ceil(rate / 10)))


_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Settings:
    """Validated settings. Build with ``Settings.from_env``; never mutate."""

    telegram_bot_token: Secret
    telegram_api_base_url: str
    redis_url: str | None
    redis_cluster: bool
    prefix: str
    data_dir: Path
    digest_dir: Path
    digest_url: str | None
    digest_poll_seconds: float
    category_rules_file: Path | None
    bot_timezone: ZoneInfo
    default_push_time: time
    push_cutoff_hours: float
    scheduler_tick_seconds: float
    scheduler_lease_seconds: float
    admin_ids: frozenset[int]
    webhook_url: str | None
    webhook_secret: Secret
    webhook_listen: str
    webhook_port: int
    ops_listen: str
    ops_port: int
    rate_limit_per_second: float
    paid_broadcast: bool
    sender_concurrency: int
    delivery_reclaim_seconds: float
    delivery_retry_seconds: float
    shutdown_timeout_seconds: float
    log_level: str
    log_format: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Validate ``env`` (unknown keys are ignored) and raise one SettingsError listing all
        problems, so an operator fixes everything in one go."""
        reader = _Reader(env)
        paid = reader.flag("PAID_BROADCAST")
        rate = reader.optional_number("RATE_LIMIT_PER_SECOND", minimum=0.1)
        if rate is None:
            rate = PAID_BROADCAST_RATE if paid else DEFAULT_RATE
        given = reader.optional_number("SENDER_CONCURRENCY", minimum=1, maximum=512)
        concurrency = senders_for_rate(rate) if given is None else int(given)
        settings = cls(
            telegram_bot_token=Secret(reader.text("TELEGRAM_BOT_TOKEN")),
            telegram_api_base_url=reader.url("TELEGRAM_API_BASE_URL", ("http", "https")),
            redis_url=reader.optional_url("REDIS_URL", ("redis", "rediss", "unix")),
            redis_cluster=reader.cluster_flag("REDIS_CLUSTER", "REDIS_URL"),
            prefix=reader.prefix("BRIEFBOT_PREFIX"),
            data_dir=Path(reader.text("BRIEFBOT_DATA_DIR")),
            digest_dir=Path(reader.text("DIGEST_DIR")),
            digest_url=reader.digest_url("DIGEST_URL"),
            digest_poll_seconds=reader.number("DIGEST_POLL_SECONDS", minimum=1),
            category_rules_file=reader.optional_path("CATEGORY_RULES_FILE"),
            bot_timezone=reader.zone("BOT_TIMEZONE"),
            default_push_time=reader.clock("DEFAULT_PUSH_TIME"),
            push_cutoff_hours=reader.number("PUSH_CUTOFF_HOURS", minimum=0, maximum=24),
            scheduler_tick_seconds=reader.number("SCHEDULER_TICK_SECONDS", minimum=0.1),
            scheduler_lease_seconds=reader.number("SCHEDULER_LEASE_SECONDS", minimum=1),
            admin_ids=reader.ids("ADMIN_IDS"),
            webhook_url=reader.optional_url("WEBHOOK_URL", ("https", "http")),
            webhook_secret=Secret(reader.webhook_secret("WEBHOOK_SECRET")),
            webhook_listen=reader.text("WEBHOOK_LISTEN"),
            webhook_port=int(reader.number("WEBHOOK_PORT", minimum=0, maximum=65535)),
            ops_listen=reader.text("OPS_LISTEN"),
            ops_port=int(reader.number("OPS_PORT", minimum=0, maximum=65535)),
            rate_limit_per_second=rate,
            paid_broadcast=paid,
            sender_concurrency=concurrency,
            delivery_reclaim_seconds=reader.number("DELIVERY_RECLAIM_SECONDS", minimum=0.1),
            delivery_retry_seconds=reader.number("DELIVERY_RETRY_SECONDS", minimum=0),
            shutdown_timeout_seconds=reader.number("SHUTDOWN_TIMEOUT_SECONDS", minimum=1),
            log_level=reader.choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR")),
            log_format=reader.choice("LOG_FORMAT", ("TEXT", "JSON")).lower(),
        )
        if reader.problems:
            raise SettingsError("\n".join(reader.problems))
        return settings


class _Reader:
    """Reads raw strings with defaults and collects every problem instead of stopping."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env
        self.problems: list[str] = []

    def text(self, name: str) -> str:
        return self._env.get(name, _DEFAULTS[name]).strip()

    def _bad(self, name: str, message: str) -> None:
        self.problems.append(f"{name}: {message}")

    def url(self, name: str, schemes: tuple[str, ...]) -> str:
        value = self.text(name)
        if value.split("://", 1)[0].lower() not in schemes or "://" not in value:
            self._bad(name, f"{value!r} is not a URL starting with {' or '.join(schemes)}://")
        return value

    def optional_url(self, name: str, schemes: tuple[str, ...]) -> str | None:
        return self.url(name, schemes) if self.text(name) else None

    def cluster_flag(self, name: str, url_name: str) -> bool:
        """A cluster is reached over TCP through one node, and has only database 0."""
        cluster = self.flag(name)
        url = self.text(url_name)
        if cluster and not url.lower().startswith(("redis://", "rediss://")):
            self._bad(name, f"true needs {url_name} = redis:// or rediss:// of any node")
        elif cluster and re.search(r"://[^/]*/0*[1-9]", url):
            self._bad(name, f"a Redis Cluster has only database 0; drop the number in {url_name}")
        return cluster

    def digest_url(self, name: str) -> str | None:
        value = self.optional_url(name, ("http", "https"))
        if value is not None and "{date}" not in value:
            self._bad(name, "must contain {date}, e.g. https://example.org/digests/{date}.md")
        return value

    def optional_path(self, name: str) -> Path | None:
        value = self.text(name)
        return Path(value) if value else None

    def prefix(self, name: str) -> str:
        value = self.text(name)
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", value):
            self._bad(name, f"{value!r} must be 1-64 letters, digits, '_', '.' or '-'")
        return value

    def optional_number(
        self, name: str, minimum: float, maximum: float | None = None
    ) -> float | None:
        """``number``, or None when the setting is empty (its default depends on others)."""
        return self.number(name, minimum, maximum) if self.text(name) else None

    def number(self, name: str, minimum: float, maximum: float | None = None) -> float:
        value = self.text(name)
        try:
            number = float(value)
        except ValueError:
            self._bad(name, f"{value!r} is not a number")
            return minimum
        if not math.isfinite(number):  # float() reads "nan" and "inf"; no comparison refuses NaN
            self._bad(name, f"{value!r} is not a finite number")
            return minimum
        if number < minimum or (maximum is not None and number > maximum):
            upper = f" and at most {maximum:g}" if maximum is not None else ""
            self._bad(name, f"{value} must be at least {minimum:g}{upper}")
        return number

    def zone(self, name: str) -> ZoneInfo:
        value = self.text(name)
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            self._bad(name, f"{value!r} is not an IANA time zone such as Asia/Shanghai")
            return ZoneInfo("UTC")

    def clock(self, name: str) -> time:
        value = self.text(name)
        match = _HHMM.match(value)
        if match is None:
            self._bad(name, f"{value!r} is not a time of day as HH:MM, e.g. 08:00")
            return time(8, 0)
        return time(int(match[1]), int(match[2]))

    def ids(self, name: str) -> frozenset[int]:
        ids: set[int] = set()
        for part in filter(None, (p.strip() for p in self.text(name).split(","))):
            try:
                ids.add(int(part))
            except ValueError:
                self._bad(name, f"{part!r} is not a numeric Telegram user id")
        return frozenset(ids)

    def webhook_secret(self, name: str) -> str:
        value = self.text(name)
        # Telegram's own rule for secret_token: 1-256 characters A-Z, a-z, 0-9, _ and -.
        if value and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
            self._bad(name, "must be 1-256 characters of A-Z, a-z, 0-9, '_' and '-'")
        return value

    def flag(self, name: str) -> bool:
        value = self.text(name).lower()
        if value not in _TRUE | _FALSE:
            self._bad(name, f"{value!r} is not true or false")
        return value in _TRUE

    def choice(self, name: str, choices: tuple[str, ...]) -> str:
        value = self.text(name).upper()
        if value not in choices:
            self._bad(name, f"{value!r} is not one of {', '.join(choices)}")
        return value


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse a ``.env`` file: ``NAME=value`` lines, ``#`` comments, optional quotes."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.partition("=")
        name = name.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name] = value
    return values


def load_settings(dotenv: Path = Path(".env")) -> Settings:
    """The process's settings: ``.env`` first, the real environment overriding it."""
    return Settings.from_env({**read_dotenv(dotenv), **os.environ})
