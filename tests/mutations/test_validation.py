"""Refused input: `userErrors` naming the input path, HTTP 200, the object null, and no upstream write."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.sandbox import Sandbox
from gateway.schema.ids import encode_id
from tests.support import GraphQLClient, error_codes

from .support import ADD, DELETE, DELETE_MANY, UPDATE

pytestmark = pytest.mark.anyio

EXISTING = "1"  # a seeded activity of the demo company

INVALID_FIELDS: list[tuple[dict[str, Any], list[str]]] = [
    ({"dueTime": "24:00"}, ["input", "dueTime"]),
    ({"dueTime": "9:30"}, ["input", "dueTime"]),
    ({"dueTime": "12:60"}, ["input", "dueTime"]),
    ({"duration": "25:00"}, ["input", "duration"]),
    ({"duration": "1h"}, ["input", "duration"]),
    ({"leadId": "not-a-uuid"}, ["input", "leadId"]),
    ({"dealId": 0}, ["input", "dealId"]),
    ({"personId": -5}, ["input", "personId"]),
    ({"orgId": 0}, ["input", "orgId"]),
    ({"projectId": -1}, ["input", "projectId"]),
    ({"userId": 0}, ["input", "userId"]),
    ({"subject": "   "}, ["input", "subject"]),
    ({"type": "no_such_type"}, ["input", "type"]),
    ({"type": "fax"}, ["input", "type"]),  # a deleted (inactive) type
    ({"participants": [{"personId": 1}, {"personId": 0}]}, ["input", "participants", "1", "personId"]),
    (
        {"participants": [{"personId": 1, "primaryFlag": True}, {"personId": 2, "primaryFlag": True}]},
        ["input", "participants", "1", "primaryFlag"],
    ),
    ({"attendees": [{"emailAddress": "a@b.test"}, {}]}, ["input", "attendees", "1"]),
    ({"attendees": [{"emailAddress": "nobody"}]}, ["input", "attendees", "0", "emailAddress"]),
    ({"attendees": [{"personId": 0}]}, ["input", "attendees", "0", "personId"]),
]


def writes(sandbox: Sandbox) -> int:
    return sum(1 for request in sandbox.control.requests if request.method != "GET")


def refused(body: dict[str, Any], field: str, object_field: str) -> list[tuple[str, list[str] | None]]:
    assert "errors" not in body, body
    payload = body["data"][field]
    assert payload[object_field] in (None, [])
    return [(error["code"], error["field"]) for error in payload["userErrors"]]


@pytest.mark.parametrize(("fields", "path"), INVALID_FIELDS)
async def test_invalid_add_is_refused_before_anything_is_sent(
    gql: GraphQLClient, sandbox: Sandbox, fields: dict[str, Any], path: list[str]
) -> None:
    sandbox.control.clear()
    body = await gql(ADD, {"input": {"subject": "Valid", **fields}})
    assert refused(body, "addActivity", "activity") == [("INVALID", path)]
    assert body["data"]["addActivity"]["userErrors"][0]["message"]
    assert writes(sandbox) == 0


@pytest.mark.parametrize(("fields", "path"), INVALID_FIELDS)
async def test_invalid_update_is_refused_before_anything_is_sent(
    gql: GraphQLClient, sandbox: Sandbox, fields: dict[str, Any], path: list[str]
) -> None:
    sandbox.control.clear()
    body = await gql(UPDATE, {"input": {"id": EXISTING, **fields}})
    assert refused(body, "updateActivity", "activity") == [("INVALID", path)]
    assert writes(sandbox) == 0


async def test_every_problem_is_reported_at_once(gql: GraphQLClient, sandbox: Sandbox) -> None:
    sandbox.control.clear()
    body = await gql(UPDATE, {"input": {"id": "nope", "dueTime": "7", "duration": "99:00", "subject": ""}})
    assert refused(body, "updateActivity", "activity") == [
        ("INVALID", ["input", "id"]),
        ("INVALID", ["input", "subject"]),
        ("INVALID", ["input", "dueTime"]),
        ("INVALID", ["input", "duration"]),
    ]
    assert writes(sandbox) == 0


@pytest.mark.parametrize("name", ["subject", "type", "userId", "done"])
async def test_fields_the_upstream_always_holds_cannot_be_cleared(
    gql: GraphQLClient, sandbox: Sandbox, name: str
) -> None:
    sandbox.control.clear()
    body = await gql(UPDATE, {"input": {"id": EXISTING, name: None}})
    assert refused(body, "updateActivity", "activity") == [("INVALID", ["input", name])]
    assert writes(sandbox) == 0


BAD_IDS = ["abc", "0", "-3", "2147483648", encode_id("ActivityType", 1), "QWN0aXZpdHk6eA=="]


@pytest.mark.parametrize("bad", BAD_IDS)
async def test_ids_that_are_not_activity_ids_are_refused(gql: GraphQLClient, sandbox: Sandbox, bad: str) -> None:
    sandbox.control.clear()
    update = await gql(UPDATE, {"input": {"id": bad, "subject": "x"}})
    assert refused(update, "updateActivity", "activity") == [("INVALID", ["input", "id"])]
    delete = await gql(DELETE, {"input": {"id": bad}})
    assert refused(delete, "deleteActivity", "deletedActivityId") == [("INVALID", ["input", "id"])]
    many = await gql(DELETE_MANY, {"input": {"ids": ["1", bad, "2"]}})
    assert refused(many, "deleteActivities", "deletedActivityIds") == [("INVALID", ["input", "ids", "1"])]
    assert writes(sandbox) == 0


async def test_a_malformed_date_is_a_top_level_bad_user_input(gql: GraphQLClient, sandbox: Sandbox) -> None:
    sandbox.control.clear()
    for query, input_ in ((ADD, {"dueDate": "2025-02-30"}), (UPDATE, {"id": EXISTING, "dueDate": "tomorrow"})):
        body = await gql(query, {"input": input_})
        assert error_codes(body) == ["BAD_USER_INPUT"], body
        assert body.get("data") is None
    assert writes(sandbox) == 0


async def test_too_many_ids_in_one_bulk_delete_are_refused(gql: GraphQLClient, sandbox: Sandbox) -> None:
    sandbox.control.clear()
    body = await gql(DELETE_MANY, {"input": {"ids": [str(i) for i in range(1, 502)]}})
    assert refused(body, "deleteActivities", "deletedActivityIds") == [("INVALID", ["input", "ids"])]
    assert writes(sandbox) == 0
