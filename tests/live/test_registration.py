"""The gateway's webhook upstream: registered on a company's first subscriber, reused after a restart;
`register` by hand; the sandbox's deliveries retried with the same `meta.id`."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.app import create_app
from gateway.config import Settings, WebhookSettings
from gateway.live import register
from gateway.sandbox import DEMO_TOKEN, OTHER_COMPANY_TOKEN, Sandbox
from gateway.upstream import CallLedger, Credentials, PipedriveClient, UpstreamTransport
from gateway.upstream.retry import RetryPolicy
from gateway.upstream.webhooks import WebhookRegistration
from tests.live.conftest import FAST_RETRIES
from tests.live.support import WEBHOOK_PASSWORD, WEBHOOK_USER, subscribed, wait_for_subscribers
from tests.support import sandbox_rest, serve_in_thread

pytestmark = pytest.mark.anyio

PUBLIC = "https://gateway.example.test"
URL = PUBLIC + "/webhooks/pipedrive"


def _settings() -> Settings:
    hooks = WebhookSettings(user=WEBHOOK_USER, password=WEBHOOK_PASSWORD, public_url=PUBLIC)
    return Settings(upstream_url="http://sandbox.internal/api", api_token=DEMO_TOKEN, webhooks=hooks)


async def _until(condition: object, timeout: float = 10) -> None:
    async with asyncio.timeout(timeout):
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.02)


async def test_registration_on_first_subscriber_is_reused_after_a_restart(live_sandbox: Sandbox) -> None:
    for run in range(2):  # the same upstream, a fresh gateway process each time
        live_sandbox.control.clear()
        with serve_in_thread(create_app(_settings(), live_sandbox.transport())) as url:
            async with subscribed(url), subscribed(url, token=OTHER_COMPANY_TOKEN):
                await wait_for_subscribers(url, 2)
                await _until(lambda: live_sandbox.control.count("GET", "/api/v1/webhooks") == 2)
                await asyncio.sleep(0.1)
        posts = live_sandbox.control.count("POST", "/api/v1/webhooks")
        assert posts == (2 if run == 0 else 0), f"run {run}: {posts} webhooks created"
    for company in (1, 2):
        (hook,) = live_sandbox.store.webhooks.all(company)
        assert (hook["subscription_url"], hook["event_object"], hook["event_action"]) == (URL, "activity", "*")
        assert (hook["version"], hook["http_auth_user"]) == ("2.0", WEBHOOK_USER)


async def test_register_replaces_stale_webhooks_on_our_url(sandbox: Sandbox) -> None:
    async with sandbox_rest(sandbox, DEMO_TOKEN) as rest:
        for version in ("1.0", "2.0"):
            body = {"subscription_url": URL, "event_action": "*", "event_object": "activity", "name": "old"}
            await rest.post("/api/v1/webhooks", json={**body, "version": version, "http_auth_user": "someone"})
        other = {"subscription_url": "https://elsewhere.test/hook", "event_action": "*", "event_object": "deal"}
        await rest.post("/api/v1/webhooks", json={**other, "name": "theirs"})
    registration = WebhookRegistration(URL, WEBHOOK_USER, WEBHOOK_PASSWORD)
    async with httpx.AsyncClient(transport=sandbox.transport(), base_url="http://sandbox/api") as http:
        client = PipedriveClient(UpstreamTransport(http, RetryPolicy()), Credentials(DEMO_TOKEN), CallLedger())
        first = await register(client, registration)
        again = await register(client, registration)
    assert first.created and len(first.removed) == 2
    assert not again.created and again.webhook.id == first.webhook.id and again.removed == ()
    urls = sorted(h["subscription_url"] for h in sandbox.store.webhooks.all(1))
    assert urls == ["https://elsewhere.test/hook", URL]


async def test_the_sandbox_retries_a_failed_delivery_with_the_same_id() -> None:
    received: list[dict[str, object]] = []

    async def hook(request: Request) -> JSONResponse:
        received.append({"body": json.loads(await request.body()), "auth": request.headers.get("authorization")})
        return JSONResponse({}, 503 if len(received) < 3 else 200)

    sandbox = Sandbox(db_path=":memory:", webhook_retry_delays=FAST_RETRIES)
    try:
        sandbox.deliver_webhooks_through(
            httpx.ASGITransport(app=Starlette(routes=[Route("/hook", hook, methods=["POST"])]))
        )
        async with sandbox_rest(sandbox, DEMO_TOKEN) as rest:
            body = {"subscription_url": "http://receiver.test/hook", "event_action": "change", "event_object": "*"}
            created = await rest.post(
                "/api/v1/webhooks", json={**body, "name": "r", "http_auth_user": "u", "http_auth_password": "p"}
            )
            assert created.status_code == 201
            await rest.post("/api/v2/activities", json={"subject": "not a change"})
            assert (await rest.patch("/api/v2/activities/7", json={"subject": "Changed"})).status_code == 200
            await sandbox.webhooks.idle()
    finally:
        sandbox.close()
    attempts = sandbox.control.deliveries
    assert [(a.attempt, a.status) for a in attempts] == [(1, 503), (2, 503), (3, 200)]
    assert len({a.delivery_id for a in attempts}) == 1
    metas = [r["body"]["meta"] for r in received]  # type: ignore[index]
    assert [m["attempt"] for m in metas] == [1, 2, 3] and len({m["id"] for m in metas}) == 1
    assert metas[0]["action"] == "change" and metas[0]["entity_id"] == "7" and metas[0]["company_id"] == "1"
    assert received[0]["body"]["previous"] == {"subject": received[0]["body"]["previous"]["subject"]}  # type: ignore[index]
    assert received[0]["auth"] == "Basic dTpw"


async def test_the_sandbox_limits_webhooks_to_40_per_user(sandbox: Sandbox) -> None:
    body = {"subscription_url": "https://a.test/h", "event_action": "*", "event_object": "*", "name": "n"}
    async with sandbox_rest(sandbox, DEMO_TOKEN) as rest:
        statuses = [(await rest.post("/api/v1/webhooks", json=body)).status_code for _ in range(41)]
        listed = (await rest.get("/api/v1/webhooks")).json()
        invalid = await rest.post("/api/v1/webhooks", json={**body, "event_action": "added"})
        deleted = await rest.delete(f"/api/v1/webhooks/{listed['data'][0]['id']}")
    assert statuses == [201] * 40 + [422]
    assert len(listed["data"]) == 40 and listed["status"] == "ok"
    assert invalid.status_code == 400 and "event_action" in invalid.json()["errors"]
    assert deleted.json() == {"status": "ok", "success": True}
