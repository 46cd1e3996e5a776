"""Writes under faults: a POST or PUT is sent again only when the upstream cannot have acted on it
(a 429, a connection refused before the request went out); deletes are retried like reads."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.sandbox import Fault, Sandbox
from gateway.sandbox.control import FaultWhen
from tests.support import ActivityPaths, FakeClock, GraphQLClient, error_codes

pytestmark = pytest.mark.anyio

ADD = """
mutation Add($subject: String!) {
  addActivity(input: {subject: $subject, type: "call", dueDate: "2025-03-01"}) {
    activity { pipedriveId subject }
    userErrors { code message }
  }
}
"""
DELETE = "mutation Del($id: ID!) { deleteActivity(input: {id: $id}) { deletedActivityId userErrors { code } } }"


def stored(sandbox: Sandbox, subject: str) -> int:
    """How many activities the sandbox holds with this subject."""
    count: int = sandbox.store.database.scalar("SELECT COUNT(*) FROM activities WHERE subject = ?", (subject,))
    return count


async def add(gql: GraphQLClient, subject: str) -> dict[str, Any]:
    return await gql(ADD, {"subject": subject})


@pytest.mark.parametrize("when", ["before", "after"])
async def test_a_post_whose_connection_drops_is_reported_and_never_repeated(
    gql: GraphQLClient, sandbox: Sandbox, clock: FakeClock, when: FaultWhen, paths: ActivityPaths
) -> None:
    """Dropped after the request went out, the upstream may have stored it: sending it again could
    store it twice, so the gateway reports UPSTREAM_ERROR and the client decides."""
    sandbox.control.inject(Fault(kind="drop", method="POST", path=paths.add, when=when))
    body = await add(gql, f"dropped {when}")
    assert error_codes(body) == ["UPSTREAM_ERROR"]
    assert sandbox.control.count("POST", paths.add) == 1
    assert stored(sandbox, f"dropped {when}") == (1 if when == "after" else 0)
    assert clock.slept == []


async def test_a_post_refused_before_it_was_sent_is_sent_again_once(
    gql: GraphQLClient, sandbox: Sandbox, paths: ActivityPaths
) -> None:
    sandbox.control.inject(Fault(kind="refuse", method="POST", path=paths.add))
    body = await add(gql, "refused once")
    assert "errors" not in body
    assert body["data"]["addActivity"]["activity"]["subject"] == "refused once"
    assert sandbox.control.count("POST", paths.add) == 2
    assert stored(sandbox, "refused once") == 1


async def test_a_rate_limited_post_is_sent_again_after_retry_after(
    gql: GraphQLClient, sandbox: Sandbox, clock: FakeClock, paths: ActivityPaths
) -> None:
    sandbox.control.inject(Fault(kind="status", status=429, retry_after=1, method="POST", path=paths.add))
    body = await add(gql, "after a 429")
    assert "errors" not in body
    assert stored(sandbox, "after a 429") == 1
    assert clock.slept == [1.0]


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_a_post_answered_with_a_gateway_error_is_not_repeated(
    gql: GraphQLClient, sandbox: Sandbox, status: int, paths: ActivityPaths
) -> None:
    sandbox.control.inject(Fault(kind="status", status=status, method="POST", path=paths.add, when="after"))
    body = await add(gql, f"after a {status}")
    assert error_codes(body) == ["UPSTREAM_ERROR"]
    assert sandbox.control.count("POST", paths.add) == 1
    assert stored(sandbox, f"after a {status}") == 1  # it was stored: a second POST would duplicate it


@pytest.mark.parametrize("read_timeout", [0.05])
class TestSlowPost:
    async def test_a_post_that_times_out_is_not_repeated(
        self, gql: GraphQLClient, sandbox: Sandbox, paths: ActivityPaths
    ) -> None:
        sandbox.control.inject(Fault(kind="delay", delay_s=30.0, method="POST", path=paths.add))
        body = await add(gql, "slow post")
        assert error_codes(body) == ["UPSTREAM_ERROR"]
        assert body["errors"][0]["message"] == "The upstream did not answer in time."
        assert sandbox.control.count("POST", paths.add) == 1


async def test_a_delete_is_retried_like_a_read(gql: GraphQLClient, sandbox: Sandbox, paths: ActivityPaths) -> None:
    created = await add(gql, "to delete")
    activity_id = created["data"]["addActivity"]["activity"]["pipedriveId"]
    path = paths.of(activity_id)
    sandbox.control.inject(Fault(kind="status", status=503, times=2, method="DELETE", path=path))
    body = await gql(DELETE, {"id": str(activity_id)})
    assert "errors" not in body
    assert body["data"]["deleteActivity"]["deletedActivityId"] is not None
    assert sandbox.control.count("DELETE", path) == 3
