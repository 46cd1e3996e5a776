"""Linked objects on a page of activities cost a bounded number of upstream calls, and are right.

Names are checked against the sandbox's REST answers from sources the gateway did not use for them:
the user list, and the v2 objects of persons, organizations and deals.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gateway.config import ApiMode
from gateway.sandbox import Sandbox
from tests.support import ActivityPaths, GraphQLClient

pytestmark = pytest.mark.anyio

LINKED = "subject owner { name } person { name } organization { name } deal { title } activityType { name }"
PAGE = "query { activities(first: 100, userId: 0) { nodes { pipedriveId %s } } }"
COLLECTION = "query { activitiesCollection(first: 100) { nodes { pipedriveId %s } } }"
BATCHES = ("/api/v1/users", "/api/v2/persons", "/api/v2/organizations", "/api/v2/deals")
"""One batched call per linked type: all users, and the v2 `?ids=` lists."""
LINKED_TYPES: dict[ApiMode, tuple[str, ...]] = {"v1": (), "v2": BATCHES}
"""What a page's linked names cost besides the list call: on v1 the list's `related_objects` holds them."""


def calls(body: dict[str, Any]) -> int:
    count: int = body["extensions"]["upstream"]["calls"]
    return count


async def v2_by_id(rest: httpx.AsyncClient, entity: str, ids: set[int]) -> dict[int, dict[str, Any]]:
    sorted_ids = sorted(ids)
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(sorted_ids), 100):
        chunk = ",".join(str(i) for i in sorted_ids[start : start + 100])
        found |= {
            item["id"]: item for item in (await rest.get(f"/api/v2/{entity}", params={"ids": chunk})).json()["data"]
        }
    return found


async def expected_links(rest: httpx.AsyncClient, activities: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """What each activity's linked names must be, from the REST API's own sources."""
    users = {u["id"]: u for u in (await rest.get("/api/v1/users")).json()["data"]}
    types = {t["key_string"]: t for t in (await rest.get("/api/v1/activityTypes")).json()["data"]}
    persons = await v2_by_id(rest, "persons", {a["person_id"] for a in activities if a["person_id"]})
    orgs = await v2_by_id(rest, "organizations", {a["org_id"] for a in activities if a["org_id"]})
    deals = await v2_by_id(rest, "deals", {a["deal_id"] for a in activities if a["deal_id"]})

    def named(found: dict[int, dict[str, Any]], key: int | None, field: str = "name") -> dict[str, Any] | None:
        return {field: found[key][field]} if key else None

    return {
        a["id"]: {
            "subject": a["subject"],
            "owner": named(users, a["user_id"]),
            "person": named(persons, a["person_id"]),
            "organization": named(orgs, a["org_id"]),
            "deal": named(deals, a["deal_id"], "title"),
            "activityType": {"name": types[a["type"]]["name"]},
        }
        for a in activities
    }


def by_id(nodes: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {node.pop("pipedriveId"): node for node in nodes}


def asked_once_each(sandbox: Sandbox, body: dict[str, Any], expected: tuple[str, ...]) -> None:
    """The operation's upstream calls were one GET of each of `expected`, and nothing else."""
    assert sorted(r.path for r in sandbox.control.requests) == sorted(expected)
    assert {r.method for r in sandbox.control.requests} == {"GET"}
    assert calls(body) == len(expected)


async def test_a_linked_page_of_100_costs_one_list_call_and_at_most_one_per_linked_type(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox, api_version: ApiMode, paths: ActivityPaths
) -> None:
    sandbox.control.clear()
    cold = await gql(PAGE % LINKED)
    assert "errors" not in cold, cold["errors"]
    asked_once_each(sandbox, cold, (paths.list, "/api/v1/activityTypes", *LINKED_TYPES[api_version]))

    sandbox.control.clear()
    warm = await gql(PAGE % LINKED)
    asked_once_each(sandbox, warm, (paths.list, *LINKED_TYPES[api_version]))  # activity types are cached
    assert warm["data"] == cold["data"]

    rest_page = (await rest.get("/api/v1/activities", params={"user_id": "0", "limit": "100"})).json()["data"]
    nodes = cold["data"]["activities"]["nodes"]
    assert len(nodes) == 100
    assert by_id(nodes) == await expected_links(rest, rest_page)
    for field in ("person", "organization", "deal"):  # the page really links objects, and not all of them
        assert any(node[field] for node in nodes) and not all(node[field] for node in nodes), field


async def test_a_person_field_summaries_lack_costs_one_v2_batch_for_the_page(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox, api_version: ApiMode, paths: ActivityPaths
) -> None:
    await gql.data(PAGE % LINKED)  # warm the activity types
    sandbox.control.clear()
    body = await gql(PAGE % (LINKED + " personId person { orgId addTime firstName emails { value primary } }"))
    assert "errors" not in body, body["errors"]
    asked_once_each(sandbox, body, (paths.list, *({"/api/v2/persons"} | set(LINKED_TYPES[api_version]))))
    nodes = body["data"]["activities"]["nodes"]
    person_ids = {node["personId"] for node in nodes if node["personId"]}
    (batch,) = [r for r in sandbox.control.requests if r.path == "/api/v2/persons"]
    assert {int(i) for i in batch.query["ids"].split(",")} == person_ids  # all of the page's persons, once
    expected = await v2_by_id(rest, "persons", person_ids)
    for node in nodes:
        if node["personId"]:
            person, source = node["person"], expected[node["personId"]]
            assert person["orgId"] == source["org_id"] and person["firstName"] == source["first_name"]
            assert person["addTime"].replace("+00:00", "Z") == source["add_time"]
            assert person["emails"] == [{"value": e["value"], "primary": e["primary"]} for e in source["emails"]]


async def test_fields_missing_from_every_kind_of_summary_cost_one_call_per_kind(
    gql: GraphQLClient, sandbox: Sandbox, paths: ActivityPaths
) -> None:
    await gql.data(PAGE % LINKED)
    sandbox.control.clear()
    extra = (
        "owner { timezoneName } person { orgId } organization { addressLocality } deal { ownerId expectedCloseDate }"
    )
    body = await gql(PAGE % (LINKED + extra))
    assert "errors" not in body, body["errors"]
    asked_once_each(sandbox, body, (paths.list, *BATCHES))  # on v1 too: summaries lack these fields
    nodes = body["data"]["activities"]["nodes"]
    assert any(n["organization"] and n["organization"]["addressLocality"] for n in nodes)
    assert all(n["owner"]["timezoneName"] for n in nodes)
    assert all(n["deal"]["ownerId"] for n in nodes if n["deal"])


async def test_a_collection_page_costs_at_most_one_call_per_linked_type(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox, paths: ActivityPaths
) -> None:
    sandbox.control.clear()
    body = await gql(COLLECTION % (LINKED + " creator { name }"))
    assert "errors" not in body, body["errors"]
    endpoints = {
        paths.collection,
        "/api/v1/activityTypes",
        *BATCHES,
        "/api/v2/activities",  # v1: the `?ids=` batch of the fields `/collection` items lack
        *paths.admin_check,
    }
    for path in endpoints:
        assert sandbox.control.count("GET", path) <= 1, path
    assert sandbox.control.count() == calls(body) <= len(endpoints)
    assert {r.path for r in sandbox.control.requests} <= endpoints

    items = (await rest.get("/api/v1/activities/collection", params={"limit": "100"})).json()["data"]
    users = {u["id"]: u["name"] for u in (await rest.get("/api/v1/users")).json()["data"]}
    creators = {
        a["id"]: a["creator_user_id"]
        for a in (await rest.get("/api/v2/activities", params={"ids": ",".join(str(i["id"]) for i in items)})).json()[
            "data"
        ]
    }
    expected = await expected_links(rest, items)
    for pipedrive_id, node in by_id(body["data"]["activitiesCollection"]["nodes"]).items():
        assert node.pop("creator") == {"name": users[creators[pipedrive_id]]}
        assert node == expected[pipedrive_id]


async def test_participants_and_attendees_link_persons_and_users(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    query = PAGE % (
        "participants { personId primaryFlag person { name } } "
        "attendees { emailAddress personId person { name } userId user { name } }"
    )
    await gql.data(PAGE % "subject")
    sandbox.control.clear()
    body = await gql(query)
    assert "errors" not in body, body["errors"]
    assert sandbox.control.count("GET", "/api/v2/persons") == 1  # non-primary participants, attendees: one batch
    assert sandbox.control.count("GET", "/api/v1/users") <= 1
    nodes = body["data"]["activities"]["nodes"]
    links = [p for n in nodes for p in n["participants"]] + [a for n in nodes for a in n["attendees"]]
    persons = await v2_by_id(rest, "persons", {link["personId"] for link in links if link["personId"]})
    users = {u["id"]: u["name"] for u in (await rest.get("/api/v1/users")).json()["data"]}
    assert any(p["personId"] and not p["primaryFlag"] for n in nodes for p in n["participants"])
    for link in links:
        assert link["person"] == ({"name": persons[link["personId"]]["name"]} if link["personId"] else None)
        if "userId" in link:
            assert link["user"] == ({"name": users[link["userId"]]} if link["userId"] else None)


async def test_linked_objects_link_further(gql: GraphQLClient, sandbox: Sandbox) -> None:
    person = "person { organization { name owner { name } } owner { name } }"
    query = PAGE % f"{person} deal {{ person {{ name }} organization {{ name }} }}"
    body = await gql(query)
    assert "errors" not in body, body["errors"]
    nodes = body["data"]["activities"]["nodes"]
    assert any(n["person"] and n["person"]["organization"] for n in nodes)
    assert all(n["person"]["owner"]["name"] for n in nodes if n["person"])
    assert calls(body) <= 6  # page, types, users, one v2 batch per kind


async def test_denormalised_names_on_a_collection_page_come_from_batched_linked_loaders(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox, paths: ActivityPaths
) -> None:
    query = "{ activitiesCollection(first: 100) { nodes { pipedriveId ownerName personName orgName dealTitle } } }"
    body = await gql(query)
    assert "errors" not in body
    # the page + users, persons, organizations, deals (+ on v2 the token's own user: an admin?)
    assert body["extensions"]["upstream"]["calls"] <= 5 + len(paths.admin_check)
    for node in body["data"]["activitiesCollection"]["nodes"][:20]:
        full = (await rest.get(f"/api/v1/activities/{node['pipedriveId']}")).json()["data"]
        assert (node["ownerName"], node["personName"], node["orgName"], node["dealTitle"]) == (
            full["owner_name"],
            full["person_name"],
            full["org_name"],
            full["deal_title"],
        )
