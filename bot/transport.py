"""The Bot API transport: python-telegram-bot's request contract implemented on aiohttp.

python-telegram-bot's default request class (httpx) spends most of a small request's time
in its own Python layers; one ``aiohttp.ClientSession`` with a bounded keep-alive pool
sends the same requests several times faster (see ``benchmarks/throughput.py``). The class
below honours the whole ``BaseRequest.do_request`` contract: JSON and multipart bodies,
GET file downloads, and the four per-call timeouts, mapped to the exceptions that
python-telegram-bot's callers expect (``TimedOut`` for timeouts, ``NetworkError`` for
connection failures).
"""

from __future__ import annotations

import asyncio
import json
import time
from contextvars import ContextVar
from typing import Final

import aiohttp
from aiohttp.connector import Connection
from telegram import Bot
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.ops.metrics import bot_api_answered
from bot.settings import Settings

_JSON: Final = "application/json"
_POOL_TIMEOUT_MESSAGE: Final = (
    "Pool timeout: all connections in the pool are busy; the request was not sent. "
    "Raise the pool size or the pool timeout."
)


# When a caller sets a list here, the request made in that context appends the monotonic
# instant its headers went out: when it really left, which the send limiter needs to know.
DEPARTURES: ContextVar[list[float] | None] = ContextVar("departures", default=None)


class _StampedRequest(aiohttp.ClientRequest):
    """aiohttp's request, noting when it left: ``send`` returns once the connection is
    ours and the headers were handed to it (the body follows at once). A trace config's
    ``on_request_headers_sent`` says the same, but tracing costs every request its own
    signal calls at each stage, several per send."""

    async def send(self, conn: Connection) -> aiohttp.ClientResponse:
        response = await super().send(conn)
        departures = DEPARTURES.get()
        if departures is not None:
            departures.append(time.monotonic())
        return response


def _seconds(value: object, default: float | None) -> float | None:
    """A per-call timeout, or this request object's default when the caller passed none.

    python-telegram-bot marks "not passed" with ``BaseRequest.DEFAULT_NONE``, an instance of
    a private class; the parameters are typed ``object`` (wider than the base class's, so a
    valid override) and anything that is neither a number nor ``None`` counts as not passed,
    which keeps us off its private modules."""
    if value is None or isinstance(value, int | float):
        return None if value is None else float(value)
    return default


class AiohttpRequest(BaseRequest):
    """``BaseRequest`` over one aiohttp session whose pool holds ``connection_pool_size``
    connections. Create it anywhere; the session is opened by ``initialize()`` (which
    python-telegram-bot's ``Bot.initialize`` calls) inside the running event loop."""

    __slots__ = (
        "_connect_timeout",
        "_media_write_timeout",
        "_pool",
        "_pool_size",
        "_pool_timeout",
        "_proxy",
        "_read_timeout",
        "_session",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = 16,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
        proxy: str | None = None,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._proxy = proxy
        self._session: aiohttp.ClientSession | None = None
        # The pool is bounded here rather than only in the connector so that waiting for a
        # free connection has its own timeout (``pool_timeout``), as the contract requires.
        self._pool = asyncio.Semaphore(connection_pool_size)

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout in seconds."""
        return self._read_timeout

    @property
    def connection_pool_size(self) -> int:
        """How many requests may be in flight at once."""
        return self._pool_size

    async def initialize(self) -> None:
        """Open the session (idempotent; a shut-down request can be initialised again)."""
        if self._session is None or self._session.closed:
            self._pool = asyncio.Semaphore(self._pool_size)
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=0)
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.USER_AGENT},
                request_class=_StampedRequest,
            )

    async def shutdown(self) -> None:
        """Close the session and its connections (idempotent)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; return (HTTP status, body). See ``BaseRequest.do_request``."""
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized; call initialize()")

        files = request_data.multipart_data if request_data else None
        default_write = self._media_write_timeout if files else self._write_timeout
        read = _seconds(read_timeout, self._read_timeout)
        write = _seconds(write_timeout, default_write)
        connect = _seconds(connect_timeout, self._connect_timeout)
        pool = _seconds(pool_timeout, self._pool_timeout)

        body, headers = _encode(request_data)
        if self._pool.locked():  # only a wait for a connection needs a timer
            try:
                async with asyncio.timeout(pool):
                    await self._pool.acquire()
            except TimeoutError as err:
                raise TimedOut(_POOL_TIMEOUT_MESSAGE) from err
        else:
            await self._pool.acquire()  # free: returns at once, no timer armed and cancelled
        try:
            return await self._send(session, method, url, body, headers, read, write, connect)
        finally:
            self._pool.release()

    async def _send(
        self,
        session: aiohttp.ClientSession,
        method: str,
        url: str,
        body: aiohttp.FormData | bytes | None,
        headers: dict[str, str],
        read: float | None,
        write: float | None,
        connect: float | None,
    ) -> tuple[int, bytes]:
        # aiohttp has no per-write timeout: uploading the body is bounded by the total
        # instead (connect + write + read), which is never tighter than the parts.
        parts = (connect, write, read)
        total = None if None in parts else sum(p for p in parts if p is not None)
        timeout = aiohttp.ClientTimeout(
            total=total, sock_connect=connect, connect=connect, sock_read=read
        )
        try:
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout, proxy=self._proxy
            ) as response:
                answer = await response.read()
                if response.status == 200:
                    bot_api_answered()  # for /healthz and /metrics (bot.ops)
                return response.status, answer
        except TimeoutError as err:
            # aiohttp's ServerTimeoutError subclasses both TimeoutError and ClientError.
            raise TimedOut(f"aiohttp: {err.__class__.__name__}: {err}") from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err


# RequestData is marked final for type checkers only; this subclass overrides just the two
# properties a request class reads, so every request class still sends it correctly.
class JsonBody(RequestData):  # type: ignore[misc]
    """Request parameters whose JSON body the caller has already built (the senders build
    one body per chat from a message serialized once). ``json_parameters`` holds the same
    parameters, for request classes that encode their own way."""

    __slots__ = ("_fields", "_payload")

    def __init__(self, fields: dict[str, str], payload: bytes) -> None:
        super().__init__([])
        self._fields = fields
        self._payload = payload

    @property
    def json_parameters(self) -> dict[str, str]:
        """The parameters, each as python-telegram-bot encodes it (JSON for non-strings)."""
        return self._fields

    @property
    def json_payload(self) -> bytes:
        """The body, exactly as built by the caller."""
        return self._payload


def _encode(
    request_data: RequestData | None,
) -> tuple[aiohttp.FormData | bytes | None, dict[str, str]]:
    """The request body and its headers: a JSON object (which the Bot API accepts, and
    which is cheaper to build than form encoding of long texts), or multipart with files."""
    if request_data is None:
        return None, {}
    if isinstance(request_data, JsonBody):
        return request_data.json_payload, {"Content-Type": _JSON}
    fields = request_data.json_parameters
    files = request_data.multipart_data
    if not files:
        if not fields:
            return None, {}
        return json.dumps(fields, ensure_ascii=False).encode(), {"Content-Type": _JSON}
    form = aiohttp.FormData(quote_fields=False)
    for name, value in fields.items():
        form.add_field(name, value)
    for part, (filename, content, mimetype) in files.items():
        form.add_field(part, content, filename=filename, content_type=mimetype)
    return form, {}


def build_bot(settings: Settings, connection_pool_size: int | None = None) -> Bot:
    """A ``Bot`` for ``settings`` whose requests go through ``AiohttpRequest``; the pool
    defaults to ``SENDER_CONCURRENCY`` connections (one per concurrent sender)."""
    pool = connection_pool_size or settings.sender_concurrency
    base_url = settings.telegram_api_base_url
    # Files live under .../file/bot<token>/ next to .../bot<token>/ (Telegram and sandbox).
    file_url = base_url[: -len("bot")] + "file/bot" if base_url.endswith("/bot") else base_url
    return Bot(
        token=settings.telegram_bot_token.value,
        base_url=base_url,
        base_file_url=file_url,
        request=AiohttpRequest(connection_pool_size=pool),
        get_updates_request=AiohttpRequest(connection_pool_size=1, read_timeout=30.0),
    )
