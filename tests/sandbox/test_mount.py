"""`sandbox.app` mounted under a prefix (the gateway serves it at /sandbox) behaves the same, control
routes included."""

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


async def test_control_routes_are_reachable_under_the_mount(sandbox: Sandbox) -> None:
    parent = Starlette(routes=[Mount("/sandbox", app=sandbox.app)])
    transport = httpx.ASGITransport(app=parent)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://gateway", headers={"x-api-token": DEMO_TOKEN}
    ) as http:
        fault = {"kind": "status", "status": 502, "path": "/api/v1/users/1"}
        assert (await http.post("/sandbox/_control/faults", json=fault)).status_code == 201
        assert (await http.get("/sandbox/api/v1/users/1")).status_code == 502
        recorded = (await http.get("/sandbox/_control/requests")).json()
        assert (recorded["count"], recorded["requests"][0]["status"]) == (1, 502)
        assert (await http.post("/sandbox/_control/latency", json={"ms": 5})).json() == {"latency_ms": 5.0}
        assert (await http.post("/sandbox/_control/reset")).json() == {"reset": True}
    assert sandbox.control.latency_ms == 0.0 and sandbox.control.requests == []


async def test_retiring_v1_under_the_mount(sandbox: Sandbox) -> None:
    parent = Starlette(routes=[Mount("/sandbox", app=sandbox.app)])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=parent), base_url="http://gateway", headers={"x-api-token": DEMO_TOKEN}
    ) as http:
        assert (await http.post("/sandbox/_control/retire-v1")).json() == {"v1_retired": True}
        assert (await http.get("/sandbox/api/v1/activities")).status_code == 410
        assert (await http.get("/sandbox/api/v2/activities")).status_code == 200
        assert (await http.delete("/sandbox/_control/retire-v1")).json() == {"v1_retired": False}
        assert (await http.get("/sandbox/api/v1/activities")).status_code == 200
