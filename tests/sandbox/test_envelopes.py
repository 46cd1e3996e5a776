"""Every answer's envelope and object shapes, checked against the documented field lists."""

import re
from typing import Any

import httpx
import pytest

from gateway.sandbox import Sandbox
from gateway.sandbox.fields import V1_ACTIVITY_FIELDS, V1_COLLECTION_FIELDS
from tests.sandbox.conftest import db_ids, documented_fields

pytestmark = pytest.mark.anyio

V1_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
USER_SUMMARY_KEYS = {"id", "name", "email", "has_pic", "pic_hash", "active_flag"}
PERSON_SUMMARY_KEYS = {"id", "name", "email", "phone", "owner_id"}
ORG_SUMMARY_KEYS = {"id", "name", "people_count", "owner_id", "address", "cc_email"}
DEAL_SUMMARY_KEYS = {"id", "title", "status", "value", "currency", "stage_id", "pipeline_id"}
ERROR_KEYS = {"success", "error", "error_info", "data", "additional_data"}
V2_ACTIVITY_KEYS = {"owner_id", "creator_user_id", "busy", "is_deleted", "location", "participants", "attendees"}
V2_ATTENDEE_KEYS = {"email", "name", "status", "is_organizer", "person_id", "user_id"}
V2_DEAL_KEYS = {"title", "owner_id", "person_id", "org_id", "stage_id", "pipeline_id", "value", "currency", "status"}


def test_field_lists_are_the_documented_ones() -> None:
    documented = documented_fields()
    assert len(documented) == 61
    assert list(V1_ACTIVITY_FIELDS) == [f["name"] for f in documented if f["in_list"]]
    assert list(V1_COLLECTION_FIELDS) == [f["name"] for f in documented if f["in_collection"]]
    assert len(V1_COLLECTION_FIELDS) == 36


def assert_related(related: dict[str, Any], activities: list[dict[str, Any]], *, write: bool) -> None:
    """Exactly the referenced ids, with the documented entry keys."""
    extra = {"active_flag"} if write else set()
    expected_keys = {
        "user": ("user_id", USER_SUMMARY_KEYS),
        "person": ("person_id", PERSON_SUMMARY_KEYS | extra),
        "organization": ("org_id", ORG_SUMMARY_KEYS | extra),
        "deal": ("deal_id", DEAL_SUMMARY_KEYS),
    }
    for key, (column, entry_keys) in expected_keys.items():
        referenced = {str(a[column]) for a in activities if a[column] is not None}
        assert set(related.get(key, {})) == referenced, key
        for entry_id, entry in related.get(key, {}).items():
            assert set(entry) == entry_keys
            assert str(entry["id"]) == entry_id
    assert set(related) <= set(expected_keys)


async def test_list_envelope(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/activities", params={"user_id": 0, "limit": 50})
    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"success", "data", "additional_data", "related_objects"}
    assert body["success"] is True
    assert body["additional_data"] == {
        "pagination": {"start": 0, "limit": 50, "more_items_in_collection": True, "next_start": 50}
    }
    assert len(body["data"]) == 50
    for item in body["data"]:
        assert list(item) == list(V1_ACTIVITY_FIELDS)
        assert V1_TIMESTAMP.match(item["add_time"]) and V1_TIMESTAMP.match(item["update_time"])
        assert item["assigned_to_user_id"] == item["user_id"]
        assert isinstance(item["done"], bool) and item["active_flag"] is True
    assert_related(body["related_objects"], body["data"], write=False)
    assert {"user", "person", "organization", "deal"} <= set(body["related_objects"])


async def test_unset_times_are_empty_strings(client: httpx.AsyncClient) -> None:
    items = (await client.get("/api/v1/activities", params={"user_id": 0, "limit": 500})).json()["data"]
    undated = [item for item in items if item["due_date"] is None]
    assert undated and all(item["due_time"] == "" and item["duration"] == "" for item in undated)
    undone = [item for item in items if not item["done"]]
    assert undone and all(item["marked_as_done_time"] == "" for item in undone)
    done = [item for item in items if item["done"]]
    assert done and all(V1_TIMESTAMP.match(item["marked_as_done_time"]) for item in done)


async def test_empty_v1_list_is_null(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/v1/activities", params={"start_date": "2031-01-01"})).json()
    assert body["data"] is None
    pagination = body["additional_data"]["pagination"]
    assert pagination == {"start": 0, "limit": 100, "more_items_in_collection": False}
    assert body["related_objects"] == {}


async def test_get_envelope(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    activity_id = db_ids(sandbox, "company_id = 1 AND deal_id IS NOT NULL AND active_flag = 1")[0]
    body = (await client.get(f"/api/v1/activities/{activity_id}")).json()
    assert set(body) == {"success", "data", "related_objects"}
    assert list(body["data"]) == list(V1_ACTIVITY_FIELDS)
    assert body["data"]["id"] == activity_id
    assert_related(body["related_objects"], [body["data"]], write=False)


async def test_add_and_update_envelopes(client: httpx.AsyncClient) -> None:
    added = await client.post("/api/v1/activities", json={"subject": "Kick-off", "person_id": 1, "org_id": 6})
    assert added.status_code == 201
    body = added.json()
    assert set(body) == {"success", "data", "additional_data", "related_objects"}
    assert set(body["additional_data"]) == {"updates_story_id", "more_activities_scheduled_in_context"}
    assert isinstance(body["additional_data"]["updates_story_id"], int)
    assert list(body["data"]) == list(V1_ACTIVITY_FIELDS)
    assert_related(body["related_objects"], [body["data"]], write=True)
    updated = await client.put(f"/api/v1/activities/{body['data']['id']}", json={"subject": "Renamed"})
    assert updated.status_code == 200
    update_body = updated.json()
    assert set(update_body) == {"success", "data", "additional_data", "related_objects"}
    assert update_body["additional_data"]["updates_story_id"] > body["additional_data"]["updates_story_id"]
    assert_related(update_body["related_objects"], [update_body["data"]], write=True)


async def test_delete_envelopes(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    first, second, third = db_ids(sandbox, "company_id = 1 AND active_flag = 1")[:3]
    single = await client.delete(f"/api/v1/activities/{first}")
    assert (single.status_code, single.json()) == (200, {"success": True, "data": {"id": first}})
    bulk = await client.delete("/api/v1/activities", params={"ids": f"{second},{third}"})
    assert (bulk.status_code, bulk.json()) == (200, {"success": True, "data": {"id": [second, third]}})


async def test_collection_envelope(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/v1/activities/collection", params={"limit": 20})).json()
    assert set(body) == {"success", "data", "additional_data"}
    assert set(body["additional_data"]) == {"next_cursor"}
    assert isinstance(body["additional_data"]["next_cursor"], str)
    assert len(body["data"]) == 20
    for item in body["data"]:
        assert list(item) == list(V1_COLLECTION_FIELDS)


async def test_v2_activities_shape(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    condition = "company_id = 1 AND active_flag = 1 AND attendees IS NOT NULL AND location_route IS NOT NULL"
    ids = db_ids(sandbox, condition)[:3]
    params = {"ids": ",".join(map(str, ids)), "include_fields": "attendees"}
    body = (await client.get("/api/v2/activities", params=params)).json()
    assert set(body) == {"success", "data", "additional_data"}
    assert body["additional_data"] == {"next_cursor": None}
    assert [item["id"] for item in body["data"]] == ids
    for item in body["data"]:
        assert set(item) >= V2_ACTIVITY_KEYS
        assert not {"user_id", "busy_flag", "active_flag", "company_id", "location_route"} & set(item)
        assert RFC3339.match(item["add_time"]) and RFC3339.match(item["update_time"])
        assert item["due_time"] is None or re.match(r"^\d{2}:\d{2}:00$", item["due_time"])
        assert set(item["location"]) >= {"value", "country", "locality", "route", "street_number"}
        assert item["attendees"] and set(item["attendees"][0]) == V2_ATTENDEE_KEYS
        assert all(set(p) == {"person_id", "primary"} for p in item["participants"])


async def test_v2_empty_data_is_a_list(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/v2/activities", params={"ids": "999999"})).json()
    assert body == {"success": True, "data": [], "additional_data": {"next_cursor": None}}


async def test_v2_persons_organizations_deals(client: httpx.AsyncClient) -> None:
    persons = (await client.get("/api/v2/persons", params={"ids": "1,2,3"})).json()["data"]
    assert [p["id"] for p in persons] == [1, 2, 3]
    assert all(isinstance(p["owner_id"], int) for p in persons)
    assert all(set(p["emails"][0]) == {"label", "value", "primary"} for p in persons)
    orgs = (await client.get("/api/v2/organizations", params={"ids": "1,2"})).json()["data"]
    assert all(org["address"] is None or "value" in org["address"] for org in orgs)
    assert all(isinstance(org["owner_id"], int) for org in orgs)
    deals = (await client.get("/api/v2/deals", params={"ids": "1,2"})).json()["data"]
    for deal in deals:
        assert set(deal) >= V2_DEAL_KEYS
        assert RFC3339.match(deal["add_time"])


async def test_activity_types(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/v1/activityTypes")).json()
    assert set(body) == {"success", "data"}
    documented = [field["name"] for field in documented_fields("activity_type")]
    assert all(list(item) == documented for item in body["data"])
    keys = {item["key_string"]: item for item in body["data"]}
    assert {"call", "meeting", "task", "deadline", "email", "lunch"} <= set(keys)
    assert keys["site_visit"]["is_custom_flag"] is True and keys["site_visit"]["active_flag"] is True
    assert keys["fax"]["active_flag"] is False
    assert keys["call"]["is_custom_flag"] is False


async def test_users(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/v1/users")).json()
    assert set(body) == {"success", "data"}
    assert [user["id"] for user in body["data"]] == [1, 2, 3, 4, 5]
    assert [user["is_you"] for user in body["data"]] == [True, False, False, False, False]
    assert [user["active_flag"] for user in body["data"]] == [True, True, True, True, False]
    assert body["data"][0]["access"][0]["admin"] is True and body["data"][1]["access"][0]["admin"] is False
    single = (await client.get("/api/v1/users/3")).json()
    assert set(single) == {"success", "data"} and single["data"]["id"] == 3


async def test_person_detail_expands_ids(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    person = sandbox.store.database.row("SELECT * FROM persons WHERE company_id = 1 AND org_id IS NOT NULL")
    assert person is not None
    body = (await client.get(f"/api/v1/persons/{person['id']}")).json()
    assert set(body) == {"success", "data", "additional_data", "related_objects"}
    data = body["data"]
    assert data["owner_id"]["value"] == person["owner_id"]
    assert set(data["owner_id"]) == USER_SUMMARY_KEYS | {"value"}
    assert data["org_id"]["value"] == person["org_id"]
    assert set(data["org_id"]) == (ORG_SUMMARY_KEYS - {"id"}) | {"active_flag", "value"}
    assert isinstance(data["email"], list) and isinstance(data["phone"], list)


async def test_organization_detail(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/v1/organizations/6")).json()
    assert body["data"]["id"] == 6 and body["data"]["owner_id"]["value"] == body["data"]["owner_id"]["id"]
    assert set(body["additional_data"]) == {"followers", "dropbox_email"}
    assert "6" in body["related_objects"]["organization"]


async def test_deal_detail(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    deal = sandbox.store.database.row("SELECT * FROM deals WHERE company_id = 1 AND org_id IS NOT NULL")
    assert deal is not None
    body = (await client.get(f"/api/v1/deals/{deal['id']}")).json()
    data = body["data"]
    assert data["user_id"]["value"] == deal["user_id"]
    assert data["creator_user_id"]["value"] == deal["creator_user_id"]
    assert data["person_id"]["value"] == deal["person_id"]
    assert data["org_id"]["value"] == deal["org_id"]
    assert (data["title"], data["status"], data["stage_id"], data["pipeline_id"]) == (
        deal["title"],
        deal["status"],
        deal["stage_id"],
        deal["pipeline_id"],
    )
    assert {"user", "person", "organization", "stage", "pipeline"} <= set(body["related_objects"])


async def test_error_envelope(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/v1/activities/999999")).json()
    assert set(body) == ERROR_KEYS
    assert body["success"] is False and body["data"] is None and body["additional_data"] is None
