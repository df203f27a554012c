"""Webhook mode: an aiohttp server receives Telegram's updates and feeds the application.

Every request must carry the secret Telegram was given in ``setWebhook`` (header
``X-Telegram-Bot-Api-Secret-Token``), compared in constant time; anything else is a 403
and never reaches a handler. When ``WEBHOOK_SECRET`` is empty a random secret is made at
each start (the bot registers the webhook itself, so nobody needs to know it). Whatever
else arrives is answered 200 or 4xx, never 500 (see ``webhook_app``).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update

from bot.context import BotApplication
from bot.ops.server import OpsEndpoint, add_ops_routes, shares_webhook_server
from bot.settings import Settings

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's own bound on a webhook request body is far below this.
MAX_BODY_BYTES = 1 << 20


def webhook_secret(settings: Settings) -> str:
    """``WEBHOOK_SECRET``, or a fresh random one."""
    return settings.webhook_secret.value or secrets.token_urlsafe(32)


def parse_update(body: bytes, application: BotApplication) -> Update | None:
    """The update in ``body``, or None (logged) for anything that is not one: not JSON,
    JSON nested too deep, the wrong shape, a field python-telegram-bot cannot read."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as error:  # invalid UTF-8 or JSON; nesting
        logger.warning("webhook body is not JSON: %s", str(error)[:200])
        return None
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        logger.warning("webhook body is not an update (no integer update_id)")
        return None
    try:
        return Update.de_json(data, application.bot)
    except Exception as error:
        # A malformed field fails in whatever way reading it fails (TypeError, KeyError,
        # OverflowError for a date of 10^20, RecursionError for nested replies...).
        logger.warning("webhook update %s cannot be read: %s", data["update_id"], repr(error)[:200])
        return None


def webhook_app(application: BotApplication, secret: str, path: str) -> web.Application:
    """The aiohttp application serving ``POST path``.

    It never answers 500: a wrong or missing secret is 403, a body over
    ``MAX_BODY_BYTES`` is 413 (aiohttp's), and a body with the right secret that is no
    usable update is acknowledged with 200 and dropped, because Telegram repeats any
    request not answered 2xx and holds back the updates behind it.
    """

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        # "replace": a header of bytes that are not UTF-8 is just a wrong secret.
        if not hmac.compare_digest(given.encode(errors="replace"), secret.encode()):
            logger.warning("webhook request from %s without the right secret", request.remote)
            return web.Response(status=403, text="forbidden")
        update = parse_update(await request.read(), application)
        if update is None:
            return web.Response(text="ignored: not a Telegram update")
        await application.update_queue.put(update)
        return web.Response(text="ok")

    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.router.add_post(path, receive)
    return app


async def serve_webhook(
    application: BotApplication, settings: Settings, stop: asyncio.Event
) -> None:
    """Run the bot in webhook mode until ``stop`` is set, then shut everything down."""
    assert settings.webhook_url is not None
    secret = webhook_secret(settings)
    path = urlsplit(settings.webhook_url).path or "/"
    await application.initialize()
    runner: web.AppRunner | None = None
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        app = webhook_app(application, secret, path)
        if shares_webhook_server(settings):  # /healthz and /metrics on the same port
            add_ops_routes(app, OpsEndpoint(application.bot_data.services.runtime, "run"))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, settings.webhook_listen, settings.webhook_port)
        await site.start()
        await application.bot.set_webhook(
            settings.webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
        logger.info(
            "webhook mode: listening on %s:%s%s",
            settings.webhook_listen,
            settings.webhook_port,
            path,
        )
        await stop.wait()
    finally:
        if runner is not None:
            await runner.cleanup()
        if application.running:
            await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
