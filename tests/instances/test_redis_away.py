"""Redis going away is not an outage: each instance goes on with its own state, says so once (a WARNING,
`/readyz`, `gateway_redis_available`), and shares again when Redis is back."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.config import ApiMode, RedisSettings, Settings, WebhookSettings
from gateway.sandbox import DEMO_COMPANY_ID, DEMO_TOKEN, SEED_TEST_DAY, Sandbox
from tests.instances.conftest import BOTH_VERSIONS
from tests.instances.support import Gateways, data, graphql, readiness, until_ready
from tests.live.support import WEBHOOK_PASSWORD, WEBHOOK_USER, payload, post_webhook, subscribed, wait_for_subscribers
from tests.ops.conftest import sample
from tests.redis_server import RedisServer
from tests.support import free_port, serve_in_thread

pytestmark = pytest.mark.anyio

QUERIES = (
    "{ activityTypes { pipedriveId keyString name } }",
    "{ activities(userId: 0, first: 5) { nodes { pipedriveId subject activityType { name } } } }",
    "{ activitiesCollection(first: 3) { nodes { pipedriveId subject } } }",
)
WORKERS = 8


class Load:
    """`WORKERS` clients sending `QUERIES` round the instances until stopped; every answer is checked
    against the one the same query got before the load."""

    def __init__(self, urls: list[str], expected: dict[str, dict[str, Any]]) -> None:
        self.urls = urls
        self.expected = expected
        self.answered = 0
        self.wrong: list[str] = []
        self._stop = asyncio.Event()

    async def run(self) -> None:
        async with httpx.AsyncClient(timeout=30, headers={"x-api-token": DEMO_TOKEN}) as http:
            await asyncio.gather(*(self._worker(http, n) for n in range(WORKERS)))

    def stop(self) -> None:
        self._stop.set()

    async def _worker(self, http: httpx.AsyncClient, number: int) -> None:
        turns = itertools.product(QUERIES, self.urls)
        for query, url in itertools.islice(itertools.cycle(turns), number, None):
            if self._stop.is_set():
                return
            response = await http.post(f"{url}/graphql", json={"query": query})
            body = response.json() if response.status_code == 200 else None
            if body is None or "errors" in body or body["data"] != self.expected[query]:
                self.wrong.append(f"{url} {response.status_code} {response.text[:300]}")
            self.answered += 1


@BOTH_VERSIONS
async def test_killing_redis_mid_load_loses_no_request_and_both_instances_recover(
    gateways: Gateways, own_redis: RedisServer, prefix: str
) -> None:
    with gateways.start(2, own_redis.url, prefix) as urls:
        a, b = urls
        expected = {query: await data(a, query) for query in QUERIES}
        load = Load(urls, expected)
        running = asyncio.create_task(load.run())
        await asyncio.sleep(1.0)
        own_redis.kill()
        for url in urls:
            await until_ready(url, redis="unreachable")
        during = load.answered
        await asyncio.sleep(1.5)
        assert load.answered > during  # answered while Redis was away
        own_redis.start()
        for url in urls:
            await until_ready(url, timeout=30, redis="ok")
        await asyncio.sleep(1.0)
        load.stop()
        await running
        assert load.wrong == []
        assert load.answered >= 30
        for url in urls:
            said = [(line["level"], line["message"]) for line in gateways.log_lines(url, "gateway.redis")]
            assert [level for level, message in said if "unreachable" in message] == ["WARNING"]  # once
            assert [level for level, message in said if "is back" in message] == ["INFO"]
            metrics = httpx.get(f"{url}/metrics").text
            assert sample(metrics, "gateway_redis_available") == 1
            assert sample(metrics, "gateway_redis_outages_total") == 1
        await _events_cross(a, b)  # pub/sub subscribed again: an event sent to A reaches B


async def _events_cross(a: str, b: str) -> None:
    [first] = (await data(a, "{ activities(userId: 0, first: 1) { nodes { pipedriveId } } }"))["activities"]["nodes"]
    async with subscribed(b, token=DEMO_TOKEN) as on_b:
        await wait_for_subscribers(b, 1)
        async with httpx.AsyncClient(base_url=a) as to_a:
            webhook = payload("change", first["pipedriveId"], company_id=DEMO_COMPANY_ID, previous={"subject": "x"})
            assert (await post_webhook(to_a, webhook)).json() == {"status": "published"}
        assert (await on_b.event())["pipedriveId"] == first["pipedriveId"]


@pytest.fixture
def alone(api_version: ApiMode) -> Iterator[str]:
    """One gateway whose Redis never answers (nothing listens on its port), on an embedded sandbox."""
    settings = Settings(
        api_version=api_version,
        webhooks=WebhookSettings(user=WEBHOOK_USER, password=WEBHOOK_PASSWORD),
        redis=RedisSettings(url=f"redis://127.0.0.1:{free_port()}/0"),
    )
    sandbox = Sandbox(db_path=":memory:", seed_day=SEED_TEST_DAY)
    with serve_in_thread(create_app(settings, sandbox=sandbox)) as url:
        yield url
    sandbox.close()


@BOTH_VERSIONS
async def test_with_redis_away_from_the_start_an_instance_works_on_its_own_state(alone: str) -> None:
    ready = await readiness(alone)
    assert ready["status"] == "ready" and ready["redis"] == "unreachable"
    assert "errors" not in await graphql(alone, QUERIES[1])
    await _events_cross(alone, alone)  # the webhook reaches this instance's own subscribers
    metrics = httpx.get(f"{alone}/metrics").text
    assert sample(metrics, "gateway_redis_available") == 0
    assert sample(metrics, "gateway_redis_outages_total") == 1
