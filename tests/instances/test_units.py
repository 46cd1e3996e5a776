"""The parts of the shared state, each on its own: keys never hold a token, cached activity types come
back from Redis as they went in, the way to the upstream asks nothing of Redis, and without
`GATEWAY_REDIS_URL` nothing of it is there."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.app import create_app
from gateway.config import RedisSettings, Settings
from gateway.sandbox import DEMO_TOKEN, OTHER_COMPANY_TOKEN, Sandbox
from gateway.shared.cache import ACTIVITY_TYPES
from gateway.shared.keys import Keyspace
from gateway.upstream import Credentials
from gateway.upstream.activities import parse_activity_type
from tests.ops.conftest import sample
from tests.redis_server import RedisServer
from tests.support import GraphQLClient, running, sandbox_rest

pytestmark = pytest.mark.anyio

PAGE = "{ activities(userId: 0, first: 20) { nodes { pipedriveId subject activityType { name } } } }"


def test_a_token_key_is_an_hmac_under_the_secret_and_the_upstream() -> None:
    credentials = Credentials(DEMO_TOKEN)
    keys = Keyspace("gw", "https://acme.pipedrive.com/api", b"secret-one")
    key = keys.cached("activity-types", credentials.key)
    assert key.startswith("gw:activity-types:")
    assert DEMO_TOKEN not in key and credentials.key not in key
    assert key == Keyspace("gw", "https://acme.pipedrive.com/api", b"secret-one").cached(
        "activity-types", credentials.key
    )  # every instance of the deployment finds it
    assert key != Keyspace("gw", "https://acme.pipedrive.com/api", b"secret-two").cached(
        "activity-types", credentials.key
    )
    assert key != Keyspace("gw", "https://other.pipedrive.com/api", b"secret-one").cached(
        "activity-types", credentials.key
    )
    assert key != keys.cached("activity-types", Credentials(OTHER_COMPANY_TOKEN).key)
    keys.use_secret(b"secret-two")
    assert key != keys.cached("activity-types", credentials.key)  # a new secret: nothing keyed under the old


def test_a_live_channel_names_its_company() -> None:
    keys = Keyspace("gw", "https://acme.pipedrive.com/api")
    assert keys.company_of(keys.live(42)) == 42
    assert keys.company_of("gw:live:x") is None and keys.company_of("other:live:42") is None


async def test_activity_types_travel_through_redis_unchanged(sandbox: Sandbox) -> None:
    async with sandbox_rest(sandbox, DEMO_TOKEN) as rest:
        payloads = (await rest.get("/api/v1/activityTypes")).json()["data"]
    records = [parse_activity_type(item) for item in payloads]
    again = ACTIVITY_TYPES.decode(ACTIVITY_TYPES.encode(records))
    assert [r.values() for r in again] == [r.values() for r in records]
    assert [r.present for r in again] == [r.present for r in records]
    for damaged in (b"not json", b"{}", b'[{"name": "no id"}]', b'[{"id": "x"}]'):
        with pytest.raises(ValueError):
            ACTIVITY_TYPES.decode(damaged)


@pytest.fixture
async def on_redis(sandbox: Sandbox, redis_server: RedisServer, prefix: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(redis=RedisSettings(url=redis_server.url, prefix=prefix))
    async with running(create_app(settings, sandbox=sandbox)) as client:
        yield client


async def test_the_way_to_the_upstream_asks_nothing_of_redis(
    on_redis: httpx.AsyncClient, redis_server: RedisServer
) -> None:
    gql = GraphQLClient(on_redis, {"x-api-token": DEMO_TOKEN})
    await gql.data(PAGE)  # the activity types are fetched, and written to Redis
    with redis_server.client() as client:
        before = int(client.info("stats")["total_commands_processed"])
        for size in range(20, 40):  # distinct pages: each its own upstream call
            await gql.data(PAGE.replace("first: 20", f"first: {size}"))
        after = int(client.info("stats")["total_commands_processed"])
    assert after - before <= 3  # the INFO itself, and a watchdog PING at most: none per request


async def test_readiness_and_metrics_say_whether_redis_is_in_use(
    on_redis: httpx.AsyncClient, http: httpx.AsyncClient
) -> None:
    ready = (await on_redis.get("/readyz")).json()
    assert ready == {"status": "ready", "apiVersion": "v1", "redis": "ok"}
    assert sample((await on_redis.get("/metrics")).text, "gateway_redis_available") == 1
    without = (await http.get("/readyz")).json()
    assert without == {"status": "ready", "apiVersion": "v1"}  # no GATEWAY_REDIS_URL: nothing about it
    assert sample((await http.get("/metrics")).text, "gateway_redis_available") == 0
