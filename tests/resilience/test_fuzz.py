"""Bad input never breaks the gateway: generated ids, cursors, dates, page sizes, filters, mutation
inputs and raw request bodies always get a readable answer with a known code, never a 500, never a
traceback, and never INTERNAL_SERVER_ERROR (which would be a gateway bug)."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import v1_only

pytestmark = pytest.mark.anyio

KNOWN_CODES = {
    "BAD_USER_INPUT",
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "RATE_LIMITED",
    "UPSTREAM_ERROR",
    "GRAPHQL_PARSE_FAILED",
}
USER_ERROR_CODES = {"INVALID", "NOT_FOUND"}
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
)

# --- values ---------------------------------------------------------------------------------------

huge_ints = st.integers(min_value=-(2**70), max_value=2**70)
small_ints = st.integers(min_value=-5, max_value=600)
weird_text = st.text(max_size=40) | st.sampled_from(
    ["", " ", "\x00", "💥" * 8, "' OR 1=1 --", "../../etc/passwd", "%00"]
)
base64ish = st.binary(max_size=40).map(lambda b: base64.b64encode(b).decode())
global_ids = st.tuples(st.sampled_from(["Activity", "ActivityType", "User", "Nope", ""]), weird_text).map(
    lambda parts: base64.b64encode(f"{parts[0]}:{parts[1]}".encode()).decode()
)
ids = st.one_of(small_ints.map(str), huge_ints.map(str), global_ids, base64ish, weird_text)
dates = st.one_of(
    st.dates().map(str), weird_text, st.sampled_from(["2025-02-30", "2025-13-01", "0000-00-00", "99999-01-01"])
)
json_scalars = st.one_of(
    st.none(), st.booleans(), huge_ints, st.floats(allow_nan=False, allow_infinity=False), weird_text
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(weird_text, inner, max_size=4),
    max_leaves=12,
)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The strategy, null, or a value of any JSON type (the wrong type, usually)."""
    return st.one_of(strategy, st.none(), json_values)


# --- checks ---------------------------------------------------------------------------------------


def check_body(body: dict[str, Any]) -> None:
    assert isinstance(body, dict) and ("data" in body or "errors" in body), body
    assert "upstream" in body.get("extensions", {}), body
    for error in body.get("errors", []):
        assert error.get("extensions", {}).get("code") in KNOWN_CODES, error
        assert "Traceback" not in error["message"]
    for payload in (body.get("data") or {}).values():
        for user_error in (payload or {}).get("userErrors", []) if isinstance(payload, dict) else []:
            assert user_error["code"] in USER_ERROR_CODES


def check_response(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    assert "Traceback" not in response.text
    assert response.headers["content-type"].startswith(("application/json", "application/graphql-response+json")), (
        response.status_code,
        response.text[:200],
    )
    check_body(response.json())


# --- properties -----------------------------------------------------------------------------------

READ = """
query Read($id: ID!, $ids: [ID!]!, $first: Int, $last: Int, $after: String, $before: String, $userId: Int,
           $filterId: Int, $types: [String!], $startDate: Date, $endDate: Date, $done: Boolean) {
  activity(id: $id) { pipedriveId subject dueDate }
  nodes(ids: $ids) { id }
  activities(first: $first, last: $last, after: $after, before: $before, userId: $userId, filterId: $filterId,
             types: $types, startDate: $startDate, endDate: $endDate, done: $done) {
    nodes { pipedriveId } pageInfo { endCursor }
  }
}
"""


@FUZZ
@given(
    variables=st.fixed_dictionaries(
        {
            "id": maybe(ids),
            "ids": maybe(st.lists(ids, max_size=5)),
            "first": maybe(small_ints | huge_ints),
            "last": maybe(small_ints),
            "after": maybe(base64ish | weird_text),
            "before": maybe(base64ish),
            "userId": maybe(small_ints | huge_ints),
            "filterId": maybe(small_ints),
            "types": maybe(st.lists(weird_text, max_size=3)),
            "startDate": maybe(dates),
            "endDate": maybe(dates),
            "done": maybe(st.booleans()),
        }
    )
)
async def test_generated_read_arguments(http: httpx.AsyncClient, variables: dict[str, Any]) -> None:
    check_response(await http.post("/graphql", json={"query": READ, "variables": variables}))


COLLECTION = """
query C($first: Int, $after: String, $since: DateTime, $until: DateTime, $last: Int, $before: String) {
  activitiesCollection(first: $first, after: $after, since: $since, until: $until, last: $last, before: $before) {
    nodes { pipedriveId }
  }
}
"""


@FUZZ
@given(
    variables=st.fixed_dictionaries(
        {
            "first": maybe(small_ints),
            "after": maybe(base64ish | weird_text),
            "since": maybe(dates | st.datetimes().map(str)),
            "until": maybe(weird_text),
            "last": maybe(small_ints),
            "before": maybe(base64ish),
        }
    )
)
async def test_generated_collection_arguments(http: httpx.AsyncClient, variables: dict[str, Any]) -> None:
    check_response(await http.post("/graphql", json={"query": COLLECTION, "variables": variables}))


WRITE = """
mutation W($add: AddActivityInput!, $update: UpdateActivityInput!, $delete: DeleteActivitiesInput!) {
  addActivity(input: $add) { activity { pipedriveId } userErrors { field message code } }
  updateActivity(input: $update) { activity { pipedriveId } userErrors { field message code } }
  deleteActivities(input: $delete) { deletedActivityIds userErrors { field message code } }
}
"""
times = st.one_of(
    st.times().map(lambda t: t.strftime("%H:%M")), weird_text, st.sampled_from(["24:00", "9:5", "12:60", "-1:00"])
)
participants = st.lists(
    st.fixed_dictionaries({"personId": maybe(huge_ints), "primaryFlag": maybe(st.booleans())}), max_size=3
)
attendees = st.lists(
    st.fixed_dictionaries({"emailAddress": maybe(weird_text), "personId": maybe(small_ints)}), max_size=3
)
activity_fields = st.fixed_dictionaries(
    {},
    optional={
        "subject": maybe(weird_text),
        "type": maybe(st.sampled_from(["call", "meeting", "fax", "nope"]) | weird_text),
        "dueDate": maybe(dates),
        "dueTime": maybe(times),
        "duration": maybe(times),
        "dealId": maybe(huge_ints),
        "leadId": maybe(weird_text | st.uuids().map(str)),
        "personId": maybe(small_ints),
        "orgId": maybe(huge_ints),
        "userId": maybe(small_ints),
        "participants": maybe(participants),
        "attendees": maybe(attendees),
        "busyFlag": maybe(st.booleans()),
        "done": maybe(st.booleans()),
        "note": maybe(weird_text),
    },
)


@FUZZ
@given(
    add=maybe(activity_fields),
    update=maybe(st.tuples(ids, activity_fields).map(lambda pair: {"id": pair[0], **pair[1]})),
    delete=maybe(st.fixed_dictionaries({"ids": maybe(st.lists(ids, max_size=5))})),
)
async def test_generated_mutation_inputs(http: httpx.AsyncClient, add: Any, update: Any, delete: Any) -> None:
    variables = {"add": add, "update": update, "delete": delete}
    check_response(await http.post("/graphql", json={"query": WRITE, "variables": variables}))


raw_bodies = st.one_of(
    json_values.map(lambda value: json.dumps(value).encode()),
    st.fixed_dictionaries(
        {"query": json_values, "variables": json_values}, optional={"operationName": json_values}
    ).map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=64),
    st.sampled_from(
        [
            b"",
            b"null",
            b"[]",
            b"{}",
            b'{"query": null}',
            b'{"query": ""}',
            b'"{ activityTypes { name } }"',
            b'{"query": "{ activityTypes { name } }", "variables": "x"}',
            b"\xff\xfe\x00garbage",
            b'{"query": "{ activityTypes { name } }", "variables": {"a": ' + b"9" * 5000 + b"}}",
            b'{"query": "{ activityTypes { name } }", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            b'{"query": "' + b"{ activityTypes " * 3000 + b'"}',
            b'{"query": "query { activities(first: 99999999999999999999) { nodes { id } } }"}',
            b'{"query": "{ activity(id: \\"\\u0000\\") { id } }"}',
            b'{"query": "{ activityTypes { name } }", "operationName": 5}',
            b'{"query": "{ activityTypes { name } }", "variables": {"x": NaN}}',
        ]
    ),
)


@v1_only("bodies refused or answered before any activity operation: the version plays no part")
@FUZZ
@given(body=raw_bodies, content_type=st.sampled_from(["application/json", "application/json; charset=utf-8"]))
async def test_raw_request_bodies(http: httpx.AsyncClient, body: bytes, content_type: str) -> None:
    check_response(await http.post("/graphql", content=body, headers={"content-type": content_type}))
