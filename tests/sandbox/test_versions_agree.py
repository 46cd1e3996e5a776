"""v1 and v2 read the same activity the same way: every field v2 shares with v1, for every seeded
activity and for writes through either version, translated by the documented naming differences
(REFERENCE §5.3)."""

from typing import Any

import httpx
import pytest

from gateway.sandbox import Sandbox
from gateway.sandbox.fields import LOCATION_PARTS
from tests.sandbox.test_v2_writes import full_body

pytestmark = pytest.mark.anyio
JSONObject = dict[str, Any]


def rfc3339(v1_timestamp: str) -> str | None:
    return v1_timestamp.replace(" ", "T") + "Z" if v1_timestamp else None


def hhmmss(v1_time: str) -> str | None:
    return f"{v1_time}:00" if v1_time else None


def as_v2(v1: JSONObject) -> JSONObject:
    """What v2 must answer for an activity v1 answers as `v1` (attendees included)."""
    location = None
    if v1["location"]:
        location = {"value": v1["location"], **{part: v1[f"location_{part}"] or None for part in LOCATION_PARTS}}
    same = (
        "id subject type deal_id lead_id person_id org_id project_id due_date done "
        "conference_meeting_client conference_meeting_url conference_meeting_id public_description note"
    )
    return {
        **{name: v1[name] for name in same.split()},
        "owner_id": v1["user_id"],
        "creator_user_id": v1["created_by_user_id"],
        "is_deleted": not v1["active_flag"],
        "add_time": rfc3339(v1["add_time"]),
        "update_time": rfc3339(v1["update_time"]),
        "due_time": hhmmss(v1["due_time"]),
        "duration": hhmmss(v1["duration"]),
        "busy": v1["busy_flag"],
        "marked_as_done_time": rfc3339(v1["marked_as_done_time"]),
        "location": location,
        "participants": [{"person_id": p["person_id"], "primary": p["primary_flag"]} for p in v1["participants"] or []],
        "attendees": [
            {
                "email": a["email_address"],
                "name": a["name"],
                "status": a["status"],
                "is_organizer": bool(a["is_organizer"]),
                "person_id": a["person_id"],
                "user_id": a["user_id"],
            }
            for a in v1["attendees"] or []
        ],
    }


def without_priority(v2: JSONObject) -> JSONObject:
    """v2's fields but `priority`, which v1 does not show."""
    return {name: value for name, value in v2.items() if name != "priority"}


async def v2_by_ids(client: httpx.AsyncClient, ids: list[int]) -> dict[int, JSONObject]:
    found: dict[int, JSONObject] = {}
    for start in range(0, len(ids), 100):
        params = {"ids": ",".join(map(str, ids[start : start + 100])), "include_fields": "attendees"}
        response = await client.get("/api/v2/activities", params=params)
        assert response.status_code == 200, response.text
        found.update({item["id"]: item for item in response.json()["data"]})
    return found


async def test_every_seeded_activity_reads_the_same_through_both_versions(client: httpx.AsyncClient) -> None:
    v1_items = (await client.get("/api/v1/activities", params={"user_id": 0, "limit": 500})).json()["data"]
    v2_items = await v2_by_ids(client, [item["id"] for item in v1_items])
    assert len(v1_items) == len(v2_items) > 300
    for v1 in v1_items:
        assert without_priority(v2_items[v1["id"]]) == as_v2(v1)
    busy = [v1["busy_flag"] for v1 in v1_items]
    assert None in busy and True in busy and False in busy


async def read_both(client: httpx.AsyncClient, activity_id: int) -> tuple[JSONObject, JSONObject]:
    v1 = (await client.get(f"/api/v1/activities/{activity_id}")).json()["data"]
    v2 = await client.get(f"/api/v2/activities/{activity_id}", params={"include_fields": "attendees"})
    return v1, v2.json()["data"]


async def test_a_write_through_v2_reads_the_same_through_v1_and_back(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    written = (await client.post("/api/v2/activities", json=full_body(sandbox))).json()["data"]
    v1, v2 = await read_both(client, written["id"])
    assert v2 == written and without_priority(v2) == as_v2(v1)
    assert (v1["user_id"], v1["busy_flag"], v1["due_time"], v1["duration"], v1["done"]) == (
        3,
        True,
        "09:30",
        "00:45",
        True,
    )

    cleared = {"busy": None, "location": None, "due_time": None, "attendees": None, "note": None}
    patched = (await client.patch(f"/api/v2/activities/{written['id']}", json=cleared)).json()["data"]
    v1, v2 = await read_both(client, written["id"])
    assert v2 == patched and without_priority(v2) == as_v2(v1)
    assert (v1["busy_flag"], v1["location"], v1["due_time"], v1["attendees"], v1["note"]) == (None, None, "", None, "")

    put = await client.put(f"/api/v1/activities/{written['id']}", json={"busy_flag": False, "done": 0, "user_id": 2})
    v1, v2 = await read_both(client, written["id"])
    assert put.json()["data"] == v1 and without_priority(v2) == as_v2(v1)
    assert (v2["busy"], v2["done"], v2["owner_id"], v2["priority"]) == (False, False, 2, 263)


async def test_a_write_through_v1_reads_the_same_through_v2(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    body = {
        "subject": "From v1",
        "type": "lunch",
        "due_date": "2025-05-01",
        "due_time": "12:15",
        "duration": "01:30",
        "busy_flag": True,
        "location": "Unter den Linden 77, 10117 Berlin, Germany",
        "attendees": [{"email_address": "guest@example.org"}],
        "done": 1,
    }
    written = (await client.post("/api/v1/activities", json=body)).json()["data"]
    v1, v2 = await read_both(client, written["id"])
    assert written == v1 and without_priority(v2) == as_v2(v1)
    assert (v2["due_time"], v2["duration"], v2["busy"], v2["location"]["locality"]) == (
        "12:15:00",
        "01:30:00",
        True,
        "Berlin",
    )
