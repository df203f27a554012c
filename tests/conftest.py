"""Shared fixtures. Each area keeps its fixtures in its own module under tests/fixtures/."""

pytest_plugins = [
    "tests.fixtures.redis_server",
    "tests.fixtures.delivery",
    "tests.fixtures.sandbox",
    "tests.fixtures.stores",
    "tests.fixtures.reader_bot",
    "tests.fixtures.scheduling",
]
