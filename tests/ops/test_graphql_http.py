"""GraphQL over HTTP: media types and status codes, GET for queries only, 4xx (never 5xx) for malformed
requests, and CORS only when configured."""

from __future__ import annotations

import json

import httpx
import pytest

from gateway.app import create_app
from gateway.config import Settings
from gateway.edge.over_http import prefers_graphql_response
from gateway.sandbox import Sandbox
from tests.support import error_codes, running

pytestmark = pytest.mark.anyio

GRAPHQL_RESPONSE = "application/graphql-response+json"
QUERY = "{ activityTypes { keyString } }"


async def post(http: httpx.AsyncClient, body: object, accept: str | None = None) -> httpx.Response:
    headers = {"accept": accept} if accept else {}
    return await http.post("/graphql", json=body, headers=headers)


async def test_graphql_response_json_when_asked_for(http: httpx.AsyncClient) -> None:
    response = await post(http, {"query": QUERY}, accept=GRAPHQL_RESPONSE)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert response.json()["data"]["activityTypes"]


@pytest.mark.parametrize(
    "query", ["{ activityTypes { ", "{ noSuchField }", "query($n: Int!) { activity(id: $n) { id } }"]
)
async def test_request_errors_are_400_without_data_for_graphql_response_json(
    http: httpx.AsyncClient, query: str
) -> None:
    response = await post(http, {"query": query}, accept=GRAPHQL_RESPONSE)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    body = response.json()
    assert "data" not in body
    assert body["errors"]


async def test_field_errors_stay_200_for_graphql_response_json(http: httpx.AsyncClient) -> None:
    response = await post(http, {"query": "{ activities(first: 501) { nodes { id } } }"}, accept=GRAPHQL_RESPONSE)
    assert response.status_code == 200
    body = response.json()
    assert "data" in body
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("accept", [None, "application/json", "*/*", f"application/json, {GRAPHQL_RESPONSE};q=0.5"])
async def test_application_json_keeps_200_for_request_errors(http: httpx.AsyncClient, accept: str | None) -> None:
    response = await post(http, {"query": "{ noSuchField }"}, accept=accept)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["data"] is None


def test_accept_negotiation() -> None:
    assert prefers_graphql_response(GRAPHQL_RESPONSE)
    assert prefers_graphql_response(f"{GRAPHQL_RESPONSE}, application/json;q=0.9")
    assert prefers_graphql_response(f"application/json, {GRAPHQL_RESPONSE}")
    assert not prefers_graphql_response(f"{GRAPHQL_RESPONSE};q=0")
    assert not prefers_graphql_response(f"application/json, {GRAPHQL_RESPONSE};q=0.2")
    assert not prefers_graphql_response(None)
    assert not prefers_graphql_response("*/*")


async def test_queries_over_get(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", params={"query": QUERY}, headers={"accept": "application/json"})
    assert response.status_code == 200
    assert response.json()["data"]["activityTypes"]


async def test_a_mutation_over_get_is_refused_and_not_run(http: httpx.AsyncClient, sandbox: Sandbox) -> None:
    mutation = 'mutation { deleteActivity(input: {id: "1"}) { deletedActivityId } }'
    response = await http.get("/graphql", params={"query": mutation}, headers={"accept": "application/json"})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert sandbox.control.count("DELETE") == 0


@pytest.mark.parametrize(
    "content, content_type",
    [
        (b"{not json", "application/json"),
        (b"5", "application/json"),
        (b'"query"', "application/json"),
        (b"null", "application/json"),
        (b"[]", "application/json"),
        (b"{}", "application/json"),
        (b'{"query": 5}', "application/json"),
        (b'{"query": "{ activityTypes { name } }", "variables": "x"}', "application/json"),
        (b'{"query": "{ activityTypes { name } }", "operationName": 5}', "application/json"),
        (b"query=%7B%7D", "application/x-www-form-urlencoded"),
    ],
)
async def test_malformed_requests_are_400(http: httpx.AsyncClient, content: bytes, content_type: str) -> None:
    response = await http.post("/graphql", content=content, headers={"content-type": content_type})
    assert response.status_code == 400, response.text


@pytest.mark.parametrize("params", [{}, {"query": QUERY, "variables": "{oops"}, {"query": QUERY, "variables": "[1]"}])
async def test_malformed_get_requests_are_400(http: httpx.AsyncClient, params: dict[str, str]) -> None:
    response = await http.get("/graphql", params=params, headers={"accept": "application/json"})
    assert response.status_code == 400, response.text


async def test_cors_is_off_by_default(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": QUERY}, headers={"origin": "https://app.example"})
    assert "access-control-allow-origin" not in response.headers


async def test_cors_for_configured_origins(sandbox: Sandbox) -> None:
    settings = Settings(cors_origins=("https://app.example",))
    async with running(create_app(settings, sandbox=sandbox)) as http:
        preflight = await http.options(
            "/graphql",
            headers={
                "origin": "https://app.example",
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type, x-api-token",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://app.example"
        assert "x-api-token" in preflight.headers["access-control-allow-headers"].lower()
        response = await http.post("/graphql", json={"query": QUERY}, headers={"origin": "https://app.example"})
        assert response.headers["access-control-allow-origin"] == "https://app.example"
        assert "x-request-id" in response.headers["access-control-expose-headers"].lower()
        other = await http.options(
            "/graphql",
            headers={
                "origin": "https://evil.example",
                "access-control-request-method": "POST",
            },
        )
        assert other.status_code == 400
        assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/graphql", "application/x-www-form-urlencoded", None]
)
async def test_an_unsupported_content_type_is_told_what_to_send(
    http: httpx.AsyncClient, sandbox: Sandbox, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = await http.post("/graphql", content=QUERY.encode(), headers=headers)
    assert response.status_code == 400
    body = response.json()
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "application/json" in error["message"] and "GET" in error["message"]
    assert (content_type or "none") in error["message"]
    assert body["extensions"]["upstream"] == {"calls": 0, "cost": 0}
    assert sandbox.control.requests == []


LONE_SURROGATE = [
    pytest.param(
        "query($t: [String!]) { activities(first: 1, types: $t) { nodes { id } } }", {"t": ["\ud800"]}, id="filter"
    ),
    pytest.param(
        'mutation($s: String!) { addActivity(input: {subject: $s, type: "call"}) { activity { id } } }',
        {"s": "a\udfffb"},
        id="mutation-input",
    ),
    pytest.param("{ activityTypes { name } }", {"\udc80": 1}, id="variable-name"),
]


@pytest.mark.parametrize(("query", "variables"), LONE_SURROGATE)
async def test_json_strings_that_are_not_unicode_text_are_refused(
    http: httpx.AsyncClient, sandbox: Sandbox, query: str, variables: dict[str, object]
) -> None:
    """JSON may escape an unpaired surrogate (\\ud800), which is no Unicode character: refused as
    graphql-core refuses it in a document, before anything runs."""
    content = json.dumps({"query": query, "variables": variables})  # ensure_ascii: the surrogate as \ud800
    response = await http.post("/graphql", content=content, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert error_codes(response.json()) == ["BAD_USER_INPUT"]
    assert sandbox.control.requests == []


async def test_get_variables_that_are_not_unicode_text_are_refused(http: httpx.AsyncClient, sandbox: Sandbox) -> None:
    query = "query($t: [String!]) { activities(first: 1, types: $t) { nodes { id } } }"
    params = {"query": query, "variables": json.dumps({"t": ["\ud800"]})}
    response = await http.get("/graphql", params=params, headers={"accept": "application/json"})
    assert response.status_code == 400, response.text
    assert sandbox.control.requests == []
