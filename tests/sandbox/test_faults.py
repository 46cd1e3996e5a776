"""Injected faults, latency, timeouts and the request record, through the in-process transport."""

import time

import httpx
import pytest

from gateway.sandbox import DEMO_TOKEN, Fault, Sandbox
from tests.sandbox.conftest import BASE_URL, db_ids

pytestmark = pytest.mark.anyio
ACTIVITIES = "/api/v1/activities"


def activity_count(sandbox: Sandbox) -> int:
    return len(db_ids(sandbox, "1 = 1"))


async def test_status_before(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    fault = Fault(kind="status", status=503, times=2, method="GET", path="/api/v1/activities*", retry_after=3)
    sandbox.control.inject(fault)
    for _ in range(2):
        response = await client.get(ACTIVITIES)
        assert response.status_code == 503 and response.headers["Retry-After"] == "3"
        assert set(response.json()) == {"success", "error", "error_info", "data", "additional_data"}
    assert (await client.get(ACTIVITIES)).status_code == 200
    assert [entry.status for entry in sandbox.control.requests] == [503, 503, 200]


async def test_status_before_writes_nothing(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    before = activity_count(sandbox)
    sandbox.control.inject(Fault(kind="status", status=500, method="POST", path=ACTIVITIES))
    response = await client.post(ACTIVITIES, json={"subject": "lost"})
    assert response.status_code == 500 and "Retry-After" not in response.headers
    assert activity_count(sandbox) == before


async def test_status_after_commits_the_write(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    before = activity_count(sandbox)
    sandbox.control.inject(Fault(kind="status", status=502, method="POST", path=ACTIVITIES, when="after"))
    assert (await client.post(ACTIVITIES, json={"subject": "kept"})).status_code == 502
    assert activity_count(sandbox) == before + 1
    assert sandbox.control.requests[-1].status == 502


async def test_malformed(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.control.inject(Fault(kind="malformed", path="/api/v1/users"))
    response = await client.get("/api/v1/users")
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()
    assert (await client.get("/api/v1/users")).json()["success"] is True


async def test_drop_before(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    before = activity_count(sandbox)
    sandbox.control.inject(Fault(kind="drop", method="POST"))
    with pytest.raises(httpx.RemoteProtocolError, match="Server disconnected without sending a response"):
        await client.post(ACTIVITIES, json={"subject": "lost"})
    assert activity_count(sandbox) == before
    assert sandbox.control.requests[-1].status == 0


async def test_drop_after_commits_the_write(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    before = activity_count(sandbox)
    sandbox.control.inject(Fault(kind="drop", method="POST", when="after"))
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post(ACTIVITIES, json={"subject": "kept"})
    assert activity_count(sandbox) == before + 1


async def test_refuse(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    before = activity_count(sandbox)
    sandbox.control.inject(Fault(kind="refuse", times=2))
    for _ in range(2):
        with pytest.raises(httpx.ConnectError):
            await client.post(ACTIVITIES, json={"subject": "lost"})
    assert activity_count(sandbox) == before
    assert [entry.status for entry in sandbox.control.requests] == [0, 0]
    assert (await client.post(ACTIVITIES, json={})).status_code == 201


def test_refuse_after_is_meaningless() -> None:
    with pytest.raises(ValueError):
        Fault(kind="refuse", when="after")
    with pytest.raises(ValueError):
        Fault(kind="boom")  # type: ignore[arg-type]  # not a kind, on purpose
    with pytest.raises(ValueError):
        Fault(kind="status", times=0)


async def test_delay_then_serve(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.control.inject(Fault(kind="delay", delay_s=0.05))
    started = time.perf_counter()
    response = await client.get("/api/v1/users/1")
    assert response.status_code == 200 and time.perf_counter() - started >= 0.05


async def test_read_timeout_before_handling_writes_nothing(sandbox: Sandbox) -> None:
    before = activity_count(sandbox)
    sandbox.control.inject(Fault(kind="delay", delay_s=1.0, method="POST"))
    async with httpx.AsyncClient(
        transport=sandbox.transport(), base_url=BASE_URL, headers={"x-api-token": DEMO_TOKEN}, timeout=0.05
    ) as http:
        with pytest.raises(httpx.ReadTimeout):
            await http.post(ACTIVITIES, json={"subject": "abandoned"})
    assert activity_count(sandbox) == before
    assert sandbox.control.requests[-1].status == 0


async def test_read_timeout_after_handling_keeps_the_write(sandbox: Sandbox) -> None:
    before = activity_count(sandbox)
    sandbox.control.inject(Fault(kind="delay", delay_s=1.0, method="POST", when="after"))
    async with httpx.AsyncClient(
        transport=sandbox.transport(), base_url=BASE_URL, headers={"x-api-token": DEMO_TOKEN}, timeout=0.05
    ) as http:
        with pytest.raises(httpx.ReadTimeout):
            await http.post(ACTIVITIES, json={"subject": "written"})
    assert activity_count(sandbox) == before + 1


async def test_latency(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.control.latency_ms = 40.0
    started = time.perf_counter()
    await client.get("/api/v1/users/1")
    assert time.perf_counter() - started >= 0.04
    sandbox.control.reset()
    assert sandbox.control.latency_ms == 0.0


async def test_latency_from_the_constructor() -> None:
    box = Sandbox(":memory:", latency_ms=30.0)
    try:
        async with httpx.AsyncClient(
            transport=box.transport(), base_url=BASE_URL, headers={"x-api-token": DEMO_TOKEN}
        ) as http:
            started = time.perf_counter()
            await http.get("/api/v1/users/1")
        assert time.perf_counter() - started >= 0.03
    finally:
        box.close()


async def test_matching_by_method_and_path(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.control.inject(Fault(kind="status", status=504, method="GET", path="/api/v1/activities"))
    assert (await client.get("/api/v1/activities/collection")).status_code == 200
    assert (await client.post(ACTIVITIES, json={})).status_code == 201
    assert (await client.get(ACTIVITIES)).status_code == 504
    sandbox.control.inject(Fault(kind="status", status=429, path="/api/v2/*", retry_after=0))
    assert (await client.get("/api/v1/users")).status_code == 200
    response = await client.get("/api/v2/deals", params={"ids": "1"})
    assert (response.status_code, response.headers["Retry-After"]) == (429, "0")


async def test_reset_clears_faults(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.control.inject(Fault(kind="status", times=5))
    sandbox.control.reset()
    assert (await client.get("/api/v1/users")).status_code == 200


async def test_request_record(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    await client.get(ACTIVITIES, params={"limit": 5, "api_token": DEMO_TOKEN})
    await client.post(ACTIVITIES, json={"subject": "Recorded"})
    await client.get("/api/v1/activities/999999")
    control = sandbox.control
    first = control.requests[0]
    assert (first.method, first.path, first.query, first.status) == ("GET", ACTIVITIES, {"limit": "5"}, 200)
    assert (first.company_id, first.user_id) == (1, 1)
    assert control.requests[1].body == {"subject": "Recorded"} and control.requests[1].status == 201
    assert DEMO_TOKEN not in repr(control.requests)
    assert control.count() == 3
    assert control.count("GET") == 2 and control.count("post", ACTIVITIES) == 1
    assert control.count(path="/api/v1/activities*") == 3 and control.count(path=ACTIVITIES) == 2
    control.clear()
    assert control.count() == 0


async def test_unauthenticated_requests_are_recorded_without_caller(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient(transport=sandbox.transport(), base_url=BASE_URL) as anonymous:
        await anonymous.get("/api/v1/users")
    entry = sandbox.control.requests[-1]
    assert (entry.status, entry.company_id, entry.user_id) == (401, None, None)
