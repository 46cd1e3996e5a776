"""`auto`: v1 until the upstream retires it (410 Gone), then v2 for good, with no client noticing.

The sandbox retires its v1 activity endpoints while a client pages and writes: no GraphQL error,
every activity seen exactly once, every write made exactly once; the move is logged once, counted,
and shown by /readyz and `extensions.upstream.apiVersion`."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.config import ApiMode, Settings
from gateway.sandbox import Sandbox
from tests.mutations.support import ADD, live_ids
from tests.ops.conftest import sample
from tests.support import GraphQLClient, error_codes, running

from .support import PAGE

pytestmark = pytest.mark.anyio


@pytest.fixture
def api_version() -> ApiMode:
    return "auto"


async def test_retiring_v1_mid_walk_loses_nothing_and_writes_nothing_twice(
    gql: GraphQLClient,
    http: httpx.AsyncClient,
    rest: httpx.AsyncClient,
    sandbox: Sandbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    everything = sorted(await live_ids(rest))
    seen: list[int] = []
    versions: list[str] = []
    subjects: list[str] = []
    cursor: str | None = None
    for page_number in range(100):
        if page_number == 3:
            sandbox.retire_v1()
        body = await gql(PAGE, {"userId": 0, "first": 40, "after": cursor})
        assert "errors" not in body, body["errors"]
        versions.append(body["extensions"]["upstream"]["apiVersion"])
        connection = body["data"]["activities"]
        seen += [edge["node"]["pipedriveId"] for edge in connection["edges"]]
        subject = f"written during page {page_number}"
        added = await gql(ADD, {"input": {"subject": subject}})
        assert "errors" not in added and added["data"]["addActivity"]["userErrors"] == []
        subjects.append(subject)
        if not connection["pageInfo"]["hasNextPage"]:
            break
        cursor = connection["pageInfo"]["endCursor"]
    sandbox.control.v1_retired = False  # the checks below read the store through v1
    created = set(await live_ids(rest)) - set(everything)
    assert [i for i in seen if i in everything] == everything  # every activity once, in order
    assert len(seen) == len(set(seen))
    assert versions[:3] == ["v1"] * 3 and set(versions[3:]) == {"v2"}
    stored_subjects = [item["subject"] for item in await _activities(rest, created)]
    assert sorted(stored_subjects) == sorted(subjects)  # each write made exactly once
    assert sandbox.control.count("POST", "/api/v1/activities") == 3  # the three before the move
    moves = [r for r in caplog.records if r.name == "gateway.api_version" and r.levelno == logging.WARNING]
    assert len(moves) == 1
    assert (await http.get("/readyz")).json() == {"status": "ready", "apiVersion": "v2"}
    metrics = (await http.get("/metrics")).text
    assert sample(metrics, "gateway_upstream_api_version_switches_total", version="v2") == 1
    assert sample(metrics, "gateway_upstream_api_version", version="v2") == 1


async def _activities(rest: httpx.AsyncClient, ids: set[int]) -> list[dict[str, Any]]:
    return [(await rest.get(f"/api/v1/activities/{i}")).json()["data"] for i in sorted(ids)]


async def test_the_write_that_meets_the_410_is_sent_once_to_v2(gql: GraphQLClient, sandbox: Sandbox) -> None:
    sandbox.retire_v1()
    sandbox.control.clear()
    body = await gql(ADD, {"input": {"subject": "first after the retirement"}})
    assert "errors" not in body and body["data"]["addActivity"]["activity"]["subject"] == "first after the retirement"
    assert [(r.method, r.path, r.status) for r in sandbox.control.requests if r.method == "POST"] == [
        ("POST", "/api/v1/activities", 410),
        ("POST", "/api/v2/activities", 200),
    ]
    assert body["extensions"]["upstream"]["apiVersion"] == "v2"


COLLECTION = """
query($after: String) {
  activitiesCollection(first: 30, after: $after) { edges { node { pipedriveId } } pageInfo { hasNextPage endCursor } }
}
"""


async def test_a_collection_cursor_from_v1_goes_on_after_the_move(
    gql: GraphQLClient, rest: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    before = (await gql.data(COLLECTION))["activitiesCollection"]
    all_ids = [e["node"]["pipedriveId"] for e in before["edges"]]
    cursor = before["pageInfo"]["endCursor"]
    sandbox.retire_v1()
    while cursor is not None:
        page = (await gql.data(COLLECTION, {"after": cursor}))["activitiesCollection"]
        all_ids += [e["node"]["pipedriveId"] for e in page["edges"]]
        cursor = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    sandbox.control.v1_retired = False
    everything = [
        item["id"] for item in (await rest.get("/api/v1/activities/collection", params={"limit": "500"})).json()["data"]
    ]
    assert all_ids == everything


async def test_a_v1_cursor_of_a_list_ordered_otherwise_on_v2_asks_to_start_again(
    gql: GraphQLClient, sandbox: Sandbox
) -> None:
    dated = {"userId": 0, "first": 10, "startDate": "2024-12-01"}
    cursor = (await gql.data(PAGE, dated))["activities"]["pageInfo"]["endCursor"]
    sandbox.retire_v1()
    body = await gql(PAGE, dated | {"after": cursor})
    assert error_codes(body) == ["BAD_USER_INPUT"] and "start paging again" in body["errors"][0]["message"]


async def test_pinned_to_v1_a_retired_upstream_says_what_to_do(sandbox: Sandbox) -> None:
    sandbox.retire_v1()
    async with running(create_app(Settings(api_version="v1"), sandbox=sandbox)) as http:
        body = await GraphQLClient(http)(PAGE, {"first": 1})
        readyz = (await http.get("/readyz")).json()
    assert error_codes(body) == ["UPSTREAM_ERROR"] and "--api-version" in body["errors"][0]["message"]
    assert readyz == {"status": "ready", "apiVersion": "v1"}
