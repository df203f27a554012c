"""Process logging for ``briefbot`` commands: one handler on the root logger, one format,
and secrets never written.

The handler sits on the root logger, so what python-telegram-bot, httpx, aiohttp, asyncio
and APScheduler log goes the same way as briefbot's own lines: human-readable by default,
or one JSON object per line (``LOG_FORMAT=json``) with the event's ``extra=`` fields.

Secrets are removed from the final text of every line (message, arguments, ``extra``
fields, traceback, stack), whichever logger wrote it: python-telegram-bot, httpx and aiohttp
put a request URL (which holds the bot token) into exception messages, and an exception can
carry the token URL-encoded or only its secret half. Uncaught exceptions and Python warnings
are routed through the same handler, so they are redacted (and JSON) too.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from types import TracebackType
from typing import TextIO
from urllib.parse import quote

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[REDACTED]"
LOG_FORMATS = ("text", "json")
# A token's secret half shorter than this is not redacted on its own: replacing a few
# common characters everywhere would garble every line (Telegram's are about 35 long).
MIN_SECRET_HALF = 8
# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


def secret_forms(secrets: Iterable[str]) -> tuple[str, ...]:
    """Every way a secret may show up in text, longest first: as given, URL-encoded (with
    upper- or lower-case hex), and for a bot token (``<bot id>:<secret>``) its secret half
    alone in the same forms."""
    forms: set[str] = set()
    for secret in filter(None, secrets):
        parts = [secret]
        _, colon, half = secret.partition(":")
        if colon and len(half) >= MIN_SECRET_HALF:
            parts.append(half)
        for part in parts:
            encoded = quote(part, safe="")
            forms |= {part, encoded, re.sub(r"%[0-9A-F]{2}", lambda m: m[0].lower(), encoded)}
    return tuple(sorted(forms, key=len, reverse=True))


class RedactingFormatter(logging.Formatter):
    """Formats with ``inner``, then replaces every form of every secret in the whole text."""

    def __init__(self, inner: logging.Formatter, secrets: Iterable[str]) -> None:
        super().__init__()
        self._inner = inner
        self._forms = secret_forms(secrets)

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced by ``[REDACTED]``."""
        for form in self._forms:
            text = text.replace(form, REDACTED)
        return text

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(self._inner.format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, every
    ``extra=`` field, and the traceback / stack as text when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in vars(record).items():
            if name not in _RECORD_FIELDS and not name.startswith("_"):
                entry.setdefault(name, value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(
    level: str,
    secrets: Iterable[str] = (),
    *,
    log_format: str = "text",
    stream: TextIO | None = None,
) -> None:
    """Log to ``stream`` (stderr) at ``level`` as ``log_format`` (``text`` or ``json``),
    with every form of ``secrets`` redacted from every line."""
    inner = JsonFormatter() if log_format == "json" else logging.Formatter(FORMAT)
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(RedactingFormatter(inner, secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Warnings and uncaught exceptions (in the main thread, other threads, or finalizers)
    # print to stderr by themselves; through logging they are redacted and, in JSON mode,
    # one object per line like the rest.
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_thread_failure
    sys.unraisablehook = _log_unraisable
    # Below DEBUG these libraries only repeat what briefbot says itself: httpx/aiohttp
    # access lines for every Bot API call, APScheduler a line for every run of every
    # interval job (the scheduler ticks every few seconds). Their warnings still show.
    quiet = logging.WARNING if root.getEffectiveLevel() > logging.DEBUG else logging.NOTSET
    for name in ("httpx", "aiohttp.access", "apscheduler"):
        logging.getLogger(name).setLevel(quiet)


def _log_uncaught(
    kind: type[BaseException], error: BaseException, traceback: TracebackType | None
) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, traceback)
        return
    logging.getLogger("briefbot").critical("uncaught exception", exc_info=(kind, error, traceback))


def _log_thread_failure(failure: threading.ExceptHookArgs) -> None:
    if failure.exc_value is None:  # pragma: no cover - a thread ended by SystemExit
        return
    thread = failure.thread.name if failure.thread is not None else "?"
    logging.getLogger("briefbot").error(
        "uncaught exception in thread %s",
        thread,
        exc_info=(failure.exc_type, failure.exc_value, failure.exc_traceback),
    )


def _log_unraisable(failure: sys.UnraisableHookArgs) -> None:
    logging.getLogger("briefbot").error(
        "%s: %r",
        failure.err_msg or "exception ignored",
        failure.object,
        exc_info=(failure.exc_type, failure.exc_value, failure.exc_traceback)
        if failure.exc_value is not None
        else None,
    )
