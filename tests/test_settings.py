"""Settings: defaults, validation messages an operator can act on, secrets kept out of reprs,
and the documentation (README table, .env.example) listing every setting."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.settings import FIELDS, Settings, SettingsError, read_dotenv

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_build_without_any_environment() -> None:
    settings = Settings.from_env({})
    assert settings.redis_url is None
    assert settings.prefix == "briefbot"
    assert settings.default_push_time == time(8, 0)
    assert str(settings.bot_timezone) == "Asia/Shanghai"
    assert settings.rate_limit_per_second == 30
    assert settings.admin_ids == frozenset()


def test_every_problem_is_reported_at_once() -> None:
    env = {
        "DEFAULT_PUSH_TIME": "25:00",
        "BOT_TIMEZONE": "Mars/Phobos",
        "ADMIN_IDS": "12, bob",
        "REDIS_URL": "http://localhost",
        "DIGEST_URL": "https://example.org/today.md",
    }
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    message = str(raised.value)
    assert "DEFAULT_PUSH_TIME: '25:00' is not a time of day as HH:MM" in message
    assert "BOT_TIMEZONE: 'Mars/Phobos' is not an IANA time zone" in message
    assert "ADMIN_IDS: 'bob' is not a numeric Telegram user id" in message
    assert "REDIS_URL:" in message
    assert "DIGEST_URL: must contain {date}" in message


def test_secrets_never_show_in_repr() -> None:
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": "123:SECRET-token"})
    assert "SECRET" not in repr(settings)
    assert "SECRET" not in str(settings.telegram_bot_token)
    assert settings.telegram_bot_token.value == "123:SECRET-token"


def test_dotenv_is_parsed_with_comments_and_quotes(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text('# comment\nADMIN_IDS="1,2"\nexport LOG_LEVEL=debug\n\nJUNK\n')
    assert read_dotenv(dotenv) == {"ADMIN_IDS": "1,2", "LOG_LEVEL": "debug"}
    assert Settings.from_env(read_dotenv(dotenv)).admin_ids == {1, 2}


def test_env_example_and_readme_document_every_setting() -> None:
    example_text = (ROOT / ".env.example").read_text(encoding="utf-8")
    example = read_dotenv(ROOT / ".env.example")
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    for setting in FIELDS:
        assert example.get(setting.name) == setting.default, setting.name
        # The same default and meaning in all three places, so none of them goes stale.
        assert f"# {setting.help}\n{setting.name}=" in example_text, setting.name
        default = f"`{setting.default}`" if setting.default else "(empty)"
        row = f"| `{setting.name}` | {default} | {setting.help} |"
        assert row in readme, f"README settings table: expected {row}"
    Settings.from_env(example)  # the example itself is valid


def test_paid_broadcast_alone_raises_the_rate_and_the_senders_follow_the_rate() -> None:
    plain = Settings.from_env({})
    assert (plain.rate_limit_per_second, plain.sender_concurrency) == (30, 16)
    paid = Settings.from_env({"PAID_BROADCAST": "true"})
    assert (paid.rate_limit_per_second, paid.sender_concurrency) == (1000, 100)
    # An explicit rate or pool size is kept, whatever PAID_BROADCAST says.
    chosen = Settings.from_env(
        {"PAID_BROADCAST": "true", "RATE_LIMIT_PER_SECOND": "500", "SENDER_CONCURRENCY": "8"}
    )
    assert (chosen.rate_limit_per_second, chosen.sender_concurrency) == (500, 8)
    assert Settings.from_env({"RATE_LIMIT_PER_SECOND": "100000"}).sender_concurrency == 256
    with pytest.raises(SettingsError, match="SENDER_CONCURRENCY: 0 must be at least 1"):
        Settings.from_env({"SENDER_CONCURRENCY": "0"})


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "1e400"])
def test_a_number_setting_that_is_not_finite_is_refused(value: str) -> None:
    # float() reads all of these, and NaN passes every comparison with a bound.
    env = {"DELIVERY_RETRY_SECONDS": value, "RATE_LIMIT_PER_SECOND": value}
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    message = str(raised.value)
    assert f"DELIVERY_RETRY_SECONDS: {value!r} is not a finite number" in message
    assert f"RATE_LIMIT_PER_SECOND: {value!r} is not a finite number" in message
