#!/usr/bin/env bash
# Build the Dockerfile with Debian's rootless-capable container tools (buildah, podman) and
# run the image for real, on a machine with no Docker engine and no reachable container
# registry (docs/docker.md records what this printed):
#
#   apt-get install -y debootstrap buildah podman      # once, as root
#   bash benchmarks/container_image.sh                 # from the repository, with .venv
#
# 1. The base image: PYTHON_IMAGE if set (e.g. python:3.11-slim-bookworm where a registry
#    is reachable), else a local stand-in made from Debian's packages (debootstrap
#    bookworm + python3 + a venv in /usr/local, so `python` and `pip` are where the
#    official image has them), built once and kept as localhost/debian-python:3.11-bookworm.
# 2. `buildah bud` of the Dockerfile as it is (the build stage reaches PyPI over the host's
#    network), then what the final image holds: its size, user, no compiler, no wheels.
# 3. The image's `briefbot run` and `briefbot worker` against a three-node Redis Cluster
#    (.ci/redis-cluster.sh on ports 7201-7203) and the sandbox Bot API (on the host): a
#    reader's /start is answered, `briefbot push --now --wait` from the image delivers, and
#    SIGTERM (podman stop) ends both containers with exit status 0.
set -euo pipefail
cd "$(dirname "$0")/.."
# podman's complaints that it cannot schedule healthchecks without systemd are noise here.
exec 2> >(grep -v --line-buffered 'unable to get systemd connection' >&2)

IMAGE=localhost/briefbot:local
LOCAL_BASE=localhost/debian-python:3.11-bookworm
WORK=$(mktemp -d)
export CLUSTER_PORTS="7201 7202 7203" CLUSTER_DIR="$WORK/cluster"
PREFIX="container-check-$$"
containers=()
sandbox_pid=""

cleanup() {
    for name in "${containers[@]}"; do podman rm -f "$name" >/dev/null 2>&1 || true; done
    [[ -n $sandbox_pid ]] && kill "$sandbox_pid" 2>/dev/null || true
    .ci/redis-cluster.sh stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# This VM mounts cgroup v1 and v2 side by side ("hybrid"), which crun refuses; podman runs
# with cgroups disabled in a private mount namespace without the v2 mount, and with limits
# at or below the shell's own (raising them is not permitted here). Elsewhere, plain
# `podman run` does the same.
run() {
    unshare -m --propagation private sh -c \
        'umount /sys/fs/cgroup/unified 2>/dev/null; exec podman run --cgroups=disabled \
         --ulimit nofile=1024:1024 --ulimit nproc=1000:1000 "$@"' sh "$@"
}

seconds() { date +%s.%N; }
since() { python3 -c 'import sys, time; print(f"{time.time() - float(sys.argv[1]):.1f}")' "$1"; }

echo "== base image"
base=${PYTHON_IMAGE:-}
if [[ -z $base ]]; then
    base=$LOCAL_BASE
    if ! podman image exists "$base"; then
        root="$WORK/rootfs"
        debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
            bookworm "$root" >"$WORK/debootstrap.log"  # from the default Debian mirror
        chroot "$root" python3 -m venv /usr/local
        rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
        tar -C "$root" -c . | podman import \
            --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
            - "$base" >/dev/null
    fi
fi
echo "base: $base ($(podman image inspect --format '{{.Size}}' "$base") bytes)"

echo "== build"
start=$(seconds)
buildah bud --format docker --isolation chroot --network host \
    -v /etc/ssl/certs:/etc/ssl/certs:ro --build-arg PYTHON_IMAGE="$base" \
    -t "$IMAGE" . >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; exit 1; }
echo "built $IMAGE in $(since "$start") s"
echo "size: $(podman image inspect --format '{{.Size}}' "$IMAGE") bytes"
echo "healthcheck: $(podman image inspect --format '{{json .Config.Healthcheck}}' "$IMAGE")"
run --rm --network=none --entrypoint sh "$IMAGE" -c \
    'echo "user: $(id)"; command -v gcc cc make >/dev/null && echo "a compiler!" \
     || echo "no compiler"; test -e /wheels && echo "wheels left!" || echo "no wheels"'

echo "== run against a Redis Cluster and the sandbox"
cluster_url=$(.ci/redis-cluster.sh start)
.venv/bin/briefbot sandbox --port 0 >"$WORK/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 100); do grep -q "^Example token" "$WORK/sandbox.log" && break; sleep 0.1; done
api=$(sed -n 's/^Bot API base URL: *//p' "$WORK/sandbox.log")
control=$(sed -n 's/^Control API: *\([^ ]*\).*/\1/p' "$WORK/sandbox.log")
token=$(sed -n 's/^Example token: *//p' "$WORK/sandbox.log")
env_args=(-e "TELEGRAM_API_BASE_URL=$api" -e "TELEGRAM_BOT_TOKEN=$token"
    -e "REDIS_URL=$cluster_url" -e REDIS_CLUSTER=true -e "BRIEFBOT_PREFIX=$PREFIX"
    -e SCHEDULER_TICK_SECONDS=1)
# Host networking: each container's ops endpoint gets its own port.
declare -A ops_port=([run]=18090 [worker]=18091)
for role in run worker; do
    name="briefbot-check-$role-$$"
    containers+=("$name")
    run -d --name "$name" --network host "${env_args[@]}" -e "OPS_PORT=${ops_port[$role]}" \
        "$IMAGE" "$role" >/dev/null
done

chat=$(curl -sf -X POST "$control/chats/private" -H 'Content-Type: application/json' \
    -d '{"first_name": "Container", "language_code": "en"}' |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["chat_id"])')
start=$(seconds)
reply=""
for _ in $(seq 60); do # the bot may still be starting: ask again until it answers
    curl -sf -X POST "$control/chats/$chat/messages" -H 'Content-Type: application/json' \
        -d '{"text": "/start"}' >/dev/null
    reply=$(curl -sf "$control/chats/$chat/wait?count=1&timeout=2" |
        python3 -c 'import json, sys; m = json.load(sys.stdin); print(m[0]["text"] if m else "")')
    [[ -n $reply ]] && break
done
echo "first answer to /start after $(since "$start") s: $(echo "$reply" | head -1)"
run --rm --network host "${env_args[@]}" "$IMAGE" push 2025-07-21 --now --wait 2>&1 | tail -1

for name in "${containers[@]}"; do
    # The image's HEALTHCHECK, run once by hand (podman schedules it with systemd timers,
    # which this machine does not have).
    health=$(podman healthcheck run "$name" 2>&1 || true)
    echo "$name HEALTHCHECK: ${health:-healthy}"
    role=${name#briefbot-check-}
    role=${role%-$$}
    echo "$name /healthz: $(curl -s "http://127.0.0.1:${ops_port[$role]}/healthz")"
    podman stop -t 30 "$name" >/dev/null
    echo "$name exited with $(podman inspect --format '{{.State.ExitCode}}' "$name") after SIGTERM"
done
