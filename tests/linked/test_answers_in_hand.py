"""What an upstream answer already holds is not fetched again in the same operation.

A v1 answer about one activity (GET, POST, PUT) carries `related_objects`: the owner, person,
organization and deal it links, by name. The gateway answers their names from it, so a single activity
with its linked names costs the one call that fetched or wrote it. v2 answers carry no
`related_objects`: there each linked kind costs one batched call.
"""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from gateway.config import ApiMode
from gateway.sandbox import Sandbox
from tests.linked.test_linked_pages import expected_links
from tests.support import GraphQLClient

pytestmark = pytest.mark.anyio

LINKED = "pipedriveId subject owner { name } person { name } organization { name } deal { title }"
ONE = "query ($id: ID!) { activity(id: $id) { " + LINKED + " } }"
ADD = "mutation ($input: AddActivityInput!) { addActivity(input: $input) { activity { " + LINKED + " } } }"
UPDATE = "mutation ($input: UpdateActivityInput!) { updateActivity(input: $input) { activity { " + LINKED + " } } }"
# v2: the activity, then one call each for the owner (/v1/users), the person, the organization, the deal.
LINKED_CALLS = {"v1": 0, "v2": 4}


async def fully_linked_activity(rest: httpx.AsyncClient) -> dict[str, Any]:
    """An activity of the token's own user in the demo data, with a person, an organization and a deal."""
    page = (await rest.get("/api/v1/activities", params={"limit": "500"})).json()["data"]
    return next(a for a in page if a["person_id"] and a["org_id"] and a["deal_id"])


def linked(node: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in node.items() if key not in ("pipedriveId", "subject")}


async def expected_names(rest: httpx.AsyncClient, activity: dict[str, Any]) -> dict[str, Any]:
    return linked(
        {k: v for k, v in (await expected_links(rest, [activity]))[activity["id"]].items() if k != "activityType"}
    )


def global_id(pipedrive_id: int) -> str:
    return base64.b64encode(f"Activity:{pipedrive_id}".encode()).decode()


async def test_one_activity_with_its_linked_names_costs_one_call(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox, api_version: ApiMode
) -> None:
    activity = await fully_linked_activity(rest)
    sandbox.control.clear()
    body = await gql(ONE, {"id": global_id(activity["id"])})
    assert "errors" not in body, body["errors"]
    assert body["extensions"]["upstream"]["calls"] == sandbox.control.count() == 1 + LINKED_CALLS[api_version]
    assert linked(body["data"]["activity"]) == await expected_names(rest, activity)


async def test_an_added_or_updated_activity_answers_its_linked_names_from_the_write(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox, api_version: ApiMode
) -> None:
    model = await fully_linked_activity(rest)
    await gql("{ activityTypes { keyString } }")  # the type is checked against the cached list: warm it
    sandbox.control.clear()
    links = {"personId": model["person_id"], "orgId": model["org_id"], "dealId": model["deal_id"]}
    added = await gql(ADD, {"input": {"subject": "In hand", "type": "call", **links}})
    assert "errors" not in added, added["errors"]
    write_calls = sandbox.control.count() - sandbox.control.count("GET")
    assert write_calls == 1
    assert added["extensions"]["upstream"]["calls"] == sandbox.control.count() == 1 + LINKED_CALLS[api_version]
    node = added["data"]["addActivity"]["activity"]
    assert linked(node) == await expected_names(rest, {**model, "id": node["pipedriveId"]})

    sandbox.control.clear()
    updated = await gql(UPDATE, {"input": {"id": global_id(node["pipedriveId"]), "subject": "Still in hand"}})
    assert "errors" not in updated, updated["errors"]
    assert updated["extensions"]["upstream"]["calls"] == sandbox.control.count() == 1 + LINKED_CALLS[api_version]
    assert linked(updated["data"]["updateActivity"]["activity"]) == linked(node)
