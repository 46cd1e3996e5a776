"""Each distinct query text is parsed and validated once per app; errors keep their codes, and the
node-cost cap, which depends on variables, is still checked on every request."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry.schema.schema

import gateway.engine.document_cache
from gateway.app import create_app
from gateway.config import QueryLimits, Settings
from gateway.sandbox import Sandbox
from tests.support import GraphQLClient, error_codes, running

pytestmark = pytest.mark.anyio

PAGE = "query Page($n: Int) { activities(first: $n, userId: 0) { nodes { id } } }"


async def test_the_same_text_is_validated_once(gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    real = strawberry.schema.schema.validate_document

    def counting(*args: Any) -> Any:
        calls.append(args[1])
        return real(*args)

    monkeypatch.setattr(gateway.engine.document_cache, "validate_document", counting)
    for n in (1, 2, 3):
        assert len((await gql.data(PAGE, {"n": n}))["activities"]["nodes"]) == n
    assert len(calls) == 1
    await gql.data("{ activityTypes { name } }")
    assert len(calls) == 2


async def test_parse_and_validation_errors_keep_their_codes_every_time(gql: GraphQLClient) -> None:
    for _ in range(2):
        assert error_codes(await gql("{ activities(first: 1) { nodes { id } ")) == ["GRAPHQL_PARSE_FAILED"]
        assert error_codes(await gql("{ activities { nodes { noSuchField } } }")) == ["BAD_USER_INPUT"]


async def test_node_cost_is_checked_per_request_with_its_variables(sandbox: Sandbox) -> None:
    settings = Settings(limits=QueryLimits(max_node_cost=150))
    async with running(create_app(settings, sandbox=sandbox)) as http:
        gql = GraphQLClient(http)
        assert len((await gql.data(PAGE, {"n": 100}))["activities"]["nodes"]) == 100
        body = await gql(PAGE, {"n": 200})
        assert error_codes(body) == ["BAD_USER_INPUT"] and body["errors"][0]["extensions"]["limit"] == "nodeCost"
        assert body["extensions"]["upstream"]["calls"] == 0
