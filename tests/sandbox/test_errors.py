"""Each error status with the upstream's bodies: 400 variants, 401 per auth style, 403, 404."""

import base64
from typing import Any

import httpx
import pytest

from gateway.sandbox import DEMO_NONADMIN_TOKEN, DEMO_OAUTH_TOKEN, DEMO_TOKEN, Sandbox
from tests.sandbox.conftest import BASE_URL, client_for, db_ids

pytestmark = pytest.mark.anyio

UNAUTHORIZED = {"success": False, "error": "unauthorized access", "errorCode": 401}
FORBIDDEN = {
    "success": False,
    "error": "You do not have permissions to do this.",
    "error_info": "Please check developers.pipedrive.com",
    "data": None,
    "additional_data": None,
}


def assert_envelope(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"success", "error", "error_info", "data", "additional_data"}
    assert body["success"] is False and isinstance(body["error"], str) and body["error"]
    assert body["data"] is None and body["additional_data"] is None


def assert_v2_bad_request(response: httpx.Response) -> None:
    """The v2 400 body: `{success: false, error, code: "ERR_BAD_REQUEST"}`."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert set(body) == {"success", "error", "code"}
    assert body["success"] is False and isinstance(body["error"], str) and body["error"]
    assert body["code"] == "ERR_BAD_REQUEST"


def cursor_of(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "501"},
        {"limit": "ten"},
        {"limit": "-5"},
        {"start": "-1"},
        {"start": "x"},
        {"start_date": "2025-13-01"},
        {"start_date": "2025/01/01"},
        {"end_date": "2025-02-30"},
        {"done": "2"},
        {"done": "true"},
        {"type": "call,nope"},
        {"filter_id": "999"},
        {"filter_id": "4"},
        {"filter_id": "abc"},
        {"user_id": "me"},
    ],
)
async def test_list_rejects(client: httpx.AsyncClient, params: dict[str, str]) -> None:
    assert_envelope(await client.get("/api/v1/activities", params=params), 400)


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "!!!"},
        {"cursor": cursor_of(b"not json")},
        {"cursor": cursor_of(b'{"page": 2}')},
        {"cursor": cursor_of(b'{"after_id": "3"}')},
        {"cursor": cursor_of(b"[1]")},
        {"limit": "501"},
        {"since": "yesterday"},
        {"until": "2025-01-01 25:00:00"},
        {"done": "yes"},
        {"type": "nope"},
        {"user_id": "-1"},
    ],
)
async def test_collection_rejects(client: httpx.AsyncClient, params: dict[str, str]) -> None:
    assert_envelope(await client.get("/api/v1/activities/collection", params=params), 400)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/activities/abc",
        "/api/v1/activities/0",
        "/api/v1/activities/-3",
        "/api/v1/activities/1.5",
        "/api/v1/persons/x",
        "/api/v1/users/x",
    ],
)
async def test_malformed_path_ids(client: httpx.AsyncClient, path: str) -> None:
    assert_envelope(await client.get(path), 400)


@pytest.mark.parametrize(
    "body",
    [
        {"due_time": "9:30"},
        {"due_time": "25:00"},
        {"due_time": "09:30:00"},
        {"duration": "1h"},
        {"duration": "00:75"},
        {"due_date": "2025-02-30"},
        {"due_date": "04/03/2025"},
        {"type": "nope"},
        {"type": "fax"},
        {"lead_id": "not-a-uuid"},
        {"lead_id": 12},
        {"person_id": 999999},
        {"person_id": 41},
        {"org_id": 999999},
        {"deal_id": 999999},
        {"user_id": 999},
        {"user_id": 6},
        {"user_id": 5},
        {"subject": None},
        {"subject": 5},
        {"done": 2},
        {"done": "yes"},
        {"busy_flag": "yes"},
        {"participants": [{"primary_flag": True}]},
        {"participants": "1"},
        {"participants": [{"person_id": 41}]},
        {"attendees": [{"name": "No email"}]},
        {"attendees": [{"person_id": 999999}]},
        {"project_id": "x"},
        {"deal_id": True},
    ],
)
async def test_add_rejects_and_writes_nothing(
    client: httpx.AsyncClient, sandbox: Sandbox, body: dict[str, Any]
) -> None:
    before = len(db_ids(sandbox, "1 = 1"))
    assert_envelope(await client.post("/api/v1/activities", json=body), 400)
    assert len(db_ids(sandbox, "1 = 1")) == before


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"", b'"text"', b"\x80\xff"])
async def test_malformed_json_bodies(client: httpx.AsyncClient, sandbox: Sandbox, content: bytes) -> None:
    headers = {"content-type": "application/json"}
    assert_envelope(await client.post("/api/v1/activities", content=content, headers=headers), 400)
    activity_id = db_ids(sandbox, "company_id = 1 AND active_flag = 1")[0]
    path = f"/api/v1/activities/{activity_id}"
    assert_envelope(await client.put(path, content=content, headers=headers), 400)


async def test_update_rejects_and_changes_nothing(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    activity_id = db_ids(sandbox, "company_id = 1 AND active_flag = 1")[0]
    before = (await client.get(f"/api/v1/activities/{activity_id}")).json()["data"]
    response = await client.put(f"/api/v1/activities/{activity_id}", json={"subject": "New", "due_time": "7"})
    assert_envelope(response, 400)
    assert (await client.get(f"/api/v1/activities/{activity_id}")).json()["data"] == before
    for unclearable in ("type", "user_id", "done"):
        assert_envelope(await client.put(f"/api/v1/activities/{activity_id}", json={unclearable: None}), 400)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v2/activities", {"ids": ",".join(str(n) for n in range(1, 102))}),
        ("/api/v2/activities", {"ids": "1,a"}),
        ("/api/v2/activities", {"ids": ""}),
        ("/api/v2/persons", {}),
        ("/api/v2/persons", {"ids": ""}),
        ("/api/v2/deals", {"ids": "0"}),
        ("/api/v2/organizations", {"ids": "1,,2"}),
    ],
)
async def test_v2_rejects(client: httpx.AsyncClient, path: str, params: dict[str, str]) -> None:
    assert_v2_bad_request(await client.get(path, params=params))


async def test_v2_accepts_exactly_100_ids(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v2/activities", params={"ids": ",".join(str(n) for n in range(1, 101))})
    assert response.status_code == 200


@pytest.mark.parametrize("params", [{}, {"ids": "1,x"}, {"ids": ""}])
async def test_bulk_delete_rejects(client: httpx.AsyncClient, params: dict[str, str]) -> None:
    assert_envelope(await client.delete("/api/v1/activities", params=params), 400)


@pytest.mark.parametrize(
    ("headers", "params"),
    [
        ({}, {}),
        ({"x-api-token": "nope"}, {}),
        ({}, {"api_token": "nope"}),
        ({"authorization": "Bearer nope"}, {}),
        ({"authorization": f"Bearer {DEMO_TOKEN}"}, {}),
        ({"x-api-token": DEMO_OAUTH_TOKEN}, {}),
        ({}, {"api_token": DEMO_OAUTH_TOKEN}),
        ({"authorization": f"Basic {DEMO_OAUTH_TOKEN}"}, {}),
    ],
)
async def test_unauthorized(sandbox: Sandbox, headers: dict[str, str], params: dict[str, str]) -> None:
    async with httpx.AsyncClient(transport=sandbox.transport(), base_url=BASE_URL) as anonymous:
        for path in ("/api/v1/activities", "/api/v1/users", "/api/v2/activities?ids=1"):
            response = await anonymous.get(path, headers=headers, params=params)
            assert (response.status_code, response.json()) == (401, UNAUTHORIZED)
            assert response.headers["x-ratelimit-limit"] == "100000"


@pytest.mark.parametrize(
    ("headers", "params"),
    [
        ({"x-api-token": DEMO_TOKEN}, {}),
        ({}, {"api_token": DEMO_TOKEN}),
        ({"authorization": f"Bearer {DEMO_OAUTH_TOKEN}"}, {}),
        ({"authorization": f"bearer {DEMO_OAUTH_TOKEN}"}, {}),
    ],
)
async def test_each_auth_style_works(sandbox: Sandbox, headers: dict[str, str], params: dict[str, str]) -> None:
    async with httpx.AsyncClient(transport=sandbox.transport(), base_url=BASE_URL) as http:
        response = await http.get("/api/v1/users/1", headers=headers, params=params)
    assert response.status_code == 200 and response.json()["data"]["is_you"] is True


async def test_collection_is_forbidden_to_non_admins(sandbox: Sandbox) -> None:
    async with client_for(sandbox, DEMO_NONADMIN_TOKEN) as member:
        response = await member.get("/api/v1/activities/collection")
        assert (response.status_code, response.json()) == (403, FORBIDDEN)
        assert (await member.get("/api/v1/activities", params={"user_id": 0})).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/activities/999999"),
        ("PUT", "/api/v1/activities/999999"),
        ("DELETE", "/api/v1/activities/999999"),
        ("GET", "/api/v1/persons/999999"),
        ("GET", "/api/v1/organizations/999999"),
        ("GET", "/api/v1/deals/999999"),
        ("GET", "/api/v1/nowhere"),
    ],
)
async def test_not_found(client: httpx.AsyncClient, method: str, path: str) -> None:
    response = await client.request(method, path, json={} if method == "PUT" else None)
    assert_envelope(response, 404)


async def test_users_not_found_body(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/users/999")
    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "User not found or not accessible."}


async def test_wrong_method(client: httpx.AsyncClient) -> None:
    assert_envelope(await client.patch("/api/v1/activities/1", json={}), 405)
