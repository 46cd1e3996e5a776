"""Writes on API v2: the same mutations, translated to v2's names and shapes, each sent once.

v2 calls the owner `owner_id` and busy `busy`, takes `done` as a boolean and times as `HH:MM:SS`,
takes `location` as an object, participants as `{person_id, primary}`, attendees as `{email,
person_id}`, and refuses `person_id` (read-only): the person becomes the primary participant."""

from __future__ import annotations

import httpx
import pytest

from gateway.sandbox import Sandbox
from tests.mutations.support import ADD, DELETE, DELETE_MANY, UPDATE, linked, live_ids, stored
from tests.support import GraphQLClient

from .support import bodies_sent

pytestmark = pytest.mark.anyio


async def test_an_add_is_one_v2_post_with_v2_names_and_reads_back_as_sent(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    ids = await linked(rest)
    given = {
        "subject": "Site tour",
        "type": "meeting",
        "dueDate": "2026-12-03",
        "dueTime": "09:30",
        "duration": "01:15",
        "busyFlag": False,
        "done": True,
        "userId": 3,
        "location": "Rue de Rivoli 1, Paris",
        "personId": ids["person"],
        "attendees": [{"emailAddress": "guest@example.org"}],
    }
    sandbox.control.clear()
    payload = (await gql.data(ADD, {"input": given}))["addActivity"]
    (body,) = bodies_sent(sandbox, "POST", "/api/v2/activities")
    assert "person_id" not in body and "user_id" not in body and "busy_flag" not in body
    assert body["owner_id"] == 3 and body["busy"] is False and body["done"] is True
    assert (body["due_time"], body["duration"]) == ("09:30:00", "01:15:00")
    assert body["location"] == {"value": "Rue de Rivoli 1, Paris"}
    assert body["participants"] == [{"person_id": ids["person"], "primary": True}]
    assert body["attendees"] == [{"email": "guest@example.org"}]
    activity = payload["activity"]
    assert payload["userErrors"] == [] and payload["moreActivitiesScheduledInContext"] is None
    assert (activity["dueTime"], activity["duration"], activity["busyFlag"], activity["done"]) == (
        "09:30",
        "01:15",
        False,
        True,
    )
    assert (activity["userId"], activity["personId"], activity["location"]) == (
        3,
        ids["person"],
        "Rue de Rivoli 1, Paris",
    )
    assert activity["participants"] == [{"personId": ids["person"], "primaryFlag": True}]
    v1 = await stored(rest, activity["pipedriveId"])  # the same activity read through v1
    assert (v1["person_id"], v1["due_time"], v1["busy_flag"], v1["user_id"]) == (ids["person"], "09:30", False, 3)
    assert sandbox.control.count("POST", "/api/v2/activities") == 1
    assert sandbox.control.count("POST", "/api/v1/activities") == 0


async def test_participants_keep_their_primary_flag_both_ways(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    ids = await linked(rest)
    participants = [
        {"personId": ids["person"], "primaryFlag": False},
        {"personId": ids["person2"], "primaryFlag": True},
    ]
    sandbox.control.clear()
    activity = (await gql.data(ADD, {"input": {"subject": "Both", "participants": participants}}))["addActivity"][
        "activity"
    ]
    (body,) = bodies_sent(sandbox, "POST", "/api/v2/activities")
    assert body["participants"] == [
        {"person_id": ids["person"], "primary": False},
        {"person_id": ids["person2"], "primary": True},
    ]
    assert {(p["personId"], p["primaryFlag"]) for p in activity["participants"]} == {
        (ids["person"], False),
        (ids["person2"], True),
    }
    assert activity["personId"] == ids["person2"]


async def test_changing_only_the_person_reads_the_activity_once_and_keeps_the_other_participants(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    ids = await linked(rest)
    participants = [{"personId": ids["person"], "primaryFlag": True}, {"personId": ids["person2"]}]
    created = (await gql.data(ADD, {"input": {"subject": "Keep", "participants": participants}}))["addActivity"]
    activity_id = created["activity"]["pipedriveId"]
    newcomer = ids["person3"]
    sandbox.control.clear()
    updated = (await gql.data(UPDATE, {"input": {"id": str(activity_id), "personId": newcomer}}))["updateActivity"]
    assert sandbox.control.count("GET", f"/api/v2/activities/{activity_id}") == 1
    (body,) = bodies_sent(sandbox, "PATCH", f"/api/v2/activities/{activity_id}")
    assert body == {
        "participants": [{"person_id": newcomer, "primary": True}, {"person_id": ids["person2"], "primary": False}]
    }
    assert updated["activity"]["personId"] == newcomer
    cleared = (await gql.data(UPDATE, {"input": {"id": str(activity_id), "personId": None}}))["updateActivity"]
    assert cleared["activity"]["participants"] == [] and cleared["activity"]["personId"] is None


async def test_an_update_sends_exactly_the_fields_given_null_included(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    activity_id = min(await live_ids(rest))
    sandbox.control.clear()
    given = {"id": str(activity_id), "note": None, "dueTime": "18:05", "busyFlag": None, "location": None}
    payload = (await gql.data(UPDATE, {"input": given}))["updateActivity"]
    (body,) = bodies_sent(sandbox, "PATCH", f"/api/v2/activities/{activity_id}")
    assert body == {"note": None, "due_time": "18:05:00", "busy": None, "location": None}
    activity = payload["activity"]
    assert (activity["note"], activity["dueTime"], activity["busyFlag"], activity["location"]) == (
        None,
        "18:05",
        None,
        None,
    )


async def test_delete_and_bulk_delete_send_one_v2_delete_per_id(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    first, *more = sorted(await live_ids(rest))[:8]
    sandbox.control.clear()
    one = (await gql.data(DELETE, {"input": {"id": str(first)}}))["deleteActivity"]
    assert one["userErrors"] == [] and one["deletedActivityId"]
    ids = [str(i) for i in more] + ["999999", str(first)]
    payload = (await gql.data(DELETE_MANY, {"input": {"ids": ids}}))["deleteActivities"]
    assert len(payload["deletedActivityIds"]) == len(more)
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("NOT_FOUND", ["input", "ids", str(len(more))]),
        ("NOT_FOUND", ["input", "ids", str(len(more) + 1)]),  # already deleted above
    ]
    deletes = [r.path for r in sandbox.control.requests if r.method == "DELETE"]
    assert sorted(deletes) == sorted(f"/api/v2/activities/{i}" for i in [first, *more, 999999, first])
    assert not set(more) & await live_ids(rest)
