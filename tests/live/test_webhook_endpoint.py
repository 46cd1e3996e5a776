"""`POST /webhooks/pipedrive`: Basic auth in constant time, v2 payloads checked at the boundary, answered
at once; nothing refused or repeated reaches a subscriber."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.config import Settings
from gateway.sandbox import Sandbox
from tests.live.conftest import Live
from tests.live.support import basic, payload, post_webhook, subscribed, wait_for_subscribers
from tests.ops.conftest import sample
from tests.support import running

pytestmark = pytest.mark.anyio


async def test_without_webhook_credentials_the_endpoint_does_not_exist(sandbox: Sandbox) -> None:
    settings = Settings(upstream_url="http://sandbox.internal/api", api_token="t")
    async with running(create_app(settings, sandbox.transport())) as http:
        response = await http.post("/webhooks/pipedrive", json=payload("create", 3))
        assert response.status_code == 404


async def test_refused_deliveries_reach_no_subscriber(live: Live, http: httpx.AsyncClient) -> None:
    refused: list[tuple[dict[str, Any] | bytes, dict[str, str], int]] = [
        (payload("create", 3), {}, 401),
        (payload("create", 3), basic(password="wrong"), 401),
        (payload("create", 3), basic(user="other"), 401),
        (payload("create", 3), {"authorization": "Bearer hook-password-0123456789"}, 401),
        (b"{not json", basic(), 400),
        (b"[1, 2]", basic(), 400),
        ({"v": 1, "current": {"id": 3}, "previous": None, "event": "added.activity", "meta": {}}, basic(), 400),
        ({"meta": {"action": "create", "entity": "activity"}, "data": {}}, basic(), 400),
        ({**payload("create", 3), "data": {"id": 4}}, basic(), 400),
        ({**payload("create", 3), "meta": {**payload("create", 3)["meta"], "action": "merged"}}, basic(), 400),
        ({**payload("create", 3), "meta": {**payload("create", 3)["meta"], "timestamp": "yesterday"}}, basic(), 400),
        ({**payload("change", 3), "previous": None}, basic(), 400),
    ]
    async with subscribed(live.url) as client:
        await wait_for_subscribers(live.url, 1)
        for body, headers, status in refused:
            response = await post_webhook(http, body, headers)
            assert response.status_code == status, (body, response.text)
            if status == 401:
                assert response.headers["www-authenticate"].startswith("Basic")
        ignored = await post_webhook(http, payload("create", 17, entity="deal"))
        assert ignored.json() == {"status": "ignored", "entity": "deal"}
        assert (await post_webhook(http, payload("change", 7, previous={"subject": "Old"}))).status_code == 200
        event = await client.event()
        assert (event["action"], event["pipedriveId"]) == ("UPDATED", 7), "a refused delivery came through first"
    metrics = (await http.get("/metrics")).text
    assert sample(metrics, "gateway_webhooks_received_total", outcome="unauthorized") == 4
    assert sample(metrics, "gateway_webhooks_received_total", outcome="invalid") == 8
    assert sample(metrics, "gateway_webhooks_received_total", outcome="ignored") == 1


async def test_a_repeated_delivery_is_published_once(live: Live, http: httpx.AsyncClient) -> None:
    first = payload("change", 7, previous={"done": False}, data={"done": True})
    retry = {**first, "meta": {**first["meta"], "attempt": 2}}
    async with subscribed(live.url) as client:
        await wait_for_subscribers(live.url, 1)
        assert (await post_webhook(http, first)).json() == {"status": "published"}
        assert (await post_webhook(http, retry)).json() == {"status": "duplicate"}
        assert (await post_webhook(http, payload("delete", 8))).json() == {"status": "published"}
        assert (await client.event())["pipedriveId"] == 7
        assert (await client.event())["pipedriveId"] == 8, "the retry was published again"


async def test_credentials_and_bodies_stay_out_of_the_logs(
    live: Live, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    body = payload("create", 3)
    body["meta"]["timestamp"] = "not a time"
    caplog.set_level("DEBUG")
    await post_webhook(http, body)
    await post_webhook(http, payload("create", 3), basic(password="guessed-password"))
    logged = caplog.text + json.dumps([r.__dict__ for r in caplog.records], default=str)
    for secret in ("hook-password-0123456789", "guessed-password", basic()["authorization"].split()[1]):
        assert secret not in logged
