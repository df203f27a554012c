"""The sandbox Bot API server: ``Sandbox`` runs the Bot API and the control API on one port."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any

import aiohttp
from aiohttp import web

from sandbox.botapi import BotApi
from sandbox.control import add_control_routes
from sandbox.counters import Counters
from sandbox.faults import FaultConfig, Faults
from sandbox.models import User
from sandbox.params import ApiError, client_gone, read_params
from sandbox.state import (
    DEFAULT_BOT_FIRST_NAME,
    DEFAULT_BOT_ID,
    DEFAULT_BOT_USERNAME,
    SandboxState,
)

logger = logging.getLogger(__name__)

# Telegram's token shape: the bot's id, a colon, and a secret of about 35 characters.
TOKEN = re.compile(r"^(\d{1,20}):[A-Za-z0-9_-]{30,50}$")
CONTROL_PREFIX = "/sandbox"
EXAMPLE_TOKEN = "7000000001:AAHsandboxTokenForBriefbotTests_0000"


class Sandbox:
    """A Bot API server of our own, faithful enough for python-telegram-bot, with a control
    API under ``/sandbox`` to act as users, read chats and inject faults."""

    def __init__(
        self,
        *,
        bot_username: str = DEFAULT_BOT_USERNAME,
        bot_first_name: str = DEFAULT_BOT_FIRST_NAME,
    ) -> None:
        self.state = SandboxState(
            bot=User(DEFAULT_BOT_ID, bot_first_name, bot_username, is_bot=True)
        )
        self.faults = Faults()
        self.counters = Counters()
        self.api = BotApi(self.state, self.faults, self.counters, self._client_session)
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._release = asyncio.Event()
        self._host = "127.0.0.1"
        self._port = 0

    # -- lifecycle -----------------------------------------------------------------------

    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_bot_api)
        add_control_routes(app, self, CONTROL_PREFIX)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on ``host:port`` (0: a free port); returns ``url``."""
        self._release = asyncio.Event()
        self._runner = web.AppRunner(
            self.build_app(), access_log=None, shutdown_timeout=0.5, handle_signals=False
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, backlog=1024)
        await site.start()
        address = self._runner.addresses[0]
        self._host, self._port = host, int(address[1])
        logger.info("sandbox Bot API listening on %s", self.url)
        return self.url

    async def stop(self) -> None:
        """Stop answering; hung requests are released, webhook delivery stops."""
        self._release.set()
        self.state.updates.wake()
        await self.state.updates.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> Sandbox:
        if self._runner is None:
            await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _client_session(self) -> aiohttp.ClientSession:
        """The session webhook deliveries are POSTed with (created on first use)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
        return self._session

    # -- addresses -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://HOST:PORT`` of the running server."""
        if self._runner is None:
            raise RuntimeError("the sandbox is not running; await start() first")
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self._port}"

    @property
    def port(self) -> int:
        return self._port

    @property
    def bot_api_base_url(self) -> str:
        """What ``TELEGRAM_API_BASE_URL`` / python-telegram-bot's ``base_url`` is set to."""
        return f"{self.url}/bot"

    @property
    def control_url(self) -> str:
        return f"{self.url}{CONTROL_PREFIX}"

    # -- faults --------------------------------------------------------------------------

    def set_faults(self, **changes: Any) -> FaultConfig:
        """Change some fault settings (see ``FaultConfig``); the others stay."""
        config = self.faults.config.updated(changes)
        self.configure_faults(config)
        return config

    def real_limits(self, flood_window: int | None = None) -> FaultConfig:
        """Telegram's flood limits on, every other fault off (``FaultConfig.real_limits``:
        with ``flood_window``, the overall limit is a strict window of that many)."""
        self.configure_faults(FaultConfig.real_limits(flood_window))
        return self.faults.config

    def reset_faults(self) -> None:
        """Every fault off."""
        self.configure_faults(FaultConfig())

    def configure_faults(self, config: FaultConfig) -> None:
        self.faults.configure(config)
        if not config.hang:
            self._release.set()
            self._release = asyncio.Event()

    # -- the Bot API route ---------------------------------------------------------------

    async def _handle_bot_api(self, request: web.Request) -> web.StreamResponse:
        token, name = request.match_info["token"], request.match_info["method"]
        match = TOKEN.match(token)
        if match is None:
            return _answer(self.counters, ApiError(404, "Not Found").to_api(), 404)
        self.counters.request(name)
        bot_id = int(match.group(1))
        if self.state.bot.id != bot_id:
            self.state.bot.id = bot_id
        config = self.faults.config
        if config.affects(name):
            if config.hang:
                await self._release.wait()
                return _answer(self.counters, ApiError(504, "Gateway Timeout").to_api(), 504)
            if config.latency_ms:
                await asyncio.sleep(config.latency_ms / 1000)
            status = self.faults.take_error(name)
            if status is not None:
                error = ApiError(status, _REASONS.get(status, "Internal Server Error"))
                return _answer(self.counters, error.to_api(), status)
        try:
            params = await read_params(request)
            result = await self.api.call(name, params)
        except ApiError as exc:
            return _answer(self.counters, exc.to_api(), exc.code)
        except ConnectionResetError:  # only reading the request waits on the client
            logger.info("the client of a %s call disconnected before sending all of it", name)
            return client_gone()
        except Exception:
            # A sandbox bug must not look like Telegram refusing the call, nor stop the server.
            logger.exception("sandbox failed answering %s", name)
            error = ApiError(500, "Internal Server Error: the sandbox failed; see its log")
            return _answer(self.counters, error.to_api(), 500)
        return _answer(self.counters, {"ok": True, "result": result}, 200)


_REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def _answer(counters: Counters, body: dict[str, Any], status: int) -> web.Response:
    counters.answered(status)
    return web.json_response(body, status=status, dumps=_dumps)


def _dumps(body: Any) -> str:
    """Compact JSON with text as UTF-8 (as Telegram answers), not ``\\u`` escapes."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))
