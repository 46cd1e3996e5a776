"""POST/PUT/DELETE semantics: defaults, participants, partial updates, clearing, done times, soft delete."""

from typing import Any

import httpx
import pytest

from gateway.sandbox import DEMO_NONADMIN_TOKEN, Sandbox
from tests.sandbox.conftest import client_for, db_ids

pytestmark = pytest.mark.anyio
PARIS = "Rue de Rivoli 1, 75001 Paris, France"


async def add(client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/api/v1/activities", json=body)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def fetch(client: httpx.AsyncClient, activity_id: int) -> dict[str, Any]:
    response = await client.get(f"/api/v1/activities/{activity_id}")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def test_create_defaults(client: httpx.AsyncClient) -> None:
    created = (await add(client, {}))["data"]
    assert (created["subject"], created["type"], created["user_id"]) == ("Call", "call", 1)
    assert created["done"] is False
    assert created["created_by_user_id"] == 1 and created["company_id"] == 1
    assert created["participants"] is None and created["person_id"] is None
    assert created["add_time"] == created["update_time"] and created["marked_as_done_time"] == ""
    assert created["active_flag"] is True and created["owner_name"] == "Sam Ortiz"
    assert await fetch(client, created["id"]) == created


async def test_create_with_every_writable_field(client: httpx.AsyncClient) -> None:
    body = {
        "subject": "Demo",
        "type": "meeting",
        "done": 1,
        "due_date": "2025-03-04",
        "due_time": "09:30",
        "duration": "00:45",
        "user_id": 3,
        "deal_id": 1,
        "org_id": 6,
        "person_id": 39,
        "lead_id": "A1B2C3D4-0000-4000-8000-000000000001",
        "project_id": 7,
        "busy_flag": True,
        "location": PARIS,
        "public_description": "Agenda",
        "note": "<p>n</p>",
        "attendees": [{"email_address": "guest@example.org"}, {"person_id": 2}],
    }
    created = (await add(client, body))["data"]
    for key in (
        "subject",
        "type",
        "due_date",
        "due_time",
        "duration",
        "user_id",
        "deal_id",
        "org_id",
        "person_id",
        "project_id",
        "busy_flag",
        "location",
        "public_description",
        "note",
    ):
        assert created[key] == body[key], key
    assert created["done"] is True and created["marked_as_done_time"] == created["add_time"]
    assert created["lead_id"] == "a1b2c3d4-0000-4000-8000-000000000001"
    assert created["participants"] == [{"person_id": 39, "primary_flag": True}]
    parts = ("route", "street_number", "locality", "postal_code", "country")
    parsed = tuple(created[f"location_{part}"] for part in parts)
    assert parsed == ("Rue de Rivoli", "1", "Paris", "75001", "France")
    assert created["attendees"][0]["email_address"] == "guest@example.org"
    assert created["attendees"][1]["person_id"] == 2 and "@" in created["attendees"][1]["email_address"]
    assert created["deal_title"] and created["org_name"] and created["person_name"]
    assert created["deal_dropbox_bcc"] == "acme-demo+deal1@pipedrivemail.com"


async def test_done_accepts_true(client: httpx.AsyncClient) -> None:
    assert (await add(client, {"done": True}))["data"]["done"] is True
    assert (await add(client, {"done": False}))["data"]["done"] is False


async def test_participants_set_the_person(client: httpx.AsyncClient) -> None:
    participants = [{"person_id": 1, "primary_flag": False}, {"person_id": 2, "primary_flag": True}]
    created = (await add(client, {"participants": participants, "person_id": 1}))["data"]
    assert created["person_id"] == 2
    assert created["participants"] == participants
    unflagged = (await add(client, {"participants": [{"person_id": 3}, {"person_id": 4}]}))["data"]
    assert unflagged["person_id"] == 3
    assert unflagged["participants"] == [
        {"person_id": 3, "primary_flag": True},
        {"person_id": 4, "primary_flag": False},
    ]


async def test_more_activities_scheduled_in_context(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    row = sandbox.store.database.row(
        "SELECT deal_id FROM activities WHERE company_id = 1 AND active_flag = 1 AND done = 0 AND deal_id IS NOT NULL"
    )
    assert row is not None
    linked = await add(client, {"deal_id": row["deal_id"]})
    assert linked["additional_data"]["more_activities_scheduled_in_context"] is True
    alone = await add(client, {"subject": "Nothing linked"})
    assert alone["additional_data"]["more_activities_scheduled_in_context"] is False


async def test_update_changes_only_the_keys_sent(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    condition = "company_id = 1 AND active_flag = 1 AND deal_id IS NOT NULL AND note != ''"
    activity_id = db_ids(sandbox, condition)[0]
    before = await fetch(client, activity_id)
    async with client_for(sandbox, DEMO_NONADMIN_TOKEN) as member:
        response = await member.put(f"/api/v1/activities/{activity_id}", json={"subject": "Renamed"})
    after = response.json()["data"]
    assert after["subject"] == "Renamed" and after["update_user_id"] == 2
    assert after["update_time"] > before["update_time"]
    unchanged = {k: v for k, v in before.items() if k not in ("subject", "update_time", "update_user_id")}
    assert {k: after[k] for k in unchanged} == unchanged
    assert await fetch(client, activity_id) == after


async def test_null_clears(client: httpx.AsyncClient) -> None:
    created = (
        await add(
            client,
            {
                "due_date": "2025-05-05",
                "due_time": "10:00",
                "duration": "01:00",
                "deal_id": 1,
                "person_id": 1,
                "location": PARIS,
                "note": "x",
                "busy_flag": False,
                "lead_id": "a1b2c3d4-0000-4000-8000-000000000001",
            },
        )
    )["data"]
    keys = ("due_date", "due_time", "duration", "deal_id", "person_id", "location", "note", "busy_flag", "lead_id")
    response = await client.put(f"/api/v1/activities/{created['id']}", json=dict.fromkeys(keys))
    cleared = response.json()["data"]
    assert (cleared["due_date"], cleared["due_time"], cleared["duration"]) == (None, "", "")
    for key in (
        "deal_id",
        "person_id",
        "participants",
        "lead_id",
        "location",
        "location_route",
        "location_formatted_address",
    ):
        assert cleared[key] is None, key
    assert (cleared["note"], cleared["busy_flag"], cleared["deal_title"]) == ("", None, None)


async def test_done_sets_and_clears_marked_as_done_time(client: httpx.AsyncClient) -> None:
    created = (await add(client, {}))["data"]
    done = (await client.put(f"/api/v1/activities/{created['id']}", json={"done": 1})).json()["data"]
    assert done["done"] is True and done["marked_as_done_time"] == done["update_time"]
    again = (await client.put(f"/api/v1/activities/{created['id']}", json={"done": 1})).json()["data"]
    assert again["marked_as_done_time"] == done["marked_as_done_time"]
    undone = (await client.put(f"/api/v1/activities/{created['id']}", json={"done": 0})).json()["data"]
    assert undone["done"] is False and undone["marked_as_done_time"] == ""


async def test_person_id_replaces_the_primary_participant(client: httpx.AsyncClient) -> None:
    participants = [{"person_id": 1, "primary_flag": True}, {"person_id": 2, "primary_flag": False}]
    created = (await add(client, {"participants": participants}))["data"]
    updated = (await client.put(f"/api/v1/activities/{created['id']}", json={"person_id": 3})).json()["data"]
    assert updated["person_id"] == 3
    assert updated["participants"] == [{"person_id": 3, "primary_flag": True}, {"person_id": 2, "primary_flag": False}]
    moved = (
        await client.put(
            f"/api/v1/activities/{created['id']}", json={"participants": [{"person_id": 4, "primary_flag": True}]}
        )
    ).json()["data"]
    assert moved["person_id"] == 4


async def test_soft_delete(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    activity_id = db_ids(sandbox, "company_id = 1 AND active_flag = 1 AND user_id = 1")[0]
    assert (await client.delete(f"/api/v1/activities/{activity_id}")).status_code == 200
    kept = await fetch(client, activity_id)
    assert kept["active_flag"] is False and kept["update_user_id"] == 1
    listed = (await client.get("/api/v1/activities", params={"limit": 500})).json()["data"]
    assert activity_id not in [item["id"] for item in listed]
    collected = (await client.get("/api/v1/activities/collection", params={"limit": 500})).json()["data"]
    assert activity_id not in [item["id"] for item in collected]
    assert (await client.get("/api/v2/activities", params={"ids": activity_id})).json()["data"] == []
    assert (await client.put(f"/api/v1/activities/{activity_id}", json={"subject": "x"})).status_code == 404
    assert (await client.delete(f"/api/v1/activities/{activity_id}")).status_code == 404


async def test_bulk_delete_skips_unknown_foreign_and_deleted(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    mine = db_ids(sandbox, "company_id = 1 AND active_flag = 1")[:2]
    foreign = db_ids(sandbox, "company_id = 2 AND active_flag = 1")[0]
    deleted = db_ids(sandbox, "company_id = 1 AND active_flag = 0")[0]
    ids = f"{mine[0]},999999,{foreign},{deleted},{mine[1]},{mine[0]}"
    body = (await client.delete("/api/v1/activities", params={"ids": ids})).json()
    assert body == {"success": True, "data": {"id": mine}}
    assert db_ids(sandbox, "id IN (?, ?) AND active_flag = 0", tuple(mine)) == mine
    assert db_ids(sandbox, "id = ? AND active_flag = 1", (foreign,)) == [foreign]
