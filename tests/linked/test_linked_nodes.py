"""`node(id:)` and `nodes(ids:)` resolve users, persons, organizations and deals, batched."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from strawberry.relay import GlobalID

from gateway.sandbox import Sandbox
from gateway.schema.ids import encode_id
from tests.support import GraphQLClient

pytestmark = pytest.mark.anyio

NODE = """
query($id: ID!) { node(id: $id) {
  id
  ... on User { pipedriveId name email activeFlag }
  ... on Person { pipedriveId name ownerId orgId emails { value } }
  ... on Organization { pipedriveId name address ownerId }
  ... on Deal { pipedriveId title status value currency stageId pipelineId }
} }
"""
NODES = (
    "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Person { name } ... on Deal { title } ... on User { name } } }"
)


async def rest_v2(rest: httpx.AsyncClient, entity: str, ids: list[int]) -> list[dict[str, Any]]:
    answer = await rest.get(f"/api/v2/{entity}", params={"ids": ",".join(map(str, ids))})
    items: list[dict[str, Any]] = answer.json()["data"]
    return items


async def test_node_resolves_each_linked_type(gql: GraphQLClient, rest: httpx.AsyncClient) -> None:
    user = (await rest.get("/api/v1/users")).json()["data"][1]
    (person,) = await rest_v2(rest, "persons", [1])
    (org,) = await rest_v2(rest, "organizations", [1])
    (deal,) = await rest_v2(rest, "deals", [1])
    expected = {
        ("User", user["id"]): {"name": user["name"], "email": user["email"], "activeFlag": user["active_flag"]},
        ("Person", 1): {
            "name": person["name"],
            "ownerId": person["owner_id"],
            "orgId": person["org_id"],
            "emails": [{"value": e["value"]} for e in person["emails"]],
        },
        ("Organization", 1): {"name": org["name"], "address": org["address"]["value"], "ownerId": org["owner_id"]},
        ("Deal", 1): {
            "title": deal["title"],
            "status": deal["status"],
            "value": deal["value"],
            "currency": deal["currency"],
            "stageId": deal["stage_id"],
            "pipelineId": deal["pipeline_id"],
        },
    }
    for (type_name, pipedrive_id), fields in expected.items():
        global_id = encode_id(type_name, pipedrive_id)
        got = (await gql.data(NODE, {"id": global_id}))["node"]
        assert got == {"id": global_id, "pipedriveId": pipedrive_id, **fields}


async def test_unknown_or_malformed_ids_are_null(gql: GraphQLClient, sandbox: Sandbox) -> None:
    for type_name in ("User", "Person", "Organization", "Deal"):
        for node_id in (encode_id(type_name, 999999), encode_id(type_name, 0), str(GlobalID(type_name, "x1"))):
            assert (await gql.data(NODE, {"id": node_id}))["node"] is None, (type_name, node_id)


async def test_nodes_batch_per_type_and_keep_order(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    persons = await rest_v2(rest, "persons", [1, 2, 3])
    deals = await rest_v2(rest, "deals", [1, 2])
    user = (await rest.get("/api/v1/users/1")).json()["data"]
    ids = [
        encode_id("Person", 3),
        encode_id("Deal", 2),
        encode_id("Person", 999999),
        encode_id("User", 1),
        encode_id("Person", 1),
        encode_id("Deal", 1),
        encode_id("Person", 2),
    ]
    sandbox.control.clear()
    body = await gql(NODES, {"ids": ids})
    assert "errors" not in body, body["errors"]
    names = {p["id"]: p["name"] for p in persons}
    titles = {d["id"]: d["title"] for d in deals}
    assert [None if n is None else n.get("name", n.get("title")) for n in body["data"]["nodes"]] == [
        names[3],
        titles[2],
        None,
        user["name"],
        names[1],
        titles[1],
        names[2],
    ]
    assert sandbox.control.count("GET", "/api/v2/persons") == sandbox.control.count("GET", "/api/v2/deals") == 1
    assert sandbox.control.count("GET", "/api/v1/users") == 1
    assert body["extensions"]["upstream"]["calls"] == 3
