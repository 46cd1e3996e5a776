"""/healthz answers while the process runs; /readyz tells whether the upstream answers."""

from __future__ import annotations

import httpx
import pytest

from gateway.app import create_app
from gateway.config import Settings
from gateway.sandbox import Fault, Sandbox
from tests.support import running

pytestmark = pytest.mark.anyio


async def test_health_and_readiness_on_the_sandbox(http: httpx.AsyncClient) -> None:
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    ready = await http.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready", "apiVersion": "v1"}


async def test_not_ready_while_the_upstream_fails(http: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.control.inject(Fault(kind="status", status=503, times=1, path="/api/v1/*"))
    answer = await http.get("/readyz")
    assert answer.status_code == 503 and "503" in answer.json()["reason"]
    assert (await http.get("/healthz")).status_code == 200  # alive all the same


async def test_not_ready_when_the_upstream_cannot_be_reached() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    settings = Settings(upstream_url="https://unreachable.example/api", api_token="t")
    async with running(create_app(settings, httpx.MockTransport(refuse))) as client:
        answer = await client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable", "reason": "upstream unreachable (ConnectError)"}
