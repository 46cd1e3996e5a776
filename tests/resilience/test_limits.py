"""The query caps: each is configurable, each rejection carries BAD_USER_INPUT and `extensions.limit`,
and a rejected request makes no upstream call (its cost report says 0, 0)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import graphql
import httpx
import pytest

from gateway.config import QueryLimits, Settings
from gateway.engine.limits import UNSIZED_LIST_ITEMS, estimate_node_cost
from gateway.sandbox import Sandbox
from tests.support import GraphQLClient, error_codes

pytestmark = pytest.mark.anyio

LIMITS = QueryLimits(max_depth=4, max_aliases=3, max_tokens=120, max_body_bytes=4000, max_node_cost=1000)


@pytest.fixture
def settings() -> Settings:
    """Not per API version (the folder's `api_version` goes unused): the caps act before any upstream call."""
    return Settings(limits=LIMITS)


def assert_rejected(body: dict[str, Any], limit: str, sandbox: Sandbox) -> None:
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert body["errors"][0]["extensions"]["limit"] == limit
    assert body["extensions"]["upstream"] == {"calls": 0, "cost": 0}
    assert sandbox.control.requests == []


async def test_too_deep_is_rejected(gql: GraphQLClient, sandbox: Sandbox) -> None:
    body = await gql("{ activities(first: 1) { edges { node { owner { name } participants { person { name } } } } } }")
    assert_rejected(body, "depth", sandbox)


async def test_too_many_aliases_is_rejected(gql: GraphQLClient, sandbox: Sandbox) -> None:
    body = await gql(
        "{ a: activityTypes { name } b: activityTypes { name } c: activityTypes { n: name } d: activityTypes { name } }"
    )
    assert_rejected(body, "aliases", sandbox)


async def test_too_many_tokens_is_rejected_before_parsing_further(gql: GraphQLClient, sandbox: Sandbox) -> None:
    fields = " ".join(["name"] * 200)
    body = await gql(f"{{ activityTypes {{ {fields} }} }}")
    assert_rejected(body, "tokens", sandbox)


async def test_a_large_estimated_node_count_is_rejected(gql: GraphQLClient, sandbox: Sandbox) -> None:
    body = await gql("{ activities(first: 200) { nodes { participants { person { name } } } } }")
    assert_rejected(body, "nodeCost", sandbox)  # 200 + 200 x 10 participants
    assert "2200 objects" in body["errors"][0]["message"]


async def test_the_node_estimate_reads_variables_and_their_defaults(gql: GraphQLClient, sandbox: Sandbox) -> None:
    query = "query Page($n: Int = 5) { activities(first: $n) { nodes { participants { personId } } } }"
    assert "errors" not in await gql(query)
    assert_rejected(await _fresh(gql, sandbox, query, {"n": 100}), "nodeCost", sandbox)


async def _fresh(gql: GraphQLClient, sandbox: Sandbox, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    sandbox.control.clear()
    return await gql(query, variables)


async def test_queries_within_the_caps_run(gql: GraphQLClient) -> None:
    body = await gql("{ activities(first: 50) { nodes { subject participants { personId } } } }")
    assert "errors" not in body
    assert len(body["data"]["activities"]["nodes"]) == 50


async def test_an_oversized_body_is_refused_with_413_before_reading_on(
    http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    response = await http.post("/graphql", json={"query": "{ activityTypes { name } }", "pad": "x" * 5000})
    assert_413(response)
    assert sandbox.control.requests == []


async def test_an_oversized_chunked_body_is_refused(http: httpx.AsyncClient, sandbox: Sandbox) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ activityTypes { name } }", "pad": "'
        for _ in range(10):
            yield b"x" * 1000
        yield b'"}'

    response = await http.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    assert_413(response)


async def test_a_chunked_body_within_the_cap_is_served(http: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ activityTypes '
        yield b'{ name } }"}'

    response = await http.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 200
    assert response.json()["data"]["activityTypes"]


def assert_413(response: httpx.Response) -> None:
    assert response.status_code == 413
    body = response.json()
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["limit"] == "bodySize"
    assert body["extensions"]["upstream"] == {"calls": 0, "cost": 0}


def test_every_cap_is_read_from_the_environment() -> None:
    environ = {
        "GATEWAY_MAX_DEPTH": "7",
        "GATEWAY_MAX_ALIASES": "8",
        "GATEWAY_MAX_TOKENS": "900",
        "GATEWAY_MAX_BODY_BYTES": "2048",
        "GATEWAY_MAX_NODE_COST": "999",
    }
    limits = Settings.from_env(environ).limits
    assert (limits.max_depth, limits.max_aliases, limits.max_tokens) == (7, 8, 900)
    assert (limits.max_body_bytes, limits.max_node_cost) == (2048, 999)


class TestDefaults:
    """The default caps let a full page with its lists through."""

    @pytest.fixture
    def settings(self) -> Settings:
        return Settings()

    async def test_a_full_page_with_nested_lists_runs(self, gql: GraphQLClient) -> None:
        body = await gql(
            "{ activities(first: 500) { edges { cursor node { subject participants { personId }"
            " attendees { emailAddress } } } pageInfo { endCursor } } }"
        )
        assert "errors" not in body, body["errors"]

    async def test_graphiqls_introspection_query_runs(self, gql: GraphQLClient) -> None:
        body = await gql(graphql.get_introspection_query(descriptions=True, input_value_deprecation=True))
        assert "errors" not in body, body["errors"]
        assert body["data"]["__schema"]["queryType"]["name"] == "Query"


# The estimate on its own, over a schema with connections nested in connections.
SDL = """
type Query {
  users(first: Int, last: Int): UserConnection! node(id: ID!): Node nodes(ids: [ID!]!): [Node]! tags: [Tag!]! me: User
}
interface Node { id: ID! }
type User implements Node { id: ID! name: String friends(first: Int): UserConnection! tags: [Tag!]! emails: [String!]! }
type Tag { name: String }
type UserConnection { edges: [UserEdge!]! nodes: [User!]! pageInfo: PageInfo! }
type UserEdge { cursor: String! node: User! }
type PageInfo { hasNextPage: Boolean! }
"""
SCHEMA = graphql.build_schema(SDL)


DEFAULT_LIMITS = QueryLimits()


def cost(query: str, variables: dict[str, Any] | None = None, limits: QueryLimits = DEFAULT_LIMITS) -> int:
    document = graphql.parse(query)
    operation = next(d for d in document.definitions if isinstance(d, graphql.OperationDefinitionNode))
    return estimate_node_cost(SCHEMA, document.definitions, operation, variables or {}, limits)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("{ me { name emails } }", 0),
        ("{ users { nodes { name } } }", 100),  # the default page size
        ("{ users(first: 7) { edges { node { name } } nodes { name } pageInfo { hasNextPage } } }", 7),
        ("{ users(last: 3) { nodes { friends(first: 10) { nodes { name } } } } }", 3 + 30),
        (
            "{ users(first: 2) { nodes { friends(first: 3) { nodes { friends(first: 4) { nodes { id } } } } } } }",
            2 + 6 + 24,
        ),
        ("{ users(first: 5) { nodes { tags { name } } } }", 5 + 5 * UNSIZED_LIST_ITEMS),
        ('{ nodes(ids: ["a", "b", "c"]) { ... on User { friends(first: 2) { nodes { id } } } } }', 3 + 6),
        ("{ users(first: 9999) { nodes { id } } }", 500),  # out of range: its field refuses it, not the estimate
        ("{ users(first: -5) { nodes { id } } }", 0),
        ("{ __schema { types { name } } }", 0),
    ],
)
def test_the_estimate_multiplies_page_sizes_through_nesting(query: str, expected: int) -> None:
    assert cost(query) == expected


def test_the_estimate_follows_fragments_and_survives_cycles() -> None:
    query = """
    { users(first: 4) { nodes { ...F } } me { ... on User { friends(first: 6) { nodes { id } } } } }
    fragment F on User { friends(first: 2) { nodes { ...G } } }
    fragment G on User { tags { name } ...F }
    """
    # 4 users, 8 friends, 80 tags; the cycle F -> G -> F stops; me: 6 friends.
    assert cost(query) == 4 + 8 + 8 * UNSIZED_LIST_ITEMS + 6


def test_the_estimate_uses_variables_then_defaults() -> None:
    query = "query Q($n: Int = 8, $ids: [ID!]!) { users(first: $n) { nodes { id } } nodes(ids: $ids) { id } }"
    assert cost(query, {"ids": ["1", "2"]}) == 8 + 2
    assert cost(query, {"n": 3, "ids": []}) == 3
    assert cost(query, {"n": "not a number"}) == 100 + UNSIZED_LIST_ITEMS
