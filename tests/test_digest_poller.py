"""The digest poller end to end: a folder, the real archive, admin alerts through the
sandbox Bot API, and the planner waking the readers who wait for a late digest."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from redis.asyncio import Redis
from telegram import Bot

from bot.delivery.queue.outbox import Outbox
from bot.delivery.senders.alerts import AdminAlerts
from bot.i18n import t
from bot.keys import Keys
from bot.scheduler.planner import Planner
from bot.sources.folder import FolderSource
from bot.sources.poller import DigestPoller
from bot.sources.url import RetryPolicy, UrlSource
from bot.store.digests import DigestArchive
from bot.store.stores import Stores
from bot.store.subscribers import SubscriberStore
from bot.store.url_validators import UrlValidators
from sandbox import Sandbox, SandboxControl
from tests.fixtures.digests import HOSTILE
from tests.fixtures.scheduling import broken_digest_text, digest_text, push_task
from tests.fixtures.stores import MovableClock

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class World:
    """A poller over ``folder`` and everything it talks to."""

    folder: Path
    planner: Planner
    alerts: AdminAlerts
    archive: DigestArchive
    clock: MovableClock
    admins: tuple[int, int]

    def poller(self) -> DigestPoller:
        """A poller as a freshly started process builds it."""
        return DigestPoller(
            [FolderSource(self.folder)],
            self.archive,
            self.alerts,
            self.clock,
            SHANGHAI,
            waiting_dates=self.planner.waiting.dates,
            on_stored=self.planner.digest_arrived,
        )

    def write(self, name: str, text: str) -> None:
        path = self.folder / name
        path.write_text(text, encoding="utf-8")
        # A later write must look changed even within the file system's mtime resolution.
        stamp = int(self.clock().timestamp() * 1e9) + len(text)
        os.utime(path, ns=(stamp, stamp))


@pytest.fixture
async def world(
    tmp_path: Path,
    redis: Redis,
    keys: Keys,
    archive: DigestArchive,
    clock: MovableClock,
    sandbox: Sandbox,
    sandbox_control: SandboxControl,
    bot_token: str,
) -> AsyncIterator[World]:
    first = await sandbox_control.create_private_chat(first_name="编辑一")
    second = await sandbox_control.create_private_chat(first_name="编辑二")
    stores = Stores.over(redis, keys)
    planner = Planner(
        stores.due, stores.waiting, archive, Outbox.of(stores), timedelta(hours=6), clock
    )
    async with Bot(bot_token, base_url=sandbox.bot_api_base_url) as bot:
        alerts = AdminAlerts(stores.alert_claims, bot, [first.chat_id, second.chat_id])
        yield World(tmp_path, planner, alerts, archive, clock, (first.chat_id, second.chat_id))


async def alert_texts(control: SandboxControl, chat_id: int) -> list[str]:
    return [message.text for message in await control.bot_messages(chat_id)]


async def test_an_invalid_digest_alerts_each_admin_once_across_polls_and_restarts(
    world: World, sandbox_control: SandboxControl
) -> None:
    world.write("2025-07-22.md", broken_digest_text("2025-07-22"))
    path = world.folder / "2025-07-22.md"

    report = await world.poller().poll()
    await world.poller().poll()  # a restarted process parses the file again
    poller = world.poller()
    await poller.poll()
    await poller.poll()

    assert [found.origin for found in report.invalid] == [str(path)]
    for admin in world.admins:
        [text] = await alert_texts(sandbox_control, admin)
        assert f"{path}:15: item 2 comes where item 1 was due: item 1 is missing" in text
        assert str(path) in text.splitlines()[0]
    assert await world.archive.load("2025-07-22") is None


async def test_a_corrected_file_is_stored_as_a_new_version(
    world: World, sandbox_control: SandboxControl
) -> None:
    poller = world.poller()
    world.write("2025-07-22.md", broken_digest_text("2025-07-22"))
    await poller.poll()

    world.write("2025-07-22.md", digest_text("2025-07-22"))
    assert (await poller.poll()).stored == ["2025-07-22"]
    first_hash = await world.archive.current_hash("2025-07-22")

    world.write("2025-07-22.md", digest_text("2025-07-22", title="2025.07.22 更正版"))
    assert (await poller.poll()).stored == ["2025-07-22"]
    assert (await poller.poll()).stored == []  # unchanged file: nothing new

    stored = await world.archive.load("2025-07-22")
    assert stored is not None and stored.title == "2025.07.22 更正版"
    assert len(await world.archive.version_hashes("2025-07-22")) == 2
    assert first_hash in await world.archive.version_hashes("2025-07-22")
    for admin in world.admins:
        assert len(await alert_texts(sandbox_control, admin)) == 1  # only the broken one


async def test_a_different_mistake_is_a_new_alert(
    world: World, sandbox_control: SandboxControl
) -> None:
    poller = world.poller()
    world.write("2025-07-22.md", broken_digest_text("2025-07-22"))
    await poller.poll()
    world.write("2025-07-22.md", digest_text("2025-07-22").replace("title:", "titel:"))
    await poller.poll()

    for admin in world.admins:
        first, second = await alert_texts(sandbox_control, admin)
        assert "item 1 is missing" in first
        assert "item 1 is missing" not in second


async def test_a_late_digest_dropped_in_the_folder_reaches_waiting_readers_at_once(
    world: World, subscribers: SubscriberStore, redis: Redis, keys: Keys
) -> None:
    world.clock.now = datetime(2025, 7, 20, 13, 0, tzinfo=UTC)
    await subscribers.subscribe(1)  # 08:00 in Shanghai: 2025-07-21 00:00 UTC
    world.clock.now = datetime(2025, 7, 21, 0, 0, tzinfo=UTC)
    poller = world.poller()
    await poller.poll()
    await world.planner.tick()
    assert await redis.xlen(keys.outbox()) == 0

    world.clock.advance(minutes=47)
    world.write("2025-07-21.md", digest_text("2025-07-21"))
    report = await poller.poll()

    assert report.stored == ["2025-07-21"]
    [(_, fields)] = await redis.xrange(keys.outbox())
    task = push_task(fields)
    assert (task.date, task.chat_id) == ("2025-07-21", 1)


async def test_polled_dates_are_today_yesterday_and_every_awaited_date(world: World) -> None:
    world.clock.now = datetime(2025, 7, 21, 17, 0, tzinfo=UTC)  # 01:00 on 07-22 in Shanghai
    await world.planner.waiting.add("2025-07-23", {42: world.clock().timestamp() + 3600})
    dates = [day.isoformat() for day in await world.poller().dates_to_poll()]
    assert dates == ["2025-07-21", "2025-07-22", "2025-07-23"]


async def test_a_digest_url_that_keeps_failing_alerts_each_admin_once(
    world: World, redis: Redis, keys: Keys, sandbox_control: SandboxControl
) -> None:
    async def down(request: web.Request) -> web.Response:
        return web.Response(status=503, text="maintenance")

    app = web.Application()
    app.router.add_get("/{date}.md", down)
    async with TestServer(app) as server, aiohttp.ClientSession() as session:
        template = str(server.make_url("/")) + "{date}.md"
        policy = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.01, timeout=1)
        source = UrlSource(session, template, UrlValidators(redis, keys), policy)
        poller = DigestPoller(
            [source],
            world.archive,
            world.alerts,
            world.clock,
            SHANGHAI,
            waiting_dates=world.planner.waiting.dates,
            on_stored=world.planner.digest_arrived,
        )
        for _ in range(3):
            await poller.poll()

    # Today and yesterday in Shanghai (the clock is 2025-07-21 20:00 there).
    urls = [template.format(date=d) for d in ("2025-07-20", "2025-07-21")]
    for admin in world.admins:
        texts = await alert_texts(sandbox_control, admin)
        assert sorted(texts) == sorted(
            f"{t('zh', 'alert.digest_invalid', origin=url)}\n"
            f"{url}: unreachable after 2 attempts: HTTP 503 Service Unavailable"
            for url in urls
        )


@pytest.mark.parametrize(
    "name", ["deep-nesting", "alias-bomb", "float-tag", "ipv6-bracket-unclosed", "invalid-utf8"]
)
async def test_a_good_digest_broken_by_a_hostile_edit_stays_in_use_and_admins_hear_once(
    world: World, sandbox_control: SandboxControl, name: str
) -> None:
    poller = world.poller()
    world.write("2025-07-22.md", digest_text("2025-07-22"))
    assert (await poller.poll()).stored == ["2025-07-22"]
    good = await world.archive.current_hash("2025-07-22")

    hostile = HOSTILE[name]
    path = world.folder / "2025-07-22.md"
    path.write_bytes(hostile.data.replace(b"2025-07-21", b"2025-07-22"))
    stamp = int(world.clock().timestamp() * 1e9) + 7
    os.utime(path, ns=(stamp, stamp))
    world.write("2025-07-23.md", digest_text("2025-07-23"))  # dropped in beside it
    report = await poller.poll()
    await poller.poll()
    await world.poller().poll()  # and a restarted process

    assert report.stored == ["2025-07-23"]
    assert [found.origin for found in report.invalid] == [str(path)]
    assert await world.archive.current_hash("2025-07-22") == good
    for admin in world.admins:
        [text] = await alert_texts(sandbox_control, admin)
        assert f"{path}:{hostile.line}: " in text and hostile.message in text


async def test_an_alert_about_many_long_problems_still_fits_one_message(
    world: World, sandbox_control: SandboxControl
) -> None:
    items = "".join(
        f"{n}. [条目](https://a.example/{n})\n\n见 [链接](ftp://{'长' * 200}.example/{n})。\n"
        "分类：人工智能\n\n"
        for n in range(1, 41)
    )
    world.write(
        "2025-07-22.md", digest_text("2025-07-22").split("\n---\n\n1.")[0] + "\n---\n\n" + items
    )
    await world.poller().poll()

    for admin in world.admins:
        [text] = await alert_texts(sandbox_control, admin)
        lines = text.splitlines()
        assert len(text.encode("utf-16-le")) // 2 <= 4096
        assert all("has scheme 'ftp'" in line for line in lines[1:-1])
        listed = len(lines) - 2
        assert 10 <= listed < 40
        assert lines[-1] == t("zh", "alert.more_problems", count=40 - listed)
