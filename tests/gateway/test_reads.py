"""Reading activities through GraphQL against the sandbox: lookups, filters, both connections, errors;
on API v1 and on v2, each answer checked against the sandbox's v1 REST API (the same store)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gateway.config import ApiMode
from gateway.sandbox import DEMO_NONADMIN_TOKEN, Sandbox
from gateway.schema.ids import encode_id
from tests.support import API_VERSIONS, ActivityPaths, GraphQLClient, error_codes

pytestmark = pytest.mark.anyio


@pytest.fixture(params=API_VERSIONS)
def api_version(request: pytest.FixtureRequest) -> ApiMode:
    mode: ApiMode = request.param
    return mode


PAGE = """
query Page($first: Int, $after: String, $last: Int, $before: String, $userId: Int, $filterId: Int,
           $types: [String!], $startDate: Date, $endDate: Date, $done: Boolean) {
  activities(first: $first, after: $after, last: $last, before: $before, userId: $userId, filterId: $filterId,
             types: $types, startDate: $startDate, endDate: $endDate, done: $done) {
    edges { cursor node { pipedriveId } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

COLLECTION = """
query Collection($first: Int, $after: String, $userId: Int, $types: [String!], $done: Boolean,
                 $since: DateTime, $until: DateTime) {
  activitiesCollection(first: $first, after: $after, userId: $userId, types: $types, done: $done,
                       since: $since, until: $until) {
    edges { cursor node { pipedriveId } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}
"""


async def rest_items(rest: httpx.AsyncClient, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
    """Every item a REST listing yields, walking its pagination to the end."""
    items: list[dict[str, Any]] = []
    params = dict(params)
    while True:
        body = (await rest.get(path, params=params | {"limit": "500"})).json()
        items += body["data"] or []
        additional = body.get("additional_data") or {}
        if "next_cursor" in additional:
            if not additional["next_cursor"]:
                return items
            params["cursor"] = additional["next_cursor"]
        else:
            pagination = additional["pagination"]
            if not pagination["more_items_in_collection"]:
                return items
            params["start"] = str(pagination["next_start"])


async def rest_ids(rest: httpx.AsyncClient, path: str, params: dict[str, str]) -> list[int]:
    return [item["id"] for item in await rest_items(rest, path, params)]


def in_list_order(api_version: ApiMode, items: list[dict[str, Any]], variables: dict[str, Any]) -> list[int]:
    """The ids of `items` (v1's answer) in the order `activities` lists them: v1's own, or on v2 by id,
    and by due date then id when dates filter the list (README, "Upstream API versions")."""
    if api_version == "v2" and ("startDate" in variables or "endDate" in variables):
        items = sorted(items, key=lambda item: (item["due_date"], item["id"]))
    elif api_version == "v2":
        items = sorted(items, key=lambda item: int(item["id"]))
    return [item["id"] for item in items]


def ids_of(connection: dict[str, Any]) -> list[int]:
    return [edge["node"]["pipedriveId"] for edge in connection["edges"]]


async def walk(gql: GraphQLClient, query: str, field: str, variables: dict[str, Any]) -> tuple[list[int], int, int]:
    """(ids, pages, upstream calls) following endCursor to the end."""
    ids: list[int] = []
    pages = calls = 0
    after = None
    while True:
        body = await gql(query, variables | {"after": after})
        assert "errors" not in body, body
        connection = body["data"][field]
        ids += ids_of(connection)
        pages += 1
        calls += body["extensions"]["upstream"]["calls"]
        if not connection["pageInfo"]["hasNextPage"]:
            return ids, pages, calls
        after = connection["pageInfo"]["endCursor"]


async def some_ids(rest: httpx.AsyncClient, n: int) -> list[int]:
    return (await rest_ids(rest, "/api/v1/activities", {"user_id": "0"}))[:n]


# --- lookups ---------------------------------------------------------------------------------------


async def test_activity_by_global_or_numeric_id(gql: GraphQLClient, rest: httpx.AsyncClient) -> None:
    (activity_id,) = await some_ids(rest, 1)
    expected = (await rest.get(f"/api/v1/activities/{activity_id}")).json()["data"]
    query = "query($id: ID!) { activity(id: $id) { id pipedriveId subject type done userId } }"
    by_number = await gql.data(query, {"id": str(activity_id)})
    by_global = await gql.data(query, {"id": encode_id("Activity", activity_id)})
    assert by_number == by_global
    got = by_number["activity"]
    assert got["pipedriveId"] == activity_id and got["id"] == encode_id("Activity", activity_id)
    assert (got["subject"], got["type"], got["done"], got["userId"]) == (
        expected["subject"],
        expected["type"],
        expected["done"],
        expected["user_id"],
    )


async def test_missing_activity_is_null_and_bad_ids_are_bad_input(gql: GraphQLClient, sandbox: Sandbox) -> None:
    assert (await gql.data('{ activity(id: "999999") { id } }'))["activity"] is None
    sandbox.control.clear()
    for bad in ("abc", "-1", "0", encode_id("ActivityType", 1), "QWN0aXZpdHk6eA=="):
        body = await gql("query($id: ID!) { activity(id: $id) { id } }", {"id": bad})
        assert error_codes(body) == ["BAD_USER_INPUT"], (bad, body)
        assert body["data"] == {"activity": None}
    assert sandbox.control.count() == 0


async def test_fifty_aliased_lookups_cost_one_upstream_call(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    ids = await some_ids(rest, 50)
    query = (
        "{ " + " ".join(f'a{i}: activity(id: "{i_id}") {{ pipedriveId subject }}' for i, i_id in enumerate(ids)) + " }"
    )
    sandbox.control.clear()
    body = await gql(query)
    assert "errors" not in body
    assert [body["data"][f"a{i}"]["pipedriveId"] for i in range(50)] == ids
    assert body["extensions"]["upstream"] == {
        "calls": 1,
        "cost": 10,
        "rateLimit": body["extensions"]["upstream"]["rateLimit"],
    }
    assert sandbox.control.count() == 1


async def test_node_and_nodes_resolve_activities(gql: GraphQLClient, rest: httpx.AsyncClient) -> None:
    a, b = await some_ids(rest, 2)
    ids = [encode_id("Activity", a), encode_id("Activity", 999999), encode_id("Activity", b)]
    data = await gql.data(
        "query($id: ID!, $ids: [ID!]!) { node(id: $id) { id ... on Activity { pipedriveId } } "
        "nodes(ids: $ids) { ... on Activity { pipedriveId } } }",
        {"id": ids[0], "ids": ids},
    )
    assert data["node"]["pipedriveId"] == a
    assert data["nodes"] == [{"pipedriveId": a}, None, {"pipedriveId": b}]


# --- the offset connection -------------------------------------------------------------------------


async def test_walking_activities_yields_each_exactly_once_one_call_a_page(
    gql: GraphQLClient, rest: httpx.AsyncClient
) -> None:
    expected = await rest_ids(rest, "/api/v1/activities", {"user_id": "0"})
    ids, pages, calls = await walk(gql, PAGE, "activities", {"first": 37, "userId": 0})
    assert sorted(ids) == sorted(expected) and len(ids) == len(set(ids))
    assert pages == -(-len(expected) // 37) and calls == pages


@pytest.mark.parametrize(
    ("variables", "params"),
    [
        ({"userId": 0}, {"user_id": "0"}),
        ({}, {}),
        ({"userId": 0, "types": ["meeting", "call"]}, {"user_id": "0", "type": "meeting,call"}),
        ({"userId": 0, "done": True}, {"user_id": "0", "done": "1"}),
        ({"userId": 0, "done": False}, {"user_id": "0", "done": "0"}),
        (
            {"userId": 0, "startDate": "2024-11-01", "endDate": "2025-01-31"},
            {"user_id": "0", "start_date": "2024-11-01", "end_date": "2025-01-31"},
        ),
    ],
)
async def test_filters_match_the_upstream(
    gql: GraphQLClient,
    rest: httpx.AsyncClient,
    api_version: ApiMode,
    variables: dict[str, Any],
    params: dict[str, str],
) -> None:
    expected = in_list_order(api_version, await rest_items(rest, "/api/v1/activities", params), variables)
    ids, _, _ = await walk(gql, PAGE, "activities", {"first": 500} | variables)
    assert ids == expected and ids


async def test_filter_id_and_user_filters_narrow_the_list(gql: GraphQLClient, rest: httpx.AsyncClient) -> None:
    everyone = await rest_ids(rest, "/api/v1/activities", {"user_id": "0"})
    mine = await rest_ids(rest, "/api/v1/activities", {})
    assert 0 < len(mine) < len(everyone)  # omitted userId = the token's user; 0 = all users
    filtered_ids, _, _ = await walk(gql, PAGE, "activities", {"first": 500, "userId": 0, "filterId": 1})
    assert filtered_ids == await rest_ids(rest, "/api/v1/activities", {"user_id": "0", "filter_id": "1"})


async def test_backward_paging_mirrors_forward_paging(gql: GraphQLClient, rest: httpx.AsyncClient) -> None:
    expected = await rest_ids(rest, "/api/v1/activities", {"user_id": "0"})
    forward = (await gql.data(PAGE, {"first": 30, "userId": 0}))["activities"]
    edge20 = forward["edges"][20]["cursor"]
    back = (await gql.data(PAGE, {"last": 10, "before": edge20, "userId": 0}))["activities"]
    assert ids_of(back) == expected[10:20]
    assert back["pageInfo"]["hasPreviousPage"] is True and back["pageInfo"]["hasNextPage"] is True
    first_page = (await gql.data(PAGE, {"last": 10, "before": back["pageInfo"]["startCursor"], "userId": 0}))[
        "activities"
    ]
    assert ids_of(first_page) == expected[0:10] and first_page["pageInfo"]["hasPreviousPage"] is False
    tail = (await gql.data(PAGE, {"last": 5, "userId": 0}))["activities"]
    assert ids_of(tail) == expected[-5:] and tail["pageInfo"]["hasNextPage"] is False


async def test_mid_page_cursor_resumes_after_its_edge(gql: GraphQLClient, rest: httpx.AsyncClient) -> None:
    expected = await rest_ids(rest, "/api/v1/activities", {"user_id": "0"})
    page = (await gql.data(PAGE, {"first": 20, "userId": 0}))["activities"]
    resumed = (await gql.data(PAGE, {"first": 5, "after": page["edges"][7]["cursor"], "userId": 0}))["activities"]
    assert ids_of(resumed) == expected[8:13]


# --- the cursor connection -------------------------------------------------------------------------


async def test_walking_the_collection_yields_each_exactly_once_one_call_a_page(
    gql: GraphQLClient, rest: httpx.AsyncClient, paths: ActivityPaths
) -> None:
    expected = await rest_ids(rest, "/api/v1/activities/collection", {})
    ids, pages, calls = await walk(gql, COLLECTION, "activitiesCollection", {"first": 64})
    assert ids == expected and len(set(ids)) == len(ids)
    assert calls == pages + len(paths.admin_check)
    assert pages in (-(-len(expected) // 64), -(-len(expected) // 64) + 1)


async def test_collection_mid_page_cursor_resumes_after_its_edge(gql: GraphQLClient, rest: httpx.AsyncClient) -> None:
    expected = await rest_ids(rest, "/api/v1/activities/collection", {})
    page = (await gql.data(COLLECTION, {"first": 50}))["activitiesCollection"]
    after_edge = page["edges"][12]["cursor"]
    body = await gql(COLLECTION, {"first": 10, "after": after_edge})
    assert ids_of(body["data"]["activitiesCollection"]) == expected[13:23]
    assert body["extensions"]["upstream"]["calls"] == 1
    page2 = (await gql.data(COLLECTION, {"first": 50, "after": page["pageInfo"]["endCursor"]}))["activitiesCollection"]
    assert ids_of(page2) == expected[50:100]


@pytest.mark.parametrize(
    ("variables", "params"),
    [
        ({"userId": 2}, {"user_id": "2"}),
        ({"types": ["task"]}, {"type": "task"}),
        ({"done": True}, {"done": "true"}),
        (
            {"since": "2024-10-01T00:00:00+00:00", "until": "2024-12-01T00:00:00Z"},
            {"since": "2024-10-01 00:00:00", "until": "2024-12-01 00:00:00"},
        ),
    ],
)
async def test_collection_filters_match_the_upstream(
    gql: GraphQLClient, rest: httpx.AsyncClient, variables: dict[str, Any], params: dict[str, str]
) -> None:
    expected = await rest_ids(rest, "/api/v1/activities/collection", params)
    ids, _, _ = await walk(gql, COLLECTION, "activitiesCollection", {"first": 500} | variables)
    assert ids == expected


# The fields `/collection` items lack (`note`, `participants`) cost v1 one `?ids=` batch; v2's list carries them.
LACKING_BATCH: dict[ApiMode, tuple[str, ...]] = {"v1": ("/api/v2/activities",), "v2": ()}


async def test_collection_fields_it_lacks_cost_one_batched_call(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox, api_version: ApiMode, paths: ActivityPaths
) -> None:
    sandbox.control.clear()
    body = await gql("{ activitiesCollection(first: 100) { nodes { pipedriveId note participants { personId } } } }")
    assert "errors" not in body
    expected = sorted([paths.collection, *LACKING_BATCH[api_version], *paths.admin_check])
    assert sorted(r.path for r in sandbox.control.requests) == expected
    assert body["extensions"]["upstream"]["calls"] == len(expected)
    nodes = body["data"]["activitiesCollection"]["nodes"]
    for node in nodes[:15]:
        full = (await rest.get(f"/api/v1/activities/{node['pipedriveId']}")).json()["data"]
        assert node["note"] == (full["note"] or None)  # an empty note is null here
        assert [p["personId"] for p in node["participants"]] == [p["person_id"] for p in full["participants"] or []]


async def test_collection_is_forbidden_for_non_admins(gql: GraphQLClient) -> None:
    body = await gql(
        "{ activitiesCollection(first: 5) { nodes { id } } }", headers={"x-api-token": DEMO_NONADMIN_TOKEN}
    )
    assert error_codes(body) == ["FORBIDDEN"]


# --- argument errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (PAGE, {"first": 501}),
        (PAGE, {"first": -1}),
        (PAGE, {"after": "garbage"}),
        (PAGE, {"after": "b2Zmc2V0Ong="}),
        (PAGE, {"first": 5, "last": 5}),
        (COLLECTION, {"first": 501}),
        (COLLECTION, {"after": "garbage"}),
        ("{ activitiesCollection(last: 5) { nodes { id } } }", {}),
        ('{ activitiesCollection(first: 5, before: "x") { nodes { id } } }', {}),
    ],
)
async def test_bad_page_arguments_are_bad_input_without_upstream_calls(
    gql: GraphQLClient, sandbox: Sandbox, query: str, variables: dict[str, Any]
) -> None:
    sandbox.control.clear()
    body = await gql(query, variables)
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert sandbox.control.count() == 0 and body["extensions"]["upstream"]["calls"] == 0


async def test_a_cursor_from_the_other_connection_is_bad_input(gql: GraphQLClient) -> None:
    offset_page = (await gql.data(PAGE, {"first": 2, "userId": 0}))["activities"]
    collection_page = (await gql.data(COLLECTION, {"first": 2}))["activitiesCollection"]
    body = await gql(COLLECTION, {"after": offset_page["pageInfo"]["endCursor"]})
    assert error_codes(body) == ["BAD_USER_INPUT"] and "activities" in body["errors"][0]["message"]
    body = await gql(PAGE, {"after": collection_page["pageInfo"]["endCursor"]})
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_malformed_dates_are_bad_input(gql: GraphQLClient, sandbox: Sandbox) -> None:
    sandbox.control.clear()
    body = await gql(PAGE, {"startDate": "2026-13-45"})
    assert error_codes(body) == ["BAD_USER_INPUT"] and sandbox.control.count() == 0
    body = await gql('{ activities(startDate: "yesterday") { nodes { id } } }')
    assert error_codes(body) == ["BAD_USER_INPUT"]


# --- activity types --------------------------------------------------------------------------------


async def test_activity_types_come_from_the_upstream_and_hide_inactive_ones(
    gql: GraphQLClient, rest: httpx.AsyncClient
) -> None:
    upstream = (await rest.get("/api/v1/activityTypes")).json()["data"]
    active = await gql.data("{ activityTypes { pipedriveId name keyString activeFlag isCustomFlag } }")
    everything = await gql.data("{ activityTypes(includeInactive: true) { keyString } }")
    assert [t["keyString"] for t in everything["activityTypes"]] == [t["key_string"] for t in upstream]
    assert [t["keyString"] for t in active["activityTypes"]] == [t["key_string"] for t in upstream if t["active_flag"]]
    assert len(active["activityTypes"]) < len(everything["activityTypes"])
    assert any(t["isCustomFlag"] for t in active["activityTypes"])


async def test_activity_type_on_a_page_costs_at_most_one_more_call(gql: GraphQLClient) -> None:
    body = await gql("{ activities(first: 100, userId: 0) { nodes { type activityType { keyString } } } }")
    assert "errors" not in body
    nodes = body["data"]["activities"]["nodes"]
    assert all(n["activityType"]["keyString"] == n["type"] for n in nodes)
    assert body["extensions"]["upstream"]["calls"] == 2
    again = await gql("{ activities(first: 100, userId: 0) { nodes { activityType { name } } } }")
    assert again["extensions"]["upstream"]["calls"] == 1  # activity types cached across requests


# One activity by id, and the cost of each call: v1's GET carries every field; v2's lacks `companyId` (from
# the token's own user) and `ownerName` (from the users list), and has no `gcalEventId` at all (null).
SINGLE_LOOKUP: dict[ApiMode, dict[str, int]] = {
    "v1": {"/api/v1/activities/{id}": 2},
    "v2": {"/api/v2/activities/{id}": 1, "/api/v1/users/me": 2, "/api/v1/users": 20},
}


async def test_a_single_lookup_costs_one_get_and_what_its_version_lacks(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox, api_version: ApiMode
) -> None:
    (activity_id,) = await some_ids(rest, 1)
    full = (await rest.get(f"/api/v1/activities/{activity_id}")).json()["data"]
    sandbox.control.clear()
    body = await gql(f'{{ activity(id: "{activity_id}") {{ subject companyId gcalEventId ownerName note }} }}')
    assert "errors" not in body
    expected = {path.format(id=activity_id): cost for path, cost in SINGLE_LOOKUP[api_version].items()}
    assert sorted(r.path for r in sandbox.control.requests) == sorted(expected)
    assert body["extensions"]["upstream"]["calls"] == len(expected)
    assert body["extensions"]["upstream"]["cost"] == sum(expected.values())
    got = body["data"]["activity"]
    assert (got["subject"], got["companyId"], got["ownerName"]) == (
        full["subject"],
        full["company_id"],
        full["owner_name"],
    )
    assert got["gcalEventId"] == (full["gcal_event_id"] if api_version == "v1" else None)


async def test_a_deleted_activity_is_null_alone_or_in_a_batch(gql: GraphQLClient, rest: httpx.AsyncClient) -> None:
    deleted, kept = await some_ids(rest, 2)
    assert (await rest.delete(f"/api/v1/activities/{deleted}")).status_code == 200
    alone = await gql.data(f'{{ activity(id: "{deleted}") {{ id }} }}')
    batch = await gql.data(f'{{ a: activity(id: "{deleted}") {{ id }} b: activity(id: "{kept}") {{ pipedriveId }} }}')
    assert alone == {"activity": None} and batch == {"a": None, "b": {"pipedriveId": kept}}
