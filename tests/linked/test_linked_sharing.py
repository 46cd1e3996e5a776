"""Concurrent identical requests share upstream calls within one token, and never across tokens."""

from __future__ import annotations

import asyncio

import pytest

from gateway.sandbox import DEMO_COMPANY_ID, DEMO_TOKEN, OTHER_COMPANY_ID, OTHER_COMPANY_TOKEN, Sandbox
from gateway.schema.ids import encode_id
from tests.support import ActivityPaths, GraphQLClient

pytestmark = pytest.mark.anyio

QUERY = """
query { activities(first: 100, userId: 0) { nodes {
  pipedriveId owner { name } personId person { name orgId } organization { name } deal { title }
  activityType { name }
} } }
"""


async def test_twenty_concurrent_identical_requests_share_upstream_calls(
    gql: GraphQLClient, sandbox: Sandbox, paths: ActivityPaths
) -> None:
    alone = await gql.data(QUERY, headers={"x-api-token": DEMO_TOKEN})
    sandbox.control.clear()
    sandbox.control.latency_ms = 20
    bodies = await asyncio.gather(*(gql(QUERY, headers={"x-api-token": DEMO_TOKEN}) for _ in range(20)))
    assert all(body["data"] == alone for body in bodies)
    served = sandbox.control.count()
    assert served < 20
    assert sandbox.control.count("GET", paths.list) < 20  # the page itself was shared
    assert sum(body["extensions"]["upstream"]["calls"] for body in bodies) == served


async def test_two_tokens_never_share_results(gql: GraphQLClient, sandbox: Sandbox) -> None:
    demo = await gql.data(QUERY, headers={"x-api-token": DEMO_TOKEN})
    other = await gql.data(QUERY, headers={"x-api-token": OTHER_COMPANY_TOKEN})
    demo_ids = {n["pipedriveId"] for n in demo["activities"]["nodes"]}
    other_ids = {n["pipedriveId"] for n in other["activities"]["nodes"]}
    assert demo_ids and other_ids and not demo_ids & other_ids

    sandbox.control.clear()
    sandbox.control.latency_ms = 20
    tokens = [DEMO_TOKEN, OTHER_COMPANY_TOKEN] * 5
    bodies = await asyncio.gather(*(gql(QUERY, headers={"x-api-token": t}) for t in tokens))
    for token, body in zip(tokens, bodies, strict=True):
        assert body["data"] == (demo if token == DEMO_TOKEN else other)
    companies = {r.company_id for r in sandbox.control.requests if r.path == "/api/v2/persons"}
    assert companies == {DEMO_COMPANY_ID, OTHER_COMPANY_ID}  # each token asked for its own persons


async def test_a_node_of_one_company_is_null_for_the_other(gql: GraphQLClient) -> None:
    page = await gql.data(QUERY, headers={"x-api-token": DEMO_TOKEN})
    node = next(n for n in page["activities"]["nodes"] if n["personId"])
    query = "query($id: ID!) { node(id: $id) { ... on Person { name } } }"
    variables = {"id": encode_id("Person", node["personId"])}
    demo = await gql.data(query, variables, headers={"x-api-token": DEMO_TOKEN})
    other = await gql.data(query, variables, headers={"x-api-token": OTHER_COMPANY_TOKEN})
    assert demo["node"] == {"name": node["person"]["name"]} and other["node"] is None
