"""`extensions.upstream` {calls, cost} is on every response: served, failed, or rejected before any
upstream call (then 0, 0). `calls` counts the requests sent upstream, `cost` the rate-limit budget of
those the upstream answered (any status): a connection that failed before the request was sent is
neither, a request sent but never answered (timed out, connection dropped) is a call without cost."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.config import ApiMode, Settings
from gateway.sandbox import Fault, Sandbox
from gateway.upstream.retry import RetryPolicy
from tests.support import ActivityPaths, FakeClock, GraphQLClient, error_codes, free_port, running

pytestmark = pytest.mark.anyio

NOTHING = {"calls": 0, "cost": 0}


# The token's own user's activities: v1 lists them itself; v2 asks who that is first (`/v1/users/me`, 2).
OWN_PAGE: dict[ApiMode, tuple[int, int]] = {"v1": (1, 20), "v2": (2, 12)}


async def test_a_served_query_reports_its_calls_and_their_cost(
    gql: GraphQLClient, sandbox: Sandbox, api_version: ApiMode
) -> None:
    body = await gql("{ activities(first: 2) { nodes { subject } } }")
    upstream = body["extensions"]["upstream"]
    assert (upstream["calls"], upstream["cost"]) == OWN_PAGE[api_version]
    assert upstream["calls"] == len(sandbox.control.requests)


async def test_a_query_over_get_reports_too(http: httpx.AsyncClient, api_version: ApiMode) -> None:
    response = await http.get("/graphql", params={"query": "{ activities(first: 1) { nodes { subject } } }"})
    assert response.json()["extensions"]["upstream"]["calls"] == OWN_PAGE[api_version][0]


async def test_retried_attempts_are_each_counted(gql: GraphQLClient, sandbox: Sandbox, paths: ActivityPaths) -> None:
    sandbox.control.inject(Fault(kind="status", status=503, times=2, method="GET", path=paths.list))
    body = await gql(PAGE)
    upstream = body["extensions"]["upstream"]
    assert (upstream["calls"], upstream["cost"]) == (3, 3 * paths.list_cost)


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ activities(first: 2) { nodes { subject }", {}, "GRAPHQL_PARSE_FAILED"),
        ("{ activities(first: 2) { nodes { noSuchField } } }", {}, "BAD_USER_INPUT"),
        ("query Q($n: Int) { activities(first: $n) { nodes { subject } } }", {"n": "ten"}, "BAD_USER_INPUT"),
        ('{ activities(first: 2, after: "garbage") { nodes { subject } } }', {}, "BAD_USER_INPUT"),
        ('{ activity(id: "QWN0aXZpdHk6eA==") { subject } }', {}, "BAD_USER_INPUT"),
    ],
)
async def test_a_rejected_request_reports_nothing_spent(
    gql: GraphQLClient, sandbox: Sandbox, query: str, variables: dict[str, object], code: str
) -> None:
    body = await gql(query, variables)
    assert error_codes(body) == [code]
    assert body["extensions"]["upstream"] == NOTHING
    assert sandbox.control.requests == []


@pytest.mark.parametrize(
    ("method", "content", "params", "status"),
    [
        ("POST", b"{not json", None, 400),
        ("POST", b"\xff\xfe not utf-8", None, 400),
        ("POST", b"[1, 2]", None, 400),
        ("POST", b'{"variables": {}}', None, 400),
        ("GET", None, {"query": 'mutation { deleteActivity(input: {id: "1"}) { deletedActivityId } }'}, 405),
    ],
)
async def test_a_request_refused_before_graphql_runs_is_a_graphql_shaped_answer(
    http: httpx.AsyncClient,
    sandbox: Sandbox,
    method: str,
    content: bytes | None,
    params: dict[str, str] | None,
    status: int,
) -> None:
    headers = {"content-type": "application/json"}
    response = await http.request(method, "/graphql", content=content, params=params, headers=headers)
    assert response.status_code == status
    body = response.json()
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["extensions"]["upstream"] == NOTHING
    assert sandbox.control.requests == []


# --- what counts: `calls` are requests sent, `cost` the budget of those the upstream answered ------------

PAGE = "{ activities(first: 2, userId: 0) { nodes { subject } } }"  # every user's: v2 asks nothing first


def spent(body: dict[str, Any]) -> tuple[int, int]:
    upstream = body["extensions"]["upstream"]
    return upstream["calls"], upstream["cost"]


async def test_answered_failures_count_in_calls_and_cost(
    gql: GraphQLClient, sandbox: Sandbox, paths: ActivityPaths
) -> None:
    sandbox.control.inject(Fault(kind="status", status=429, retry_after=1, method="GET", path=paths.list))
    sandbox.control.inject(Fault(kind="status", status=500, method="GET", path=paths.list))
    body = await gql(PAGE)
    assert error_codes(body) == ["UPSTREAM_ERROR"]
    assert spent(body) == (2, 2 * paths.list_cost)  # a 429, then a 500: both answered, both spent budget


async def test_refused_connections_are_neither_calls_nor_cost(
    gql: GraphQLClient, sandbox: Sandbox, paths: ActivityPaths
) -> None:
    sandbox.control.inject(Fault(kind="refuse", times=50, method="GET", path=paths.list))
    body = await gql(PAGE)
    assert error_codes(body) == ["UPSTREAM_ERROR"]
    assert spent(body) == (0, 0)  # four attempts, none reached the upstream


async def test_refused_then_answered_counts_the_answer_only(
    gql: GraphQLClient, sandbox: Sandbox, paths: ActivityPaths
) -> None:
    sandbox.control.inject(Fault(kind="refuse", times=2, method="GET", path=paths.list))
    body = await gql(PAGE)
    assert "errors" not in body
    assert spent(body) == (1, paths.list_cost)


async def test_dropped_connections_are_calls_without_cost(
    gql: GraphQLClient, sandbox: Sandbox, paths: ActivityPaths
) -> None:
    sandbox.control.inject(Fault(kind="drop", times=2, method="GET", path=paths.list))
    body = await gql(PAGE)
    assert "errors" not in body
    assert spent(body) == (3, paths.list_cost)  # sent three times, answered once


async def test_an_unreachable_upstream_reports_nothing_spent(settings: Settings, clock: FakeClock) -> None:
    unreachable = settings.replace(upstream_url=f"http://127.0.0.1:{free_port()}/api", api_token="token")
    policy = RetryPolicy(unreachable.retry, sleep=clock.sleep, clock=clock, jitter=lambda: 0.5)
    async with running(create_app(unreachable, retry_policy=policy)) as http:
        body = await GraphQLClient(http)(PAGE)
    assert error_codes(body) == ["UPSTREAM_ERROR"]
    assert len(clock.slept) == 3  # the first attempt and three retries
    assert body["extensions"]["upstream"] == NOTHING


@pytest.mark.parametrize("read_timeout", [0.05])
class TestTimeouts:
    async def test_a_request_that_timed_out_is_a_call_without_cost(
        self, gql: GraphQLClient, sandbox: Sandbox, paths: ActivityPaths
    ) -> None:
        sandbox.control.inject(Fault(kind="delay", delay_s=5.0, times=50, method="GET", path=paths.list))
        body = await gql(PAGE)
        assert error_codes(body) == ["UPSTREAM_ERROR"]
        assert spent(body) == (4, 0)


async def test_no_upstream_call_is_made_after_the_answer(gql: GraphQLClient, sandbox: Sandbox) -> None:
    """Found by the schema fuzzer: `node` starts a batched lookup, `activities` then fails and nulls the
    whole data; graphql-core cancels the waiting `node` resolver, but the loader's batch goes on and
    would call the upstream after the answer, which reported nothing spent. Once answered, the
    operation sends nothing more."""
    body = await gql('{ node(id: "QWN0aXZpdHk6Mw==") { id } activities(first: 0, last: 0) { pageInfo { endCursor } } }')
    assert error_codes(body) == ["BAD_USER_INPUT"]
    await asyncio.sleep(0.2)
    assert len(sandbox.control.requests) == body["extensions"]["upstream"]["calls"]
