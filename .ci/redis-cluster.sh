#!/usr/bin/env bash
# A throwaway three-node Redis Cluster made of the machine's redis-server, for the Redis
# tests (CI runs them against it; so can you):
#
#   .ci/redis-cluster.sh start    # starts it, prints the URL of its first node
#   REDIS_CLUSTER=true REDIS_URL=redis://127.0.0.1:7101 .venv/bin/pytest -m redis
#   .ci/redis-cluster.sh stop     # stops it and deletes its folder
#
# Three primaries, no replicas, no persistence (--save '' --appendonly no): test data only.
# Each cluster lives in its own folder, CLUSTER_DIR (default: briefbot-redis-cluster in
# the temporary folder), which records its ports and servers; `stop` stops only the
# servers of that folder, so two clusters on one machine (two CI runs, say) never stop
# each other. The ports are CLUSTER_PORTS if given, else the first free three of
# 7101-7103, 7111-7113, ... 7191-7193, else three free ones from 10000-22002 (each node
# also uses its port + 10000 for the bus).
set -euo pipefail

DIR="${CLUSTER_DIR:-${TMPDIR:-/tmp}/briefbot-redis-cluster}"
WAIT_SECONDS=30

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

all_free() {
    for port in "$@"; do
        if port_in_use "$port" || port_in_use $((port + 10000)); then return 1; fi
    done
}

wait_until() { # wait_until DESCRIPTION COMMAND...: retry COMMAND for WAIT_SECONDS
    local what=$1
    shift
    for _ in $(seq $((WAIT_SECONDS * 10))); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    echo "redis-cluster: $what did not happen within ${WAIT_SECONDS}s (logs in $DIR)" >&2
    return 1
}

cluster_ok() {
    for port in "${PORTS[@]}"; do
        redis-cli -p "$port" cluster info | grep -q '^cluster_state:ok' || return 1
    done
}

choose_ports() {
    if [[ -n ${CLUSTER_PORTS:-} ]]; then
        read -r -a PORTS <<<"$CLUSTER_PORTS"
        all_free "${PORTS[@]}" && return 0
        echo "redis-cluster: a port of $CLUSTER_PORTS (or its bus port +10000) is taken" >&2
        return 1
    fi
    # The usual ports first (what the README's example URL names), then, when another
    # cluster or service holds all of those, any free three in 10000-22002 (their bus ports
    # stay below 32768, where Linux's ephemeral ports begin), so CI never fails on a busy
    # port.
    for base in $(seq 7101 10 7191) $(shuf -i 10000-22000 -n 200); do
        PORTS=("$base" $((base + 1)) $((base + 2)))
        all_free "${PORTS[@]}" && return 0
    done
    echo "redis-cluster: no three free ports in 7101-7193 or 10000-22002; set CLUSTER_PORTS" >&2
    return 1
}

start() {
    if [[ -f $DIR/ports ]]; then
        echo "redis-cluster: $DIR holds a cluster already; stop it first" >&2
        exit 1
    fi
    choose_ports
    mkdir -p "$DIR"
    echo "${PORTS[*]}" >"$DIR/ports"
    nodes=()
    for port in "${PORTS[@]}"; do
        mkdir -p "$DIR/$port"
        redis-server --port "$port" --bind 127.0.0.1 --dir "$DIR/$port" \
            --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000 \
            --save '' --appendonly no --maxmemory-policy noeviction \
            --daemonize yes --pidfile "$DIR/$port/redis.pid" --logfile "$DIR/$port/redis.log"
        nodes+=("127.0.0.1:$port")
    done
    for port in "${PORTS[@]}"; do
        wait_until "node $port answering" redis-cli -p "$port" ping
    done
    redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$DIR/create.log"
    wait_until "cluster_state:ok on every node" cluster_ok
    echo "redis://127.0.0.1:${PORTS[0]}"
}

stop() {
    [[ -f $DIR/ports ]] || return 0 # nothing of ours runs
    read -r -a PORTS <"$DIR/ports"
    for port in "${PORTS[@]}"; do
        pidfile="$DIR/$port/redis.pid"
        if [[ -f $pidfile ]]; then
            kill "$(cat "$pidfile")" 2>/dev/null || true
        fi
    done
    for port in "${PORTS[@]}"; do
        pidfile="$DIR/$port/redis.pid"
        # redis-server deletes its pid file when it has exited.
        if [[ -f $pidfile ]]; then wait_until "node $port stopping" test ! -e "$pidfile"; fi
    done
    rm -rf "$DIR"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
