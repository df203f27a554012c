"""The embedded Redis's watchdog: stops the server once nobody uses it, even when every
user was killed (``kill -9``) and none could stop it on the way out.

``python -m bot.store.embedded_watch DATA_DIR SERVER_PID``, started by the process that
started the server. It detaches (forks, and the parent returns at once), then every few
seconds takes the folder's start/stop lock and checks the users lock: unused means stop
the server. It exits as soon as that server is gone, whoever stopped it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

from bot.store.embedded import LOCK_TIMEOUT_SECONDS, ServerFiles, server_alive
from bot.store.folder_lock import FolderLocks, LockTimeout

WATCH_SECONDS = 2.0


def watch(data_dir: Path, server_pid: int) -> None:
    """Return once server ``server_pid`` is gone, having stopped it if nobody used it."""
    files, locks = ServerFiles(data_dir), FolderLocks(data_dir)
    while server_alive(server_pid):
        time.sleep(WATCH_SECONDS)
        if not data_dir.is_dir():
            # The folder was deleted under the server: its data is gone and its users can
            # no longer be counted; stop it rather than leave it running forever.
            files.stop_server(server_pid)
            return
        with contextlib.suppress(LockTimeout, OSError), locks.transition(LOCK_TIMEOUT_SECONDS):
            owner = files.pid()
            if owner is None:
                # The pid file went while the server runs: the folder is being deleted
                # under it (checked above a moment too early), and no user can find the
                # server any more. Servers start under this lock, so no one is writing it.
                files.stop_server(server_pid)
                return
            if owner != server_pid:
                return  # another server took the folder over; it has its own watchdog
            with locks.unused() as unused:
                if unused:
                    files.stop_server(server_pid)
                    return


def main(argv: list[str]) -> None:
    if os.fork() > 0:
        os._exit(0)  # the starter waits only for this parent; the watchdog runs on alone
    watch(Path(argv[1]), int(argv[2]))


if __name__ == "__main__":
    main(sys.argv)
