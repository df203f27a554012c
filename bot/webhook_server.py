"""Webhook mode: an aiohttp server receives Telegram's updates and feeds the application.

Every request must carry the secret Telegram was given in ``setWebhook`` (header
``X-Telegram-Bot-Api-Secret-Token``), compared in constant time; anything else is a 403
and never reaches a handler. When ``WEBHOOK_SECRET`` is empty a random secret is made at
each start (the bot registers the webhook itself, so nobody needs to know it).
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
from bot.settings import Settings

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's own bound on a webhook request body is far below this.
MAX_BODY_BYTES = 1 << 20


def webhook_secret(settings: Settings) -> str:
    """``WEBHOOK_SECRET``, or a fresh random one."""
    return settings.webhook_secret.value or secrets.token_urlsafe(32)


def webhook_app(application: BotApplication, secret: str, path: str) -> web.Application:
    """The aiohttp application serving ``POST path``."""

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            logger.warning("webhook request from %s without the right secret", request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            logger.warning("webhook request with a body that is not an update: %s", error)
            return web.Response(status=400, text="not a Telegram update")
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
        runner = web.AppRunner(webhook_app(application, secret, path), access_log=None)
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
