"""Which operation of a document runs, per the GraphQL spec (GetOperation): with several operations the
request must name one, and a name that matches none is a request error. Either way nothing runs and
nothing is sent upstream, over GET and POST; the answer is a request error (BAD_USER_INPUT), 200 for
`application/json` and 400 without `data` for `application/graphql-response+json`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gateway.sandbox import Sandbox
from tests.support import error_codes

pytestmark = pytest.mark.anyio

GRAPHQL_RESPONSE = "application/graphql-response+json"
QUERY_THEN_MUTATION = (
    'query A { activityTypes { name } } mutation B { deleteActivity(input: {id: "3"}) { deletedActivityId } }'
)
MUTATION_THEN_QUERY = (
    'mutation B { deleteActivity(input: {id: "3"}) { deletedActivityId } } query A { activityTypes { name } }'
)
TWO_QUERIES = "query A { activityTypes { name } } query B { activities(first: 1) { nodes { id } } }"

REFUSED = [
    pytest.param(QUERY_THEN_MUTATION, None, id="query-then-mutation-unnamed"),
    pytest.param(MUTATION_THEN_QUERY, None, id="mutation-then-query-unnamed"),
    pytest.param(TWO_QUERIES, None, id="two-queries-unnamed"),
    pytest.param(QUERY_THEN_MUTATION, "C", id="unknown-name"),
    pytest.param(TWO_QUERIES, "a", id="name-in-other-case"),
    pytest.param("query A { activityTypes { name } }", "B", id="lone-operation-other-name"),
    pytest.param("{ activityTypes { name } }", "A", id="anonymous-operation-named"),
    pytest.param(TWO_QUERIES, "", id="empty-name"),
]


async def send(
    http: httpx.AsyncClient, method: str, query: str, operation_name: str | None, accept: str
) -> httpx.Response:
    headers = {"accept": accept}
    if method == "GET":
        params = {"query": query} | ({"operationName": operation_name} if operation_name is not None else {})
        return await http.get("/graphql", params=params, headers=headers)
    body: dict[str, Any] = {"query": query, "operationName": operation_name}
    return await http.post("/graphql", json=body, headers=headers)


@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize(("query", "operation_name"), REFUSED)
async def test_an_undetermined_operation_is_a_request_error_and_nothing_runs(
    http: httpx.AsyncClient, sandbox: Sandbox, method: str, query: str, operation_name: str | None
) -> None:
    response = await send(http, method, query, operation_name, "application/json")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["data"] is None
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "operation" in body["errors"][0]["message"]
    assert body["extensions"]["upstream"] == {"calls": 0, "cost": 0}
    assert sandbox.control.requests == []


@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize(("query", "operation_name"), [REFUSED[1], REFUSED[3]])
async def test_for_graphql_response_json_it_is_a_400_without_data(
    http: httpx.AsyncClient, sandbox: Sandbox, method: str, query: str, operation_name: str | None
) -> None:
    response = await send(http, method, query, operation_name, GRAPHQL_RESPONSE)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    body = response.json()
    assert "data" not in body
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert sandbox.control.requests == []


async def test_the_issue_repro_deletes_nothing(http: httpx.AsyncClient, rest: httpx.AsyncClient) -> None:
    assert (await rest.get("/api/v1/activities/3")).json()["data"]["active_flag"] is True
    response = await http.post("/graphql", json={"query": QUERY_THEN_MUTATION})
    assert response.json()["data"] is None
    assert (await rest.get("/api/v1/activities/3")).json()["data"]["active_flag"] is True


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_a_named_operation_runs_alone(http: httpx.AsyncClient, sandbox: Sandbox, method: str) -> None:
    response = await send(http, method, QUERY_THEN_MUTATION, "A", "application/json")
    body = response.json()
    assert "errors" not in body and body["data"]["activityTypes"]
    assert sandbox.control.count("DELETE") == 0


async def test_the_named_mutation_runs_over_post(http: httpx.AsyncClient, sandbox: Sandbox) -> None:
    response = await http.post("/graphql", json={"query": QUERY_THEN_MUTATION, "operationName": "B"})
    assert response.json()["data"]["deleteActivity"]["deletedActivityId"]
    assert sandbox.control.count("DELETE") == 1 and sandbox.control.count("GET", "/api/v1/activityTypes") == 0


async def test_the_named_mutation_is_still_refused_over_get(http: httpx.AsyncClient, sandbox: Sandbox) -> None:
    response = await send(http, "GET", QUERY_THEN_MUTATION, "B", "application/json")
    assert response.status_code == 405
    assert sandbox.control.requests == []


@pytest.mark.parametrize("operation_name", [None, "A"])
async def test_a_lone_operation_runs_with_or_without_its_name(
    http: httpx.AsyncClient, operation_name: str | None
) -> None:
    response = await send(http, "POST", "query A { activityTypes { name } }", operation_name, "application/json")
    assert response.json()["data"]["activityTypes"]
