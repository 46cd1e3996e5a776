"""deleteActivity and deleteActivities: what is deleted, what is reported missing, how ids are sent."""

from __future__ import annotations

import httpx
import pytest

from gateway.config import ApiMode
from gateway.sandbox import Sandbox
from gateway.sandbox.control import RecordedRequest
from gateway.schema.ids import encode_id
from tests.support import ActivityPaths, GraphQLClient

from .support import DELETE, DELETE_MANY, live_ids, stored

pytestmark = pytest.mark.anyio


def gid(activity_id: int) -> str:
    return encode_id("Activity", activity_id)


def ids_sent(api_version: ApiMode, request: RecordedRequest) -> list[str]:
    """The ids one DELETE of `deleteActivities` named: v1's bulk `?ids=`, v2's one id in the path."""
    if api_version == "v1":
        return request.query["ids"].split(",")
    return [request.path.rsplit("/", 1)[-1]]


def deletes(sandbox: Sandbox, paths: ActivityPaths) -> list[RecordedRequest]:
    """The DELETEs sent (the operation sent nothing else)."""
    requests = [r for r in sandbox.control.requests if r.method == "DELETE"]
    assert sandbox.control.count("DELETE", paths.bulk_delete) == len(requests) == sandbox.control.count()
    return requests


async def test_delete_by_numeric_or_global_id(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox, paths: ActivityPaths
) -> None:
    first, second = sorted(await live_ids(rest))[:2]
    sandbox.control.clear()
    for given, activity_id in ((str(first), first), (gid(second), second)):
        payload = (await gql.data(DELETE, {"input": {"id": given}}))["deleteActivity"]
        assert payload == {"deletedActivityId": gid(activity_id), "userErrors": []}
        assert (await stored(rest, activity_id))["active_flag"] is False
    assert sandbox.control.count(method="DELETE", path=paths.one) == sandbox.control.count(method="DELETE") == 2
    assert not {first, second} & await live_ids(rest)


async def test_deleting_a_missing_or_deleted_activity_is_not_found(gql: GraphQLClient, rest: httpx.AsyncClient) -> None:
    activity_id = min(await live_ids(rest))
    await gql.data(DELETE, {"input": {"id": str(activity_id)}})
    for missing in (str(activity_id), "999999"):
        payload = (await gql.data(DELETE, {"input": {"id": missing}}))["deleteActivity"]
        assert payload["deletedActivityId"] is None
        (error,) = payload["userErrors"]
        assert (error["code"], error["field"]) == ("NOT_FOUND", ["input", "id"])
        assert missing in error["message"]


async def test_bulk_delete_reports_deleted_and_missing_ids(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox, api_version: ApiMode, paths: ActivityPaths
) -> None:
    a, b, c = sorted(await live_ids(rest))[:3]
    before = await live_ids(rest)
    sandbox.control.clear()
    ids = [str(a), "999998", gid(b), str(a), "999999", str(c), gid(c)]
    payload = (await gql.data(DELETE_MANY, {"input": {"ids": ids}}))["deleteActivities"]

    assert payload["deletedActivityIds"] == [gid(a), gid(b), gid(c)]
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("NOT_FOUND", ["input", "ids", "1"]),
        ("NOT_FOUND", ["input", "ids", "4"]),
    ]
    sent = [i for request in deletes(sandbox, paths) for i in ids_sent(api_version, request)]
    assert sorted(sent) == sorted([str(a), "999998", str(b), "999999", str(c)])  # each id once
    assert await live_ids(rest) == before - {a, b, c}


# How many ids each DELETE of 150 names: v1's bulk endpoint takes 100 a call, v2 deletes one id a call.
SIZES: dict[ApiMode, list[int]] = {"v1": [100, 50], "v2": [1] * 150}


async def test_bulk_delete_sends_at_most_100_ids_a_call(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox, api_version: ApiMode, paths: ActivityPaths
) -> None:
    existing = sorted(await live_ids(rest))[:150]
    sandbox.control.clear()
    payload = (await gql.data(DELETE_MANY, {"input": {"ids": [str(i) for i in existing]}}))["deleteActivities"]
    assert payload["userErrors"] == [] and len(payload["deletedActivityIds"]) == 150
    assert [len(ids_sent(api_version, r)) for r in deletes(sandbox, paths)] == SIZES[api_version]
    assert not set(existing) & await live_ids(rest)


async def test_bulk_delete_of_nothing_sends_nothing(gql: GraphQLClient, sandbox: Sandbox) -> None:
    sandbox.control.clear()
    payload = (await gql.data(DELETE_MANY, {"input": {"ids": []}}))["deleteActivities"]
    assert payload == {"deletedActivityIds": [], "userErrors": []}
    assert sandbox.control.count() == 0
