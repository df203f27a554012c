"""Redis Cluster: every key of one bot in one slot, several bots spread over the nodes,
any node as the entry point, and clear errors when REDIS_CLUSTER does not match the
server. The tests marked ``needs_cluster`` run in CI's cluster run
(``.ci/redis-cluster.sh``); the others run everywhere."""

from __future__ import annotations

import inspect

import pytest
from redis.asyncio import Redis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.crc import key_slot

from bot.keys import InvalidKeyPart, Keys
from bot.settings import Settings, SettingsError
from bot.store.connection import is_cluster, open_redis
from bot.store.errors import StoreUnavailable
from bot.store.stores import Stores
from tests.fixtures.redis_server import CLUSTER, delete_keys
from tests.test_digest_archive import make_digest

DATE = "2025-07-21"
needs_cluster = pytest.mark.skipif(not CLUSTER, reason="needs REDIS_CLUSTER=true (CI runs it)")
# Sample arguments for every key method, by parameter name.
SAMPLES: dict[str, object] = {
    "chat_id": -1001234567890,
    "date": DATE,
    "push_id": "20250721-abc",
    "broadcast_id": "0b1c73ee",
    "token": "5d41402a",
    "dedupe_key": "digest 2025-07-21 invalid",
    "content_hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
}


def every_key(keys: Keys) -> list[str]:
    """One key of every kind ``keys`` builds (each public method, sample arguments)."""
    built = []
    for name, method in inspect.getmembers(keys, inspect.ismethod):
        if name.startswith("_") or name == "pattern":
            continue
        arguments = [SAMPLES[p] for p in inspect.signature(method).parameters]
        built.append(method(*arguments))
    return built


def test_every_key_of_one_bot_hashes_to_one_slot() -> None:
    keys = Keys("briefbot")
    built = every_key(keys)
    assert len(built) >= 20
    assert all(key.startswith("{briefbot}:") for key in built)
    assert {key_slot(key.encode()) for key in built} == {key_slot(b"briefbot")}


def test_bots_with_other_prefixes_spread_over_the_slots() -> None:
    # The three equal slot ranges that `redis-cli --cluster create` gives three nodes.
    ranges = {key_slot(Keys(f"bot{n}").subscribers().encode()) * 3 // 16384 for n in range(12)}
    assert ranges == {0, 1, 2}


def test_a_prefix_with_braces_is_refused() -> None:
    with pytest.raises(InvalidKeyPart, match="no braces"):
        Keys("a}b")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("", "REDIS_CLUSTER: true needs REDIS_URL = redis:// or rediss:// of any node"),
        ("unix:///run/redis.sock", "REDIS_CLUSTER: true needs REDIS_URL = redis://"),
        ("redis://10.0.0.5:6379/2", "REDIS_CLUSTER: a Redis Cluster has only database 0"),
    ],
)
def test_cluster_settings_that_cannot_work_are_refused(url: str, problem: str) -> None:
    with pytest.raises(SettingsError, match=problem.replace(".", r"\.")):
        Settings.from_env({"REDIS_URL": url, "REDIS_CLUSTER": "true"})


def test_a_cluster_url_with_database_0_is_accepted() -> None:
    settings = Settings.from_env({"REDIS_URL": "rediss://node-1:6379/0", "REDIS_CLUSTER": "yes"})
    assert settings.redis_cluster


async def test_a_cluster_client_on_a_single_server_is_a_clear_error(redis_url: str) -> None:
    if CLUSTER or not redis_url.startswith("redis://"):
        pytest.skip("needs a single TCP Redis server (CI's run against the machine's)")
    node = redis_url.rsplit("/", 1)[0]  # a cluster has database 0 only
    settings = Settings.from_env({"REDIS_URL": node, "REDIS_CLUSTER": "true"})
    with pytest.raises(StoreUnavailable) as caught:
        await open_redis(settings)
    message = str(caught.value)
    assert "Cluster mode is not enabled on this node" in message
    assert message.endswith("check REDIS_URL (any node of the cluster) and REDIS_CLUSTER")


@needs_cluster
async def test_a_single_server_client_on_a_cluster_node_says_to_set_redis_cluster(
    redis_url: str,
) -> None:
    with pytest.raises(StoreUnavailable, match="is a node of a Redis Cluster; set REDIS_CLUSTER"):
        await open_redis(Settings.from_env({"REDIS_URL": redis_url}))


@needs_cluster
async def test_any_node_is_an_entry_point_to_the_same_data(
    redis: Redis, redis_env: dict[str, str], keys: Keys
) -> None:
    nodes = [f"redis://{node.host}:{node.port}" for node in redis_nodes(redis)]
    assert len(nodes) == 3
    for n, url in enumerate(nodes):
        settings = Settings.from_env(
            {**redis_env, "REDIS_URL": url, "BRIEFBOT_PREFIX": keys.prefix}
        )
        connection = await open_redis(settings)
        try:
            assert is_cluster(connection.client)
            assert connection.url_description.startswith("Redis Cluster via ")
            stores = Stores.build(connection, settings)
            await stores.subscribers.subscribe(n + 1)
            assert [s.chat_id async for s in stores.subscribers.iter_all()] == list(range(1, n + 2))
        finally:
            await connection.close()


@needs_cluster
async def test_each_bot_lives_on_one_node_and_bots_spread_over_the_nodes(redis: Redis) -> None:
    nodes = redis_nodes(redis)
    # One prefix for each node: its hash tag's slot is served by that node.
    by_node: dict[str, Keys] = {}
    for n in range(200):
        keys = Keys(f"briefbot-test-spread-{n}")
        node = cluster(redis).get_node_from_key(keys.tag)
        by_node.setdefault(node.name, keys)
    assert set(by_node) == {node.name for node in nodes}
    try:
        for keys in by_node.values():
            stores = Stores.over(redis, keys)
            await stores.subscribers.subscribe(1)
            await stores.subscribers.update(1, tz="Europe/Berlin")
            await stores.digests.save(make_digest(DATE))
            await stores.reads.mark_all_read(1, DATE, [1, 2])
            await stores.ledger.record_sent(DATE, 1, [5], "hash")
        for node in nodes:
            direct = Redis(host=node.host, port=node.port, decode_responses=True)
            try:
                for name, keys in by_node.items():
                    found = [key async for key in direct.scan_iter(match=keys.pattern())]
                    # Every key of a bot on its node, none on the others.
                    assert (len(found) > 0) == (name == node.name)
                    if found:
                        assert len(found) == len(
                            [key async for key in redis.scan_iter(match=keys.pattern())]
                        )
            finally:
                await direct.aclose()
    finally:
        for keys in by_node.values():
            await delete_keys(redis, keys)


def cluster(client: Redis) -> RedisCluster:
    """The cluster client behind the ``Redis``-typed fixture."""
    assert isinstance(client, RedisCluster)
    return client


def redis_nodes(client: Redis) -> list[ClusterNode]:
    return list(cluster(client).get_primaries())
