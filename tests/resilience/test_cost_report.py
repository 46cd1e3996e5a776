"""`extensions.upstream` {calls, cost} is on every response: served, failed, or rejected before any
upstream call (then 0, 0)."""

from __future__ import annotations

import httpx
import pytest

from gateway.sandbox import Fault, Sandbox
from tests.support import GraphQLClient, error_codes

pytestmark = pytest.mark.anyio

NOTHING = {"calls": 0, "cost": 0}


async def test_a_served_query_reports_its_calls_and_their_cost(gql: GraphQLClient, sandbox: Sandbox) -> None:
    body = await gql("{ activities(first: 2) { nodes { subject } } }")
    upstream = body["extensions"]["upstream"]
    assert (upstream["calls"], upstream["cost"]) == (1, 20)
    assert upstream["calls"] == len(sandbox.control.requests)


async def test_a_query_over_get_reports_too(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", params={"query": "{ activities(first: 1) { nodes { subject } } }"})
    assert response.json()["extensions"]["upstream"]["calls"] == 1


async def test_retried_attempts_are_each_counted(gql: GraphQLClient, sandbox: Sandbox) -> None:
    sandbox.control.inject(Fault(kind="status", status=503, times=2, method="GET", path="/api/v1/activities"))
    body = await gql("{ activities(first: 2) { nodes { subject } } }")
    upstream = body["extensions"]["upstream"]
    assert (upstream["calls"], upstream["cost"]) == (3, 60)


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
