"""The two locks that let several processes share the embedded Redis of one data folder.

- ``redis.lock``: held exclusively while a process starts, joins or leaves the server (and
  while the watchdog checks it), so two processes starting together never both start a
  server on the same append-only file: the second waits, then finds the first's server.
- ``redis.users``: every process using the server holds a shared lock on it for as long as
  it does. The kernel drops the lock when the process exits, however it exits (``kill -9``
  included), so "nobody uses the server" is exactly "an exclusive lock can be taken", with
  no list of pids to go stale or to be reused by another program.

These are ``flock`` locks: they belong to one open file, so two objects in one process
count as two users, as two processes would. A child forked while a user holds its lock
shares that open file until it execs (``subprocess`` closes it then) or exits; a leaver
waits for its own such child first (``EmbeddedRedis.stop``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

POLL_SECONDS = 0.02


class LockTimeout(TimeoutError):
    """The folder's start/stop lock stayed taken longer than the caller would wait."""


class FolderLocks:
    """The start/stop lock and the users lock of one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.transition_path = data_dir / "redis.lock"
        self.users_path = data_dir / "redis.users"

    @contextlib.contextmanager
    def transition(self, timeout: float) -> Iterator[None]:
        """Hold the start/stop lock; raise ``LockTimeout`` after ``timeout`` seconds of
        waiting (a process that hangs while holding it must not hang every other one)."""
        fd = os.open(self.transition_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + timeout
            while not _try_flock(fd, fcntl.LOCK_EX):
                if time.monotonic() > deadline:
                    raise LockTimeout(f"{self.transition_path} stayed locked for {timeout:g}s")
                time.sleep(POLL_SECONDS)
            yield
        finally:
            os.close(fd)  # closing the file drops the lock

    def join(self) -> int:
        """Count this caller as a user: a shared lock, held until ``leave(fd)`` (or until
        the process exits). Call with the start/stop lock held."""
        fd = os.open(self.users_path, os.O_RDWR | os.O_CREAT, 0o600)
        if not _try_flock(fd, fcntl.LOCK_SH):  # only an exclusive holder can refuse it, and
            os.close(fd)  # every exclusive holder holds the start/stop lock too
            raise LockTimeout(f"{self.users_path} is locked by a process checking it")
        return fd

    @staticmethod
    def leave(fd: int) -> None:
        """Stop counting the user that ``join`` returned ``fd`` for."""
        os.close(fd)

    @contextlib.contextmanager
    def unused(self) -> Iterator[bool]:
        """Whether nobody uses the server; while True, nobody can join until the block
        ends. Call with the start/stop lock held."""
        fd = os.open(self.users_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            yield _try_flock(fd, fcntl.LOCK_EX)
        finally:
            os.close(fd)


def _try_flock(fd: int, operation: int) -> bool:
    try:
        fcntl.flock(fd, operation | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
