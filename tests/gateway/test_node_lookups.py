"""`nodes(ids:)` answers each id on its own: a malformed id nulls only its entry, with an error whose path
names its index and whose message names the id; an id that is well formed but names nothing is a plain
null. `node(id:)` refuses a malformed id with BAD_USER_INPUT, as before."""

from __future__ import annotations

import base64

import httpx
import pytest

from gateway.schema.ids import encode_id
from tests.support import GraphQLClient, error_codes

pytestmark = pytest.mark.anyio

NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Activity { pipedriveId } ... on ActivityType { name } } }"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


async def two_activity_ids(rest: httpx.AsyncClient) -> list[int]:
    items = (await rest.get("/api/v1/activities", params={"user_id": "0", "limit": "2"})).json()["data"]
    return [item["id"] for item in items]


@pytest.mark.parametrize("malformed", ["garbage", "9" * 5000, b64("Query:1"), b64("Nope:1"), "é", "x" * 100_000])
async def test_a_malformed_id_nulls_only_its_own_entry(
    gql: GraphQLClient, rest: httpx.AsyncClient, malformed: str
) -> None:
    a, b = await two_activity_ids(rest)
    ids = [encode_id("Activity", a), encode_id("ActivityType", 1), malformed, encode_id("Activity", b)]
    body = await gql(NODES, {"ids": ids})
    nodes = body["data"]["nodes"]
    assert nodes[0] == {"id": ids[0], "pipedriveId": a}
    assert nodes[1]["id"] == ids[1] and nodes[1]["name"]
    assert nodes[2] is None
    assert nodes[3] == {"id": ids[3], "pipedriveId": b}
    (error,) = body["errors"]
    assert error["path"] == ["nodes", 2]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert repr(malformed[:20])[:-1] in error["message"]


async def test_each_malformed_id_has_its_own_error(gql: GraphQLClient) -> None:
    body = await gql(NODES, {"ids": ["one", encode_id("Activity", 999_999), "two"]})
    assert body["data"]["nodes"] == [None, None, None]
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["nodes", 0], "BAD_USER_INPUT"),
        (["nodes", 2], "BAD_USER_INPUT"),
    ]
    assert "'one'" in body["errors"][0]["message"] and "'two'" in body["errors"][1]["message"]


async def test_well_formed_ids_that_name_nothing_are_plain_nulls(gql: GraphQLClient) -> None:
    ids = [encode_id("Activity", 999_999), encode_id("User", 999_999), b64("Activity:x"), b64("Activity:" + "9" * 12)]
    body = await gql(NODES, {"ids": ids})
    assert body == {"data": {"nodes": [None] * 4}, "extensions": body["extensions"]}


@pytest.mark.parametrize("malformed", ["garbage", b64("Nope:1"), "9" * 5000])
async def test_node_with_a_malformed_id_is_bad_user_input(gql: GraphQLClient, malformed: str) -> None:
    body = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": malformed})
    assert body["data"] == {"node": None}
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["path"] == ["node"]
