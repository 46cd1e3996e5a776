"""Two `gateway serve` processes sharing one Redis and one sandbox, over real sockets, behave as one
gateway: a webhook sent to either reaches the subscribers of both, once; a rate-limit window one of
them finds spent keeps the other from sending; activity types are fetched once for both; the `auto` move
to v2 made by one is made by the other without meeting the 410. Upstream calls are counted on the
sandbox."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from gateway.sandbox import DEMO_COMPANY_ID, DEMO_TOKEN, OTHER_COMPANY_TOKEN
from gateway.sandbox.control import Fault
from gateway.upstream import Credentials
from tests.instances.conftest import BOTH_VERSIONS
from tests.instances.support import Gateways, Upstream, data, graphql, readiness, until_ready
from tests.live.support import payload, post_webhook, subscribed, wait_for_subscribers
from tests.ops.conftest import sample
from tests.redis_server import RedisServer

pytestmark = pytest.mark.anyio

TWO = "{ activities(userId: 0, first: 2) { nodes { pipedriveId subject } } }"
TYPES = "{ activityTypes(includeInactive: true) { pipedriveId keyString name } }"
PAGE = "{ activities(userId: 0, first: 3) { nodes { pipedriveId subject } } }"


async def two_activities(url: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = (await data(url, TWO))["activities"]["nodes"]
    return nodes


@BOTH_VERSIONS
async def test_a_webhook_sent_to_one_instance_reaches_the_subscribers_of_both_once(pair: tuple[str, str]) -> None:
    a, b = pair
    first, second = await two_activities(a)
    changed = payload("change", first["pipedriveId"], company_id=DEMO_COMPANY_ID, previous={"subject": "Before"})
    other = payload("change", second["pipedriveId"], company_id=DEMO_COMPANY_ID, previous={"subject": "Before"})
    async with subscribed(b, token=DEMO_TOKEN) as on_b, subscribed(a, token=DEMO_TOKEN) as on_a:
        await wait_for_subscribers(b, 1)
        await wait_for_subscribers(a, 1)
        async with httpx.AsyncClient(base_url=a) as to_a, httpx.AsyncClient(base_url=b) as to_b:
            assert (await post_webhook(to_a, changed)).json() == {"status": "published"}
            # Pipedrive's retry of the same delivery, which the load balancer sends to the other instance:
            assert (await post_webhook(to_b, changed)).json() == {"status": "duplicate"}
            assert (await post_webhook(to_b, other)).json() == {"status": "published"}
        for subscriber in (on_b, on_a):
            events = [await subscriber.event(), await subscriber.event()]
            # Each once, in order: the duplicate reached nobody, or it would come second.
            assert [e["pipedriveId"] for e in events] == [first["pipedriveId"], second["pipedriveId"]]
            assert events[0]["activity"]["subject"] == first["subject"]  # read on the subscriber's own instance
            assert events[0]["changedFields"] == ["subject"]


@BOTH_VERSIONS
async def test_after_a_429_on_one_instance_the_other_sends_nothing_until_the_window_resets(
    pair: tuple[str, str], upstream: Upstream
) -> None:
    a, b = pair
    [activity, _] = await two_activities(a)
    one = f'{{ activity(id: "{activity["pipedriveId"]}") {{ pipedriveId subject }} }}'
    for url in (a, b):  # whatever either instance asks once per token is asked now
        await data(url, one)
    upstream.sandbox.control.clear()
    upstream.sandbox.control.inject(Fault("status", status=429, retry_after=4, path="/api/*"))

    async def timed(url: str) -> tuple[dict[str, Any], float]:
        started = time.monotonic()
        body = await graphql(url, one)
        return body, time.monotonic() - started

    on_a = asyncio.create_task(timed(a))
    async with asyncio.timeout(10):
        while not upstream.requests():
            await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)  # the window, announced through Redis, has reached B
    on_b = asyncio.create_task(timed(b))
    await asyncio.sleep(1.5)
    assert [status for _, _, status in upstream.requests()] == [429]  # nothing into the spent window
    (body_a, _), (body_b, waited) = await asyncio.gather(on_a, on_b)
    assert body_a["data"] == body_b["data"] == {"activity": activity}
    assert waited > 3.0  # B waited for the reset instead of provoking a 429
    assert [status for _, _, status in upstream.requests()] == [429, 200, 200]
    assert body_b["extensions"]["upstream"]["calls"] == 1


@BOTH_VERSIONS
async def test_activity_types_are_fetched_once_for_both_instances_and_per_company(
    pair: tuple[str, str], upstream: Upstream, redis_server: RedisServer, prefix: str
) -> None:
    a, b = pair
    upstream.sandbox.control.clear()
    demo = await asyncio.gather(*(data(url, TYPES) for url in (a, b) * 4))  # both cold, at the same moment
    demo += [await data(url, TYPES) for url in (a, b)]
    assert all(answer == demo[0] for answer in demo)
    assert len(upstream.requests("/api/v1/activityTypes")) == 1
    other = [await data(url, TYPES, OTHER_COMPANY_TOKEN) for url in (b, a)]
    assert other[0] == other[1] != demo[0]  # the other company's own types, fetched with its own token
    assert len(upstream.requests("/api/v1/activityTypes")) == 2
    keys = [key for key in redis_server.keys() if key.startswith(prefix)]
    assert len([key for key in keys if ":activity-types:" in key and not key.endswith(":fetching")]) == 2
    for token in (DEMO_TOKEN, OTHER_COMPANY_TOKEN):
        assert not any(token in key or Credentials(token).key in key for key in keys)


async def test_an_auto_move_to_v2_on_one_instance_is_made_by_the_other(
    gateways: Gateways, upstream: Upstream, redis_server: RedisServer, prefix: str
) -> None:
    gateways.api_version = "auto"
    with gateways.start(2, redis_server.url, prefix) as (a, b):
        assert (await readiness(b))["apiVersion"] == "v1"
        upstream.sandbox.control.v1_retired = True
        on_a = await graphql(a, PAGE)
        assert on_a["extensions"]["upstream"]["apiVersion"] == "v2"
        await until_ready(b, timeout=10, apiVersion="v2")
        on_b = await graphql(b, PAGE)
        assert on_b["extensions"]["upstream"]["apiVersion"] == "v2"
        assert on_b["data"] == on_a["data"]
        assert [status for _, _, status in upstream.requests()].count(410) == 1  # A's alone
        [moved] = [line for line in gateways.log_lines(b, "gateway.api_version") if line["level"] == "WARNING"]
        assert "another instance" in moved["message"]
        with gateways.one(redis_server.url, prefix) as c:  # an instance started later starts on v2
            assert (await readiness(c))["apiVersion"] == "v2"
            assert (await graphql(c, PAGE))["extensions"]["upstream"]["apiVersion"] == "v2"
        assert [status for _, _, status in upstream.requests()].count(410) == 1
        assert sample(httpx.get(f"{b}/metrics").text, "gateway_redis_available") == 1
