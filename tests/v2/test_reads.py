"""Reads on API v2: what v2 lacks, the gateway makes up for, and the answers are those of v1.

Each test compares with the sandbox's v1 REST list (the same store), asked directly: the same
activities, exactly once each, in the documented v2 order, at the documented cost."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gateway.activities import scan
from gateway.app import create_app
from gateway.config import QueryLimits, Settings
from gateway.sandbox import DEMO_NONADMIN_TOKEN, Sandbox
from tests.support import GraphQLClient, error_codes, running

from .support import PAGE, walk

pytestmark = pytest.mark.anyio


async def v1_ids(rest: httpx.AsyncClient, params: dict[str, str], path: str = "/api/v1/activities") -> list[int]:
    ids: list[int] = []
    start = 0
    while True:
        body = (await rest.get(path, params=params | {"limit": "500", "start": str(start)})).json()
        ids += [item["id"] for item in body["data"] or []]
        pagination = body["additional_data"]["pagination"]
        if not pagination["more_items_in_collection"]:
            return ids
        start = pagination["next_start"]


FILTERS = [
    ({"userId": 0}, {"user_id": "0"}),
    ({}, {}),  # the token's own user
    ({"userId": 3}, {"user_id": "3"}),
    ({"userId": 0, "types": ["meeting", "lunch"]}, {"user_id": "0", "type": "meeting,lunch"}),
    ({"userId": 0, "done": False}, {"user_id": "0", "done": "0"}),
    (
        {"userId": 0, "startDate": "2024-12-01", "endDate": "2025-01-15"},
        {"user_id": "0", "start_date": "2024-12-01", "end_date": "2025-01-15"},
    ),
    ({"userId": 0, "startDate": "2025-01-06"}, {"user_id": "0", "start_date": "2025-01-06"}),
    ({"types": ["call"], "endDate": "2024-10-31"}, {"type": "call", "end_date": "2024-10-31"}),
    ({"userId": 0, "filterId": 1}, {"user_id": "0", "filter_id": "1"}),
    ({"filterId": 1}, {"filter_id": "1"}),
]


@pytest.mark.parametrize(("variables", "params"), FILTERS)
async def test_every_filter_gives_v1s_activities_once_each_in_v2s_order(
    gql: GraphQLClient, rest: httpx.AsyncClient, variables: dict[str, Any], params: dict[str, str]
) -> None:
    expected = await v1_ids(rest, params)
    nodes, _ = await walk(gql, variables)
    ids = [node["pipedriveId"] for node in nodes]
    assert sorted(ids) == sorted(expected) and ids, variables
    assert len(ids) == len(set(ids))
    if "startDate" in variables or "endDate" in variables:  # by due date (then id): the scan stops early
        assert [(n["dueDate"], n["pipedriveId"]) for n in nodes] == sorted(
            (n["dueDate"], n["pipedriveId"]) for n in nodes
        )
    else:
        assert ids == sorted(ids)


async def test_userid_omitted_is_the_tokens_own_user_and_asks_who_that_is_once(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    for token in (None, DEMO_NONADMIN_TOKEN):
        headers = {"x-api-token": token} if token else {}
        own = await v1_ids(rest if token is None else _rest_as(sandbox, token), {})
        nodes = (await gql.data(PAGE, {"first": 500}, headers=headers))["activities"]
        assert [e["node"]["pipedriveId"] for e in nodes["edges"]] == sorted(own)
    for _ in range(3):
        await gql.data(PAGE, {"first": 5})
    assert sandbox.control.count("GET", "/api/v1/users/me") == 2  # once per token, then cached


def _rest_as(sandbox: Sandbox, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=sandbox.transport(), base_url="http://sandbox", headers={"x-api-token": token})


@pytest.mark.parametrize("variables", [{"userId": 0}, {"userId": 0, "types": ["meeting"]}, {"startDate": "2024-11-01"}])
async def test_paging_backward_gives_the_forward_list(gql: GraphQLClient, variables: dict[str, Any]) -> None:
    forward, _ = await walk(gql, variables, size=11)
    backward, _ = await walk(gql, variables, size=11, backward=True)
    assert [n["pipedriveId"] for n in backward] == [n["pipedriveId"] for n in forward]


async def test_last_alone_is_the_end_of_the_list_in_one_upstream_call(gql: GraphQLClient, sandbox: Sandbox) -> None:
    forward, _ = await walk(gql, {"userId": 0}, size=200)
    sandbox.control.clear()
    body = await gql.data(PAGE, {"userId": 0, "last": 5})
    assert [e["node"]["pipedriveId"] for e in body["activities"]["edges"]] == [n["pipedriveId"] for n in forward[-5:]]
    assert body["activities"]["pageInfo"]["hasPreviousPage"] and not body["activities"]["pageInfo"]["hasNextPage"]
    assert sandbox.control.count("GET", "/api/v2/activities") == 1


async def test_every_edge_cursor_works_both_ways_whichever_direction_made_it(gql: GraphQLClient) -> None:
    everything = [n["pipedriveId"] for n in (await walk(gql, {"userId": 0}, size=500))[0]]
    forward = (await gql.data(PAGE, {"userId": 0, "first": 30}))["activities"]["edges"]
    backward = (await gql.data(PAGE, {"userId": 0, "last": 30}))["activities"]["edges"]
    for edge in (forward[10], backward[10]):
        at = everything.index(edge["node"]["pipedriveId"])
        after = (await gql.data(PAGE, {"userId": 0, "first": 4, "after": edge["cursor"]}))["activities"]["edges"]
        before = (await gql.data(PAGE, {"userId": 0, "last": 4, "before": edge["cursor"]}))["activities"]["edges"]
        assert [e["node"]["pipedriveId"] for e in after] == everything[at + 1 : at + 5]
        assert [e["node"]["pipedriveId"] for e in before] == everything[at - 4 : at]


async def test_a_scan_past_its_cap_answers_what_it_found_and_goes_on_from_there(
    sandbox: Sandbox, rest: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rare type, one upstream page per GraphQL page: pages come back partly filled (some empty), and
    following endCursor still finds every match once."""
    monkeypatch.setattr(scan, "MAX_PAGE_LIMIT", 40)  # upstream pages this small make the demo company long
    settings = Settings(api_version="v2", limits=QueryLimits(max_scan_pages=1))
    expected = await v1_ids(rest, {"user_id": "0", "type": "lunch"})
    async with running(create_app(settings, sandbox=sandbox)) as http:
        gql = GraphQLClient(http)
        sandbox.control.clear()
        nodes, bodies = await walk(gql, {"userId": 0, "types": ["lunch"]}, size=100)
    assert sorted(n["pipedriveId"] for n in nodes) == sorted(expected)
    assert all(body["extensions"]["upstream"]["calls"] <= 1 for body in bodies)
    assert len(bodies) > 1 and any(len(b["data"]["activities"]["edges"]) < 100 for b in bodies[:-1])


async def test_a_date_range_in_the_past_stops_at_its_end(gql: GraphQLClient, sandbox: Sandbox) -> None:
    sandbox.control.clear()
    body = await gql.data(PAGE, {"userId": 0, "first": 500, "endDate": "2024-09-10"})
    assert body["activities"]["edges"] and not body["activities"]["pageInfo"]["hasNextPage"]
    assert sandbox.control.count("GET", "/api/v2/activities") == 1


COLLECTION = """
query($first: Int, $after: String, $since: DateTime, $until: DateTime, $types: [String!], $userId: Int) {
  activitiesCollection(first: $first, after: $after, since: $since, until: $until, types: $types, userId: $userId) {
    edges { node { pipedriveId updateTime } } pageInfo { hasNextPage endCursor }
  }
}
"""


async def test_the_collections_since_and_until_include_both_ends_as_on_v1(
    gql: GraphQLClient, rest: httpx.AsyncClient
) -> None:
    items = (await rest.get("/api/v1/activities/collection", params={"limit": "500"})).json()["data"]
    since, until = items[10]["update_time"], items[40]["update_time"]
    v1 = (
        await rest.get("/api/v1/activities/collection", params={"limit": "500", "since": since, "until": until})
    ).json()["data"]
    window = {"since": since.replace(" ", "T") + "Z", "until": until.replace(" ", "T") + "Z"}
    body = await gql.data(COLLECTION, {"first": 500, **window})
    ids = [e["node"]["pipedriveId"] for e in body["activitiesCollection"]["edges"]]
    assert ids == [item["id"] for item in v1] and items[10]["id"] in ids and items[40]["id"] in ids


async def test_the_collection_stays_forbidden_for_a_non_admin(gql: GraphQLClient, sandbox: Sandbox) -> None:
    sandbox.control.clear()
    body = await gql(COLLECTION, {"first": 5}, headers={"x-api-token": DEMO_NONADMIN_TOKEN})
    assert error_codes(body) == ["FORBIDDEN"]
    assert sandbox.control.count("GET", "/api/v2/activities") == 0  # decided from /v1/users/me alone


LINKED = """
{ activities(first: 100, userId: 0) {
    nodes {
      ownerName personName orgName dealTitle
      owner { name email } person { name } organization { name } deal { title }
    }
} }
"""


async def test_a_linked_page_of_100_costs_one_list_call_and_one_call_per_linked_type(
    gql: GraphQLClient, sandbox: Sandbox
) -> None:
    await gql.data("{ activityTypes { name } }")
    sandbox.control.clear()
    body = await gql(LINKED)
    assert "errors" not in body, body.get("errors")
    paths = sorted(r.path for r in sandbox.control.requests)
    assert paths == ["/api/v1/users", "/api/v2/activities", "/api/v2/deals", "/api/v2/organizations", "/api/v2/persons"]
    nodes = body["data"]["activities"]["nodes"]
    assert all(n["ownerName"] == n["owner"]["name"] for n in nodes)
    assert all(n["personName"] == (n["person"] or {}).get("name") for n in nodes)
