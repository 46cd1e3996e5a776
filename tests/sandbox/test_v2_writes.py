"""`POST`, `PATCH` and `DELETE /api/v2/activities`: v2 names and types, partial updates, the
read-only `person_id`, validation with the v2 400 body, 404s, soft delete and costs."""

from typing import Any

import httpx
import pytest

from gateway.sandbox import Sandbox
from tests.sandbox.conftest import db_ids
from tests.sandbox.test_errors import assert_v2_bad_request
from tests.sandbox.test_v2_items import V2_KEYS, V2_NOT_FOUND, spent

pytestmark = pytest.mark.anyio
PATH = "/api/v2/activities"
LEAD = "5f0c1b1e-8a7e-4a55-9d1e-2b3c4d5e6f70"
ADDRESS = "Rue de Rivoli 1, 75001 Paris, France"


def person_ids(sandbox: Sandbox, company_id: int = 1) -> list[int]:
    rows = sandbox.store.database.rows("SELECT id FROM persons WHERE company_id = ? ORDER BY id", [company_id])
    return [row["id"] for row in rows]


def full_body(sandbox: Sandbox) -> dict[str, Any]:
    first, second = person_ids(sandbox)[:2]
    return {
        "subject": "Kick-off",
        "type": "meeting",
        "owner_id": 3,
        "deal_id": 1,
        "lead_id": LEAD,
        "org_id": 2,
        "project_id": 4,
        "due_date": "2025-03-04",
        "due_time": "09:30:00",
        "duration": "00:45",
        "busy": True,
        "done": True,
        "location": {"value": ADDRESS},
        "participants": [{"person_id": second, "primary": False}, {"person_id": first, "primary": True}],
        "attendees": [{"email": "guest@example.org", "name": "Guest"}, {"person_id": second}],
        "public_description": "Agenda",
        "priority": 263,
        "note": "<p>Bring the draft</p>",
    }


async def created(client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(PATH, json=body)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def count(sandbox: Sandbox) -> int:
    return int(sandbox.store.database.scalar("SELECT COUNT(*) FROM activities"))


async def test_create_with_defaults(client: httpx.AsyncClient) -> None:
    response = await client.post(PATH, json={})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"success", "data"} and body["success"] is True
    data = body["data"]
    assert set(data) == V2_KEYS | {"attendees"}
    assert (data["subject"], data["type"], data["owner_id"], data["creator_user_id"]) == ("Call", "call", 1, 1)
    assert (data["done"], data["busy"], data["is_deleted"], data["person_id"], data["priority"]) == (
        False,
        None,
        False,
        None,
        None,
    )
    assert (data["participants"], data["attendees"], data["location"], data["marked_as_done_time"]) == (
        [],
        [],
        None,
        None,
    )
    assert data["add_time"] == data["update_time"] and data["add_time"].endswith("Z")
    assert (await client.get(f"{PATH}/{data['id']}")).json()["data"]["subject"] == "Call"


async def test_create_with_every_writable_field(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    first, second = person_ids(sandbox)[:2]
    data = await created(client, full_body(sandbox))
    sent = full_body(sandbox)
    same = {key: value for key, value in sent.items() if key not in ("location", "attendees", "participants")}
    assert {key: data[key] for key in same} == {**same, "due_time": "09:30:00", "duration": "00:45:00"}
    by_person = sorted(data["participants"], key=lambda p: p["person_id"])
    assert by_person == sorted(
        [{"person_id": first, "primary": True}, {"person_id": second, "primary": False}], key=lambda p: p["person_id"]
    )
    assert data["person_id"] == first and data["marked_as_done_time"] is not None
    assert data["location"] == {
        "value": ADDRESS,
        "route": "Rue de Rivoli",
        "street_number": "1",
        "postal_code": "75001",
        "locality": "Paris",
        "country": "France",
        "subpremise": None,
        "sublocality": None,
        "admin_area_level_1": None,
        "admin_area_level_2": None,
        "formatted_address": ADDRESS,
    }
    guest, person = data["attendees"]
    assert (guest["email"], guest["name"], guest["person_id"], guest["status"], guest["is_organizer"]) == (
        "guest@example.org",
        "Guest",
        None,
        "noreply",
        False,
    )
    assert person["person_id"] == second and "@" in person["email"] and person["name"]


async def test_location_parts_are_stored_as_sent(client: httpx.AsyncClient) -> None:
    location = {"value": "HQ, 3rd floor", "locality": "Tallinn", "country": "Estonia", "subpremise": "3rd floor"}
    data = await created(client, {"location": location})
    assert data["location"]["value"] == "HQ, 3rd floor"
    assert {key: data["location"][key] for key in ("locality", "country", "subpremise", "route")} == {
        "locality": "Tallinn",
        "country": "Estonia",
        "subpremise": "3rd floor",
        "route": None,
    }
    v1 = (await client.get(f"/api/v1/activities/{data['id']}")).json()["data"]
    assert (v1["location"], v1["location_locality"], v1["location_formatted_address"]) == (
        "HQ, 3rd floor",
        "Tallinn",
        "HQ, 3rd floor",
    )


async def test_patch_changes_only_the_keys_sent(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    before = await created(client, full_body(sandbox))
    response = await client.patch(f"{PATH}/{before['id']}", json={"subject": "Renamed", "priority": 2})
    assert response.status_code == 200
    after = response.json()["data"]
    changed = {key for key in after if after[key] != before[key]}
    assert changed <= {"subject", "priority", "update_time"} and {"subject", "priority"} <= changed
    assert (after["subject"], after["priority"]) == ("Renamed", 2)


async def test_patch_null_clears(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    before = await created(client, full_body(sandbox))
    cleared = dict.fromkeys(
        (
            "deal_id lead_id org_id project_id due_date due_time duration busy location participants "
            "attendees public_description priority note"
        ).split()
    )
    after = (await client.patch(f"{PATH}/{before['id']}", json=cleared)).json()["data"]
    assert {key: after[key] for key in cleared} == {
        **cleared,
        "participants": [],
        "attendees": [],
        "public_description": "",
        "note": "",
    }
    assert after["person_id"] is None and after["subject"] == before["subject"]
    for name in ("subject", "type", "owner_id", "done"):
        assert_v2_bad_request(await client.patch(f"{PATH}/{before['id']}", json={name: None}))
    assert (await client.get(f"{PATH}/{before['id']}", params={"include_fields": "attendees"})).json()["data"] == after


async def test_done_sets_and_clears_marked_as_done_time(client: httpx.AsyncClient) -> None:
    data = await created(client, {"done": False})
    assert data["marked_as_done_time"] is None
    done = (await client.patch(f"{PATH}/{data['id']}", json={"done": True})).json()["data"]
    assert done["done"] is True and done["marked_as_done_time"].endswith("Z")
    undone = (await client.patch(f"{PATH}/{data['id']}", json={"done": False})).json()["data"]
    assert undone["done"] is False and undone["marked_as_done_time"] is None


async def test_the_primary_participant_sets_the_person(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    first, second = person_ids(sandbox)[:2]
    data = await created(client, {"participants": [{"person_id": first, "primary": True}]})
    moved = await client.patch(
        f"{PATH}/{data['id']}",
        json={"participants": [{"person_id": first, "primary": False}, {"person_id": second, "primary": True}]},
    )
    assert moved.json()["data"]["person_id"] == second
    listed = (await client.get(PATH, params={"person_id": str(second), "limit": "500"})).json()["data"]
    assert data["id"] in [item["id"] for item in listed]


@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_person_id_is_read_only(client: httpx.AsyncClient, sandbox: Sandbox, method: str) -> None:
    activity_id = db_ids(sandbox, "company_id = 1 AND active_flag = 1")[0]
    path = PATH if method == "POST" else f"{PATH}/{activity_id}"
    before, rows = (await client.get(f"{PATH}/{activity_id}")).json(), await count(sandbox)
    response = await client.request(method, path, json={"subject": "Sneaky", "person_id": person_ids(sandbox)[0]})
    assert_v2_bad_request(response)
    assert response.json()["error"].startswith("'person_id' is a read-only field.")
    assert (await client.get(f"{PATH}/{activity_id}")).json() == before and await count(sandbox) == rows


@pytest.mark.parametrize(
    "body",
    [
        {"id": 5},
        {"user_id": 1},
        {"busy_flag": True},
        {"add_time": "2025-01-01T00:00:00Z"},
        {"is_deleted": False},
        {"done": 1},
        {"done": "true"},
        {"busy": "yes"},
        {"due_time": "9:30"},
        {"due_time": "09:30:15"},
        {"due_time": "24:00"},
        {"duration": "01:00:00:00"},
        {"due_date": "2025-02-30"},
        {"location": "Rue de Rivoli 1, Paris"},
        {"location": {"country": "France"}},
        {"location": {"value": "Paris", "city": "Paris"}},
        {"owner_id": 5},
        {"owner_id": 6},
        {"deal_id": 30},
        {"org_id": 999},
        {"lead_id": "lead-1"},
        {"participants": [{"person_id": 999, "primary": True}]},
        {"participants": {"person_id": 1}},
        {"attendees": [{"name": "Nobody"}]},
        {"attendees": [{"email": "a@b.c", "role": "chair"}]},
        {"priority": "high"},
        {"type": "fax"},
        {"subject": 5},
    ],
)
async def test_invalid_bodies_write_nothing(client: httpx.AsyncClient, sandbox: Sandbox, body: dict[str, Any]) -> None:
    activity_id = db_ids(sandbox, "company_id = 1 AND active_flag = 1")[0]
    before, rows = (await client.get(f"{PATH}/{activity_id}")).json(), await count(sandbox)
    assert_v2_bad_request(await client.post(PATH, json=body))
    assert_v2_bad_request(await client.patch(f"{PATH}/{activity_id}", json=body))
    assert (await client.get(f"{PATH}/{activity_id}")).json() == before and await count(sandbox) == rows


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]"])
async def test_a_body_that_is_no_json_object(client: httpx.AsyncClient, content: bytes) -> None:
    headers = {"content-type": "application/json"}
    assert_v2_bad_request(await client.post(PATH, content=content, headers=headers))
    assert_v2_bad_request(await client.patch(f"{PATH}/1", content=content, headers=headers))


@pytest.mark.parametrize("condition", ["company_id = 2", "company_id = 1 AND active_flag = 0", "id = 0"])
async def test_patch_and_delete_of_what_is_not_there(
    client: httpx.AsyncClient, sandbox: Sandbox, condition: str
) -> None:
    activity_id = (db_ids(sandbox, condition) or [999_999])[0]
    for response in (
        await client.patch(f"{PATH}/{activity_id}", json={"subject": "Nope"}),
        await client.delete(f"{PATH}/{activity_id}"),
    ):
        assert (response.status_code, response.json()) == (404, V2_NOT_FOUND)
    assert sandbox.store.database.scalar("SELECT COUNT(*) FROM activities WHERE subject = 'Nope'") == 0


async def test_delete_is_soft(client: httpx.AsyncClient) -> None:
    data = await created(client, {"subject": "Short-lived"})
    response = await client.delete(f"{PATH}/{data['id']}")
    assert (response.status_code, response.json()) == (200, {"success": True, "data": {"id": data["id"]}})
    assert (await client.get(f"{PATH}/{data['id']}")).status_code == 404
    assert (await client.delete(f"{PATH}/{data['id']}")).status_code == 404
    v1 = (await client.get(f"/api/v1/activities/{data['id']}")).json()["data"]
    assert v1["active_flag"] is False and v1["subject"] == "Short-lived"
    listed = (await client.get(PATH, params={"ids": str(data["id"])})).json()["data"]
    assert listed == []


async def test_another_company_cannot_write_mine(other: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    data = await created(client, {"subject": "Mine"})
    assert (await other.patch(f"{PATH}/{data['id']}", json={"subject": "Theirs"})).status_code == 404
    assert (await other.delete(f"{PATH}/{data['id']}")).status_code == 404
    assert (await client.get(f"{PATH}/{data['id']}")).json()["data"]["subject"] == "Mine"


async def test_costs(client: httpx.AsyncClient) -> None:
    start = await client.get(f"{PATH}/1")
    added = await client.post(PATH, json={})
    activity_id = added.json()["data"]["id"]
    patched = await client.patch(f"{PATH}/{activity_id}", json={"note": "x"})
    deleted = await client.delete(f"{PATH}/{activity_id}")
    assert [spent(start, added), spent(added, patched), spent(patched, deleted)] == [5, 5, 3]
