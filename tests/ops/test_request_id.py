"""Request ids: taken from `X-Request-Id` when sane, else generated; echoed; in the GraphQL context."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response

from gateway.app import create_app
from gateway.config import Settings
from gateway.context import Context
from gateway.sandbox import Sandbox
from tests.support import graphql_view, running

pytestmark = pytest.mark.anyio

GENERATED = re.compile(r"[0-9a-f]{32}")


async def test_a_request_without_an_id_gets_a_fresh_one(http: httpx.AsyncClient) -> None:
    first = await http.get("/healthz")
    second = await http.get("/healthz")
    assert GENERATED.fullmatch(first.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


@pytest.mark.parametrize("sane", ["abc", "0f8fad5b-d9cb-469f-a165-70867728950e", "edge.1:retry_2"])
async def test_a_sane_id_is_echoed(http: httpx.AsyncClient, sane: str) -> None:
    response = await http.post("/graphql", json={"query": "{ __typename }"}, headers={"x-request-id": sane})
    assert response.headers["x-request-id"] == sane


@pytest.mark.parametrize("insane", ["", "x" * 129, "has space", "semi;colon", "<script>", "-leading-dash"])
async def test_an_insane_id_is_replaced(http: httpx.AsyncClient, insane: str) -> None:
    response = await http.get("/healthz", headers={"x-request-id": insane})
    assert GENERATED.fullmatch(response.headers["x-request-id"])


@pytest.mark.parametrize("header", ["x-api-token", "authorization"])
async def test_a_token_is_never_taken_as_the_id(http: httpx.AsyncClient, header: str) -> None:
    token = "tok-en.12345"
    value = f"Bearer {token}" if header == "authorization" else token
    response = await http.get("/healthz", headers={"x-request-id": token, header: value})
    assert response.headers["x-request-id"] != token


async def test_errors_before_the_graphql_view_carry_an_id_too(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert GENERATED.fullmatch(response.headers["x-request-id"])


async def test_the_graphql_context_carries_the_request_id(sandbox: Sandbox) -> None:
    app = create_app(Settings(), sandbox=sandbox)
    view = graphql_view(app)
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "headers": [],
        "app": app,
        "state": {"request_id": "from-middleware"},
    }
    async with running(app):
        context = await view.get_context(Request(scope), Response())
    assert isinstance(context, Context)
    assert context.request_id == "from-middleware"
