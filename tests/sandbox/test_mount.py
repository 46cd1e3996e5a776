"""`sandbox.app` mounted under a prefix (the gateway serves it at /sandbox) behaves the same."""

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from gateway.sandbox import DEMO_TOKEN, Fault, Sandbox

pytestmark = pytest.mark.anyio


async def test_mounted_under_a_prefix(sandbox: Sandbox) -> None:
    parent = Starlette(routes=[Mount("/sandbox", app=sandbox.app)])
    sandbox.control.inject(Fault(kind="status", status=503, path="/api/v1/users/1"))
    transport = httpx.ASGITransport(app=parent)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://gateway", headers={"x-api-token": DEMO_TOKEN}
    ) as http:
        assert (await http.get("/sandbox/api/v1/users/1")).status_code == 503
        assert (await http.get("/sandbox/api/v1/users/1")).json()["data"]["id"] == 1
    assert [entry.path for entry in sandbox.control.requests] == ["/api/v1/users/1"] * 2
