"""`GET /api/v2/activities/{id}`: the v2 shape, include_fields, 404s and cost."""

import httpx
import pytest

from gateway.sandbox import Sandbox
from tests.sandbox.conftest import db_ids
from tests.sandbox.test_errors import assert_v2_bad_request

pytestmark = pytest.mark.anyio
V2_NOT_FOUND = {
    "success": False,
    "error": "Entity was not found",
    "error_info": "Object was not found.",
    "data": None,
    "additional_data": None,
}
V2_KEYS = set(
    (
        "id subject type owner_id creator_user_id is_deleted add_time update_time deal_id lead_id person_id org_id "
        "project_id due_date due_time duration busy done marked_as_done_time location participants "
        "conference_meeting_client conference_meeting_url conference_meeting_id public_description priority note"
    ).split()
)


def spent(first: httpx.Response, second: httpx.Response) -> int:
    name = "x-daily-ratelimit-token-remaining"
    return int(first.headers[name]) - int(second.headers[name])


async def test_one_activity_as_the_list_shows_it(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    activity_id = db_ids(sandbox, "company_id = 1 AND active_flag = 1 AND attendees IS NOT NULL")[0]
    for include in ({}, {"include_fields": "attendees"}):
        response = await client.get(f"/api/v2/activities/{activity_id}", params=include)
        listed = await client.get("/api/v2/activities", params={"ids": str(activity_id), **include})
        assert response.status_code == 200
        assert response.json() == {"success": True, "data": listed.json()["data"][0]}
        assert set(response.json()["data"]) == V2_KEYS | ({"attendees"} if include else set())


@pytest.mark.parametrize("condition", ["company_id = 2", "company_id = 1 AND active_flag = 0"])
async def test_foreign_and_deleted_are_not_found(client: httpx.AsyncClient, sandbox: Sandbox, condition: str) -> None:
    activity_id = db_ids(sandbox, condition)[0]
    response = await client.get(f"/api/v2/activities/{activity_id}")
    assert (response.status_code, response.json()) == (404, V2_NOT_FOUND)
    assert "x-ratelimit-remaining" in response.headers


async def test_unknown_is_not_found_and_a_malformed_id_is_a_bad_request(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v2/activities/999999")
    assert (response.status_code, response.json()) == (404, V2_NOT_FOUND)
    assert_v2_bad_request(await client.get("/api/v2/activities/abc"))
    assert_v2_bad_request(await client.get("/api/v2/activities/0"))
    assert_v2_bad_request(await client.get("/api/v2/activities/1", params={"include_fields": "everything"}))


async def test_costs_one_token(client: httpx.AsyncClient) -> None:
    first = await client.get("/api/v2/activities/1")
    second = await client.get("/api/v2/activities/1")
    assert spent(first, second) == 1
