"""Retiring v1: the seven v1 activity endpoints answer 410 Gone and do nothing, spending no
tokens; everything else keeps working; switched at any moment, also while requests are in flight."""

import asyncio
from typing import Any

import httpx
import pytest

from gateway.sandbox import DEMO_TOKEN, SEED_TEST_DAY, Fault, Sandbox
from tests.sandbox.conftest import client_for, db_ids

pytestmark = pytest.mark.anyio

V1_ROUTES = [
    ("GET", "/api/v1/activities", None),
    ("GET", "/api/v1/activities/collection", None),
    ("GET", "/api/v1/activities/{id}", None),
    ("POST", "/api/v1/activities", {"subject": "Retired"}),
    ("PUT", "/api/v1/activities/{id}", {"subject": "Retired"}),
    ("DELETE", "/api/v1/activities/{id}", None),
    ("DELETE", "/api/v1/activities?ids={id}", None),
]
OTHER_ROUTES = [
    ("GET", "/api/v1/activityTypes", None),
    ("GET", "/api/v1/users", None),
    ("GET", "/api/v1/users/me", None),
    ("GET", "/api/v1/users/1", None),
    ("GET", "/api/v1/persons/1", None),
    ("GET", "/api/v1/organizations/1", None),
    ("GET", "/api/v1/deals/1", None),
    ("GET", "/api/v2/activities", None),
    ("GET", "/api/v2/activities/{id}", None),
    ("POST", "/api/v2/activities", {"subject": "Still here"}),
    ("PATCH", "/api/v2/activities/{id}", {"subject": "Still here"}),
    ("DELETE", "/api/v2/activities/{id}", None),
    ("GET", "/api/v2/persons?ids=1", None),
    ("GET", "/api/v2/organizations?ids=1", None),
    ("GET", "/api/v2/deals?ids=1", None),
]
ENVELOPE_KEYS = {"success", "error", "error_info", "data", "additional_data"}


def snapshot(sandbox: Sandbox) -> list[list[dict[str, Any]]]:
    database = sandbox.store.database
    return [database.rows(f"SELECT * FROM {table} ORDER BY id") for table in ("activities", "stories")]


async def send(http: httpx.AsyncClient, route: tuple[str, str, Any], activity_id: int) -> httpx.Response:
    method, path, body = route
    return await http.request(method, path.format(id=activity_id), json=body)


def remaining(response: httpx.Response) -> tuple[str, str]:
    return response.headers["x-ratelimit-remaining"], response.headers["x-daily-ratelimit-token-remaining"]


@pytest.mark.parametrize("route", V1_ROUTES, ids=lambda route: f"{route[0]} {route[1]}")
async def test_each_v1_route_is_gone_and_does_nothing(
    client: httpx.AsyncClient, sandbox: Sandbox, route: tuple[str, str, Any]
) -> None:
    activity_id = db_ids(sandbox, "company_id = 1 AND active_flag = 1")[0]
    before = await client.get("/api/v1/users/me")
    sandbox.retire_v1()
    data = snapshot(sandbox)
    responses = [await send(client, route, activity_id) for _ in range(2)]
    for response in responses:
        assert response.status_code == 410
        body = response.json()
        assert set(body) == ENVELOPE_KEYS
        assert (body["success"], body["data"], body["additional_data"]) == (False, None, None)
        assert "/api/v2/activities" in body["error"] and body["error_info"]
        assert remaining(response) == remaining(before)
    assert snapshot(sandbox) == data
    assert [(entry.path, entry.status) for entry in sandbox.control.requests[-2:]] == [
        (route[1].format(id=activity_id).split("?")[0], 410)
    ] * 2


@pytest.mark.parametrize("route", OTHER_ROUTES, ids=lambda route: f"{route[0]} {route[1]}")
async def test_other_routes_keep_working(
    client: httpx.AsyncClient, sandbox: Sandbox, route: tuple[str, str, Any]
) -> None:
    sandbox.retire_v1()
    response = await send(client, route, db_ids(sandbox, "company_id = 1 AND active_flag = 1")[0])
    assert response.status_code == 200, response.text


async def test_a_bad_token_is_still_unauthorized(sandbox: Sandbox) -> None:
    sandbox.retire_v1()
    async with client_for(sandbox, "nope") as http:
        assert (await http.get("/api/v1/activities")).status_code == 401


async def test_switched_by_constructor_method_and_attribute() -> None:
    box = Sandbox(":memory:", seed_day=SEED_TEST_DAY, v1_retired=True)
    try:
        async with client_for(box) as http:
            assert (await http.get("/api/v1/activities/collection")).status_code == 410
            box.restore_v1()
            assert (await http.get("/api/v1/activities/collection")).status_code == 200
            box.control.v1_retired = True
            assert (await http.get("/api/v1/activities/collection")).status_code == 410
            box.control.reset()
            assert (await http.get("/api/v1/activities/collection")).status_code == 410
            box.control.v1_retired = False
            assert (await http.get("/api/v1/activities/collection")).status_code == 200
    finally:
        box.close()


async def test_a_request_waiting_to_be_handled_sees_the_switch(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.control.latency_ms = 50
    waiting = asyncio.ensure_future(client.post("/api/v1/activities", json={"subject": "Late"}))
    await asyncio.sleep(0.01)
    sandbox.retire_v1()
    assert (await waiting).status_code == 410
    assert sandbox.store.database.scalar("SELECT COUNT(*) FROM activities WHERE subject = 'Late'") == 0


async def test_a_request_already_handled_finishes_as_v1(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.control.inject(Fault(kind="delay", when="after", delay_s=0.05, method="POST", path="/api/v1/activities"))
    handled = asyncio.ensure_future(client.post("/api/v1/activities", json={"subject": "Early"}))
    await asyncio.sleep(0.01)
    sandbox.retire_v1()
    assert (await handled).status_code == 201
    assert (await client.get("/api/v1/activities")).status_code == 410
    assert sandbox.store.database.scalar("SELECT COUNT(*) FROM activities WHERE subject = 'Early'") == 1


async def test_the_control_route_switches_it(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient(
        transport=sandbox.transport(), base_url="http://sandbox", headers={"x-api-token": DEMO_TOKEN}
    ) as http:
        assert (await http.get("/_control/retire-v1")).json() == {"v1_retired": False}
        assert (await http.post("/_control/retire-v1")).json() == {"v1_retired": True}
        assert (await http.get("/api/v1/activities")).status_code == 410
        assert (await http.get("/_control/retire-v1")).json() == {"v1_retired": True}
        assert (await http.delete("/_control/retire-v1")).json() == {"v1_retired": False}
        assert (await http.get("/api/v1/activities")).status_code == 200
