"""``python -m bot.healthcheck``: the container's HEALTHCHECK. It asks this process's own
ops endpoint, ``GET /healthz`` on ``OPS_PORT`` (default 8080), and exits 0 when it answers
200, 1 otherwise (a 503 when the process cannot do its job, or no answer at all).

Only the standard library, so a probe every 30 s costs a few milliseconds of start-up and
no bot imports. It reads ``OPS_LISTEN`` / ``OPS_PORT`` from the environment the container
gives every process (the probe runs beside briefbot, not inside it). ``OPS_PORT=0`` turns
the endpoint off, so there is nothing to ask: the probe then passes.
"""

from __future__ import annotations

import http.client
import os
import sys
from collections.abc import Mapping

TIMEOUT_SECONDS = 4.0
# Any-address binds are reached on loopback from inside the container.
_ANY = {"", "0.0.0.0", "::", "[::]"}


def probe(env: Mapping[str, str]) -> tuple[int, str]:
    """Ask the endpoint ``env`` names; returns the exit status and one line saying why."""
    port_text = env.get("OPS_PORT", "8080").strip() or "8080"
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        return 1, f"OPS_PORT {port_text!r} is not a port number"
    port = int(port_text)
    if port == 0:
        return 0, "OPS_PORT=0: the ops endpoint is off, nothing to check"
    listen = env.get("OPS_LISTEN", "").strip()
    host = "127.0.0.1" if listen in _ANY else listen.strip("[]")
    connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        body = response.read(200).decode("utf-8", "replace").replace("\n", " ")
    except (OSError, http.client.HTTPException) as error:
        return 1, f"no answer from http://{host}:{port}/healthz: {error}"
    finally:
        connection.close()
    return (0 if response.status == 200 else 1), f"/healthz {response.status}: {body}"


def main() -> int:
    status, line = probe(os.environ)
    (sys.stdout if status == 0 else sys.stderr).write(line + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
