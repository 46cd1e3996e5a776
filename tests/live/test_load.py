"""Many subscribers, bursts, slow readers and shutdown, over a real socket."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx
import pytest

from gateway.config import ApiMode, LiveSettings
from gateway.sandbox import DEMO_NONADMIN_TOKEN, DEMO_TOKEN, Sandbox
from tests.live.conftest import Live
from tests.live.support import payload, post_webhook, subscribed, wait_for_subscribers
from tests.ops.conftest import sample
from tests.support import sandbox_rest

pytestmark = pytest.mark.anyio

SUBSCRIBERS = 200
ACTIVITIES = 10
PER_ACTIVITY = ("create", "change", "change", "change", "delete")  # 50 events in all
SLIM = "subscription { activityEvents { action pipedriveId activity { subject } } }"


async def _acme_activity_ids(sandbox: Sandbox, count: int) -> list[int]:
    async with sandbox_rest(sandbox, DEMO_TOKEN) as rest:
        body = (await rest.get("/api/v2/activities", params={"limit": count})).json()
    return [item["id"] for item in body["data"]]


async def _burst(http: httpx.AsyncClient, ids: list[int]) -> None:
    """Each activity's events in order, the activities side by side."""

    async def one(activity_id: int) -> None:
        for action in PER_ACTIVITY:
            previous = {"subject": "before"} if action == "change" else None
            response = await post_webhook(http, payload(action, activity_id, previous=previous))
            assert response.json() == {"status": "published"}

    await asyncio.gather(*(one(i) for i in ids))


def _activity_reads(sandbox: Sandbox, token_user: int) -> int:
    return sum(
        1
        for r in sandbox.control.requests
        if r.user_id == token_user and r.method == "GET" and "/activities" in r.path and "/users" not in r.path
    )


@pytest.mark.parametrize("live_settings", [LiveSettings(read_window_seconds=3.0)])  # wide: a loaded machine is slow
@pytest.mark.parametrize("api_version", ["v2"])  # a batch reads through v2 `?ids=` on either version
async def test_200_subscribers_get_a_burst_of_50_in_order_with_one_read_per_token(
    live: Live, http: httpx.AsyncClient, api_version: ApiMode
) -> None:
    ids = await _acme_activity_ids(live.sandbox, ACTIVITIES)
    async with contextlib.AsyncExitStack() as stack:
        clients = await asyncio.gather(
            *(
                stack.enter_async_context(
                    subscribed(live.url, token=DEMO_TOKEN if n % 2 else DEMO_NONADMIN_TOKEN, query=SLIM)
                )
                for n in range(SUBSCRIBERS)
            )
        )
        await wait_for_subscribers(live.url, SUBSCRIBERS, timeout=30)
        live.sandbox.control.clear()
        await _burst(http, ids)
        received = await asyncio.gather(*(_events(client, len(ids) * len(PER_ACTIVITY)) for client in clients))
    for events in received:
        for activity_id in ids:
            actions = [e["action"] for e in events if e["pipedriveId"] == activity_id]
            assert actions == ["CREATED", "UPDATED", "UPDATED", "UPDATED", "DELETED"], actions
        assert all(e["activity"] is None for e in events if e["action"] == "DELETED")
        assert all(e["activity"] is None or e["activity"]["subject"] for e in events)
    # The activities of the burst were read once per token (each token's window gathers the burst).
    assert _activity_reads(live.sandbox, token_user=1) == 1
    assert _activity_reads(live.sandbox, token_user=2) == 1


async def _events(client: Any, count: int) -> list[dict[str, Any]]:
    return [await client.event(timeout=60) for _ in range(count)]


@pytest.mark.parametrize("live_settings", [LiveSettings(max_queue=5)])
async def test_a_slow_subscriber_is_dropped_with_1013_while_the_others_go_on(
    live: Live, http: httpx.AsyncClient
) -> None:
    async with (
        subscribed(live.url, query=SLIM) as slow,  # reads each activity: the upstream is made slow below
        subscribed(live.url, query="subscription { activityEvents { pipedriveId } }") as brisk,
    ):
        await wait_for_subscribers(live.url, 2)
        live.sandbox.control.latency_ms = 2000  # the slow one's first read holds it; its queue fills
        for n in range(8):
            await post_webhook(http, payload("change", 7, previous={"subject": f"{n}"}))
            assert (await brisk.event())["pipedriveId"] == 7
        await wait_for_subscribers(live.url, 1)  # the slow one is gone at once, its queue with it
        code, reason = await slow.closed()
        assert code == 1013 and reason and "behind" in reason
        await post_webhook(http, payload("delete", 8))
        assert (await brisk.event())["pipedriveId"] == 8
        live.sandbox.control.latency_ms = 0
    metrics = (await http.get("/metrics")).text
    assert sample(metrics, "gateway_live_events_dropped_total", reason="slow_subscriber") == 5 + 1


async def _subscribers(http: httpx.AsyncClient) -> float | None:
    return sample((await http.get("/metrics")).text, "gateway_live_subscribers")


async def test_stopping_the_gateway_closes_every_subscription(live_sandbox: Sandbox) -> None:
    from gateway.app import create_app
    from gateway.config import Settings
    from tests.support import serve_in_thread

    async with contextlib.AsyncExitStack() as stack:
        with serve_in_thread(create_app(Settings(), sandbox=live_sandbox)) as url:
            clients = [await stack.enter_async_context(subscribed(url)) for _ in range(3)]
            await wait_for_subscribers(url, 3)
        # uvicorn closes the sockets (1012) before the lifespan ends the subscriptions (1001)
        for client in clients:
            code, _ = await client.closed()
            assert code in (1001, 1012)
