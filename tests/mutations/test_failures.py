"""Upstream failures during writes: never two activities from one add, and coded top-level errors."""

from __future__ import annotations

import httpx
import pytest

from gateway.sandbox import Fault, Sandbox
from gateway.sandbox.control import FaultKind
from tests.support import ActivityPaths, GraphQLClient, error_codes

from .support import ADD, UPDATE, live_ids, stored

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("kind", "status"), [("status", 500), ("drop", 503), ("status", 503)], ids=["500-after", "drop-after", "503-after"]
)
async def test_an_add_the_upstream_may_have_acted_on_is_never_sent_again(
    gql: GraphQLClient,
    rest: httpx.AsyncClient,
    sandbox: Sandbox,
    paths: ActivityPaths,
    kind: FaultKind,
    status: int,
) -> None:
    before = await live_ids(rest)
    sandbox.control.clear()
    sandbox.control.inject(Fault(kind=kind, status=status, when="after", method="POST", path=paths.add))
    body = await gql(ADD, {"input": {"subject": "Exactly once"}})
    assert error_codes(body) == ["UPSTREAM_ERROR"], body
    assert body["data"] is None  # addActivity is non-null, so its failure nulls the operation's data
    assert sandbox.control.count(method="POST", path=paths.add) == sandbox.control.count(method="POST") == 1
    created = await live_ids(rest) - before
    assert len(created) == 1
    assert (await stored(rest, created.pop()))["subject"] == "Exactly once"


async def test_an_add_refused_with_429_before_is_retried_once_and_adds_one_activity(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox, paths: ActivityPaths
) -> None:
    before = await live_ids(rest)
    sandbox.control.clear()
    sandbox.control.inject(
        Fault(kind="status", status=429, when="before", retry_after=1, method="POST", path=paths.add)
    )
    payload = (await gql.data(ADD, {"input": {"subject": "After a 429"}}))["addActivity"]
    assert sandbox.control.count(method="POST", path=paths.add) == sandbox.control.count(method="POST") == 2
    assert await live_ids(rest) - before == {payload["activity"]["pipedriveId"]}


async def test_an_update_that_failed_after_the_upstream_acted_is_not_repeated(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox, paths: ActivityPaths
) -> None:
    activity_id = min(await live_ids(rest))
    sandbox.control.clear()
    sandbox.control.inject(Fault(kind="status", status=502, when="after", method=paths.update, path=paths.one))
    body = await gql(UPDATE, {"input": {"id": str(activity_id), "subject": "Half-known"}})
    assert error_codes(body) == ["UPSTREAM_ERROR"] and body["data"] is None
    assert sandbox.control.count(method=paths.update) == sandbox.control.count() == 1
    assert (await stored(rest, activity_id))["subject"] == "Half-known"  # it did happen upstream


DELETE_ONE = "mutation($id: ID!) { deleteActivity(input: {id: $id}) { deletedActivityId userErrors { code } } }"
# A DELETE retried after a lost answer then finds nothing: v1 looks the activity up (a deleted one stays
# readable there, `active_flag` false); v2 answers 404 for a deleted activity as for an unknown one, so
# there a 404 after an attempt that may have acted is that attempt's success.
DELETE_MANY = (
    "mutation($ids: [ID!]!) { deleteActivities(input: {ids: $ids}) { deletedActivityIds userErrors { code } } }"
)


async def test_a_delete_whose_answer_was_lost_is_reported_deleted_after_the_retry(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox, paths: ActivityPaths
) -> None:
    activity_id = min(await live_ids(rest))
    sandbox.control.inject(Fault(kind="status", status=503, when="after", method="DELETE", path=paths.one))
    payload = (await gql.data(DELETE_ONE, {"id": str(activity_id)}))["deleteActivity"]
    assert payload["userErrors"] == [] and payload["deletedActivityId"] is not None
    assert sandbox.control.count(method="DELETE") == 2  # the retry found it already deleted
    assert activity_id not in await live_ids(rest)


async def test_a_bulk_delete_whose_answer_was_lost_reports_every_deleted_id(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox, paths: ActivityPaths
) -> None:
    ids = sorted(await live_ids(rest))[:3]
    sandbox.control.inject(Fault(kind="drop", when="after", method="DELETE", path=paths.bulk_delete))
    payload = (await gql.data(DELETE_MANY, {"ids": [str(i) for i in ids] + ["999999"]}))["deleteActivities"]
    assert len(payload["deletedActivityIds"]) == 3
    assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"]  # only the id that never existed


async def test_deleting_an_already_deleted_activity_without_a_retry_is_still_not_found(
    gql: GraphQLClient, rest: httpx.AsyncClient
) -> None:
    activity_id = min(await live_ids(rest))
    await gql.data(DELETE_ONE, {"id": str(activity_id)})
    payload = (await gql.data(DELETE_ONE, {"id": str(activity_id)}))["deleteActivity"]
    assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"] and payload["deletedActivityId"] is None
