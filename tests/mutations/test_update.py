"""updateActivity: partial changes, clearing with null, unknown ids, and the upstream's refusals."""

from __future__ import annotations

import httpx
import pytest

from gateway.config import ApiMode
from gateway.sandbox import Sandbox
from gateway.schema.ids import encode_id
from tests.support import ActivityPaths, GraphQLClient

from .support import ADD, UPDATE, linked, stored

pytestmark = pytest.mark.anyio


async def a_full_activity(gql: GraphQLClient, rest: httpx.AsyncClient) -> int:
    ids = await linked(rest)
    given = {
        "subject": "Full",
        "type": "meeting",
        "dueDate": "2025-05-06",
        "dueTime": "10:00",
        "duration": "00:45",
        "dealId": ids["deal"],
        "orgId": ids["org"],
        "personId": ids["person"],
        "note": "<p>keep?</p>",
        "location": "Somewhere",
        "busyFlag": True,
    }
    payload = (await gql.data(ADD, {"input": given}))["addActivity"]
    activity_id: int = payload["activity"]["pipedriveId"]
    return activity_id


# What the update sends, in the upstream's names and values (REFERENCE §5.3: v2 renames `busy_flag`
# and takes booleans).
RENAMED_AND_DONE: dict[ApiMode, dict[str, object]] = {
    "v1": {"subject": "Renamed", "done": 1},
    "v2": {"subject": "Renamed", "done": True},
}
CLEARED: dict[ApiMode, dict[str, object]] = {
    "v1": {"note": None, "due_time": None, "deal_id": None, "busy_flag": None, "location": None},
    "v2": {"note": None, "due_time": None, "deal_id": None, "busy": None, "location": None},
}


def the_update(sandbox: Sandbox, paths: ActivityPaths, activity_id: int) -> object:
    """The body of the one write the operation sent: the update of `activity_id`."""
    (request,) = [r for r in sandbox.control.requests if r.method != "GET"]
    assert (request.method, request.path) == (paths.update, paths.of(activity_id))
    return request.body


async def test_a_partial_update_changes_only_what_it_names(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox, api_version: ApiMode, paths: ActivityPaths
) -> None:
    activity_id = await a_full_activity(gql, rest)
    before = await stored(rest, activity_id)
    sandbox.control.clear()
    payload = (await gql.data(UPDATE, {"input": {"id": str(activity_id), "subject": "Renamed", "done": True}}))[
        "updateActivity"
    ]
    assert the_update(sandbox, paths, activity_id) == RENAMED_AND_DONE[api_version]
    after = await stored(rest, activity_id)
    assert (after["subject"], after["done"]) == ("Renamed", True) and after["marked_as_done_time"]
    unchanged = (
        "type",
        "due_date",
        "due_time",
        "duration",
        "deal_id",
        "org_id",
        "person_id",
        "note",
        "location",
        "busy_flag",
        "participants",
    )
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}
    assert payload["userErrors"] == []
    assert (payload["activity"]["subject"], payload["activity"]["done"], payload["activity"]["note"]) == (
        "Renamed",
        True,
        "<p>keep?</p>",
    )


async def test_null_clears_a_field(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox, api_version: ApiMode, paths: ActivityPaths
) -> None:
    activity_id = await a_full_activity(gql, rest)
    sandbox.control.clear()
    cleared = {"note": None, "dueTime": None, "dealId": None, "busyFlag": None, "location": None}
    payload = (await gql.data(UPDATE, {"input": {"id": encode_id("Activity", activity_id), **cleared}}))[
        "updateActivity"
    ]
    assert the_update(sandbox, paths, activity_id) == CLEARED[api_version]
    after = await stored(rest, activity_id)
    assert (after["note"], after["due_time"], after["deal_id"], after["busy_flag"], after["location"]) == (
        "",
        "",
        None,
        None,
        None,
    )
    assert (after["subject"], after["duration"], after["org_id"]) == ("Full", "00:45", (await linked(rest))["org"])
    activity = payload["activity"]
    assert (activity["dueTime"], activity["dealId"], activity["busyFlag"]) == (None, None, None)
    assert activity["note"] in (None, "")  # cleared; the read side answers an empty note as "" today
    assert activity["duration"] == "00:45"


async def test_participants_and_attendees_are_replaced_or_cleared(gql: GraphQLClient, rest: httpx.AsyncClient) -> None:
    ids = await linked(rest)
    activity_id = await a_full_activity(gql, rest)
    new = [{"personId": ids["person2"], "primaryFlag": True}, {"personId": ids["person"]}]
    await gql.data(
        UPDATE, {"input": {"id": str(activity_id), "participants": new, "attendees": [{"emailAddress": "g@x.test"}]}}
    )
    held = await stored(rest, activity_id)
    assert held["participants"] == [
        {"person_id": ids["person2"], "primary_flag": True},
        {"person_id": ids["person"], "primary_flag": False},
    ]
    assert held["person_id"] == ids["person2"] and held["attendees"][0]["email_address"] == "g@x.test"
    await gql.data(UPDATE, {"input": {"id": str(activity_id), "participants": None, "attendees": None}})
    held = await stored(rest, activity_id)
    assert not held["participants"] and not held["attendees"] and held["person_id"] is None


async def test_updating_a_missing_activity_is_not_found(
    gql: GraphQLClient, sandbox: Sandbox, paths: ActivityPaths
) -> None:
    sandbox.control.clear()
    for missing in ("999999", encode_id("Activity", 999_999)):
        payload = (await gql.data(UPDATE, {"input": {"id": missing, "subject": "x"}}))["updateActivity"]
        assert payload["activity"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("NOT_FOUND", ["input", "id"])]
    assert sandbox.control.count(method=paths.update, path=paths.of(999_999)) == sandbox.control.count() == 2


async def test_a_refusal_by_the_upstream_is_a_user_error(gql: GraphQLClient, rest: httpx.AsyncClient) -> None:
    activity_id = await a_full_activity(gql, rest)
    before = await stored(rest, activity_id)
    payload = (await gql.data(UPDATE, {"input": {"id": str(activity_id), "subject": "New", "dealId": 999_999}}))[
        "updateActivity"
    ]
    assert payload["activity"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("INVALID", ["input", "dealId"])]
    assert "999999" in payload["userErrors"][0]["message"]
    assert (await stored(rest, activity_id))["subject"] == before["subject"]


async def test_writes_in_one_operation_run_in_order_and_each_sees_the_last(
    gql: GraphQLClient, rest: httpx.AsyncClient
) -> None:
    activity_id = await a_full_activity(gql, rest)
    operation = """
    mutation($id: ID!) {
      first: updateActivity(input: {id: $id, subject: "One", note: "n1"}) { activity { subject note } }
      second: updateActivity(input: {id: $id, note: null}) { activity { subject note dueTime } }
      gone: deleteActivity(input: {id: $id}) { deletedActivityId }
      third: updateActivity(input: {id: $id, subject: "Three"}) { activity { subject } userErrors { code } }
    }
    """
    data = await gql.data(operation, {"id": str(activity_id)})
    assert data["first"]["activity"] == {"subject": "One", "note": "n1"}
    assert data["second"]["activity"] | {"note": None} == {"subject": "One", "note": None, "dueTime": "10:00"}
    assert not data["second"]["activity"]["note"]
    assert data["gone"]["deletedActivityId"] == encode_id("Activity", activity_id)
    assert data["third"] == {"activity": None, "userErrors": [{"code": "NOT_FOUND"}]}
