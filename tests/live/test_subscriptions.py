"""`Subscription.activityEvents` over a real socket: what reaches whom, read with whose token."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from gateway.config import ApiMode
from gateway.sandbox import DEMO_NONADMIN_TOKEN, DEMO_TOKEN, OTHER_COMPANY_TOKEN
from tests.live.conftest import BOTH_VERSIONS, Live
from tests.live.support import EVENTS, payload, post_webhook, subscribed, wait_for_subscribers, ws_connect
from tests.support import GraphQLClient

pytestmark = pytest.mark.anyio

ACME_ACTIVITY = 7  # company 1's, owned by user 2
GLOBEX_ACTIVITY = 1  # company 2's


@BOTH_VERSIONS
async def test_posted_webhooks_reach_a_subscriber_with_the_activity_read(
    live: Live, http: httpx.AsyncClient, api_version: ApiMode
) -> None:
    async with subscribed(live.url) as client:
        await wait_for_subscribers(live.url, 1)
        await post_webhook(http, payload("create", ACME_ACTIVITY, owner_id=2))
        previous = {"due_date": "2025-01-01", "busy": True, "owner_id": 1, "location": {"value": "Old street 1"}}
        await post_webhook(http, payload("change", ACME_ACTIVITY, owner_id=2, previous=previous))
        await post_webhook(http, payload("delete", ACME_ACTIVITY, owner_id=2))
        created, updated, deleted = [await client.event() for _ in range(3)]
    assert created["action"] == "CREATED" and created["changedFields"] == []
    assert created["activity"]["pipedriveId"] == ACME_ACTIVITY and created["activity"]["subject"]
    assert created["activityId"] == "QWN0aXZpdHk6Nw==" and created["occurredAt"].startswith("20")
    assert updated["action"] == "UPDATED"
    assert updated["changedFields"] == ["userId", "dueDate", "busyFlag", "location", "assignedToUserId"]
    assert deleted["action"] == "DELETED" and deleted["activity"] is None and deleted["changedFields"] == []


async def test_events_carry_no_cost_report(live: Live, http: httpx.AsyncClient) -> None:
    async with subscribed(live.url) as client:
        await wait_for_subscribers(live.url, 1)
        await post_webhook(http, payload("create", ACME_ACTIVITY))
        message = await client.receive()
    assert message["type"] == "next" and "extensions" not in message["payload"], message


@BOTH_VERSIONS
async def test_changes_made_through_the_gateway_reach_subscribers_in_process(
    live: Live, http: httpx.AsyncClient, api_version: ApiMode
) -> None:
    gql = GraphQLClient(http)
    async with subscribed(live.url) as client:
        await wait_for_subscribers(live.url, 1)
        await _registered(live)
        added = await gql.data(
            'mutation { addActivity(input: {subject: "Live demo", type: "call", dueDate: "2025-01-09"}) '
            "{ activity { id pipedriveId } userErrors { message } } }"
        )
        activity = added["addActivity"]["activity"]
        created = await client.event()  # each read before the next change: `activity` is the activity now
        await gql.data(
            'mutation($id: ID!) { updateActivity(input: {id: $id, subject: "Live demo, moved", '
            'dueDate: "2025-01-10", done: true}) { activity { id } } }',
            {"id": activity["id"]},
        )
        updated = await client.event()
        delete = "mutation($id: ID!) { deleteActivity(input: {id: $id}) { deletedActivityId } }"
        await gql.data(delete, {"id": activity["id"]})
        deleted = await client.event()
    assert (created["action"], created["pipedriveId"]) == ("CREATED", activity["pipedriveId"])
    assert created["activity"]["subject"] == "Live demo"
    assert updated["action"] == "UPDATED" and updated["activity"]["subject"] == "Live demo, moved"
    assert set(updated["changedFields"]) >= {"subject", "dueDate", "done", "markedAsDoneTime"}
    assert "updateTime" not in updated["changedFields"]
    assert deleted["action"] == "DELETED" and deleted["activity"] is None
    deliveries = live.sandbox.control.deliveries
    assert [d.action for d in deliveries] == ["create", "change", "delete"] and all(d.succeeded for d in deliveries)


async def test_actions_and_user_id_filter(live: Live, http: httpx.AsyncClient) -> None:
    async with (
        subscribed(live.url, {"actions": ["DELETED"]}) as deletions,
        subscribed(live.url, {"userId": 2}) as users,
        subscribed(live.url, {"actions": ["CREATED", "UPDATED"], "userId": 3}) as both,
    ):
        await wait_for_subscribers(live.url, 3)
        await post_webhook(http, payload("create", 7, owner_id=2))
        await post_webhook(http, payload("change", 8, owner_id=3, previous={"owner_id": 2}))
        await post_webhook(http, payload("delete", 9, owner_id=4))
        await post_webhook(http, payload("create", 10, owner_id=3))
        assert [(await deletions.event())["pipedriveId"]] == [9]
        assert [(await users.event())["pipedriveId"] for _ in range(2)] == [7, 8]  # 8 left user 2's hands
        assert [(await both.event())["pipedriveId"] for _ in range(2)] == [8, 10]
        await post_webhook(http, payload("delete", 11, owner_id=2))
        assert (await deletions.event())["pipedriveId"] == 11, "an event slipped through the filter before"
        assert (await users.event())["pipedriveId"] == 11


@BOTH_VERSIONS
async def test_each_company_sees_only_its_own(live: Live, http: httpx.AsyncClient, api_version: ApiMode) -> None:
    async with (
        subscribed(live.url, token=DEMO_TOKEN) as acme,
        subscribed(live.url, token=OTHER_COMPANY_TOKEN) as globex,
    ):
        await wait_for_subscribers(live.url, 2)
        await post_webhook(http, payload("create", GLOBEX_ACTIVITY, company_id=2, owner_id=6))
        await post_webhook(http, payload("create", ACME_ACTIVITY, company_id=1, owner_id=2))
        assert (await acme.event())["pipedriveId"] == ACME_ACTIVITY
        seen = await globex.event()
        assert seen["pipedriveId"] == GLOBEX_ACTIVITY and seen["activity"]["pipedriveId"] == GLOBEX_ACTIVITY
        await post_webhook(http, payload("delete", 3, company_id=1))
        assert (await acme.event())["pipedriveId"] == 3
        with pytest.raises(TimeoutError):
            await globex.event(timeout=0.3)


@BOTH_VERSIONS
async def test_an_activity_the_token_cannot_read_is_null(
    live: Live, http: httpx.AsyncClient, api_version: ApiMode
) -> None:
    async with subscribed(live.url, token=DEMO_NONADMIN_TOKEN) as client:
        await wait_for_subscribers(live.url, 1)
        # A delivery for company 1 naming company 2's activity: the subscriber's token cannot read it.
        await post_webhook(http, payload("change", GLOBEX_ACTIVITY, company_id=1, previous={"subject": "x"}))
        await post_webhook(http, payload("change", ACME_ACTIVITY, company_id=1, previous={"subject": "x"}))
        hidden, visible = await client.event(), await client.event()
    assert hidden["pipedriveId"] == GLOBEX_ACTIVITY and hidden["activity"] is None
    assert visible["activity"]["pipedriveId"] == ACME_ACTIVITY


async def test_connection_authentication_and_close_codes(live: Live, http: httpx.AsyncClient) -> None:
    async with ws_connect(live.url) as client:  # the case of the payload's keys does not matter
        await client.ws.send('{"type": "connection_init", "payload": {"x-API-token": "not-a-token"}}')
        assert await client.closed() == (4403, "Forbidden: the upstream refused the token")
    async with ws_connect(live.url, headers={"authorization": "Bearer not-a-token"}) as client:
        await client.ws.send('{"type": "connection_init"}')
        assert (await client.closed())[0] == 4403
    async with ws_connect(live.url, headers={"x-api-token": OTHER_COMPANY_TOKEN}) as client:
        await client.init()
        await client.subscribe(EVENTS)
        await wait_for_subscribers(live.url, 1)
        await post_webhook(http, payload("create", GLOBEX_ACTIVITY, company_id=2, owner_id=6))
        assert (await client.event())["pipedriveId"] == GLOBEX_ACTIVITY  # the header's token, company 2


async def test_no_token_at_all_closes_with_4401(live_sandbox: object) -> None:
    from gateway.app import create_app
    from gateway.config import Settings
    from tests.support import serve_in_thread

    settings = Settings(upstream_url="http://sandbox.internal/api")  # no default token
    with serve_in_thread(create_app(settings, live_sandbox.transport())) as url:  # type: ignore[attr-defined]
        async with ws_connect(url) as client:
            await client.ws.send('{"type": "connection_init", "payload": {}}')
            assert (await client.closed())[0] == 4401
        async with ws_connect(url) as client:
            await client.ws.send('{"type": "subscribe", "id": "1", "payload": {"query": "subscription { x }"}}')
            assert (await client.closed())[0] == 4401


async def test_subscriptions_are_refused_over_http(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": EVENTS})
    assert response.status_code in (200, 400, 405)
    assert "data" not in response.json() or response.json()["data"] is None


async def _registered(live: Live) -> None:
    for _ in range(200):
        if live.sandbox.store.webhooks.all(1):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the gateway did not register its webhook with the embedded sandbox")
