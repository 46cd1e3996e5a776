"""Token isolation under load: hundreds of concurrent requests with the tokens of two companies (API
tokens and an OAuth bearer), all asking the same things at once so that any cache, loader or
in-flight GET shared across tokens would leak; no response may hold the other company's data."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.config import Settings
from gateway.sandbox import (
    DEMO_COMPANY_ID,
    DEMO_NONADMIN_TOKEN,
    DEMO_OAUTH_TOKEN,
    DEMO_TOKEN,
    OTHER_COMPANY_ID,
    OTHER_COMPANY_NONADMIN_TOKEN,
    OTHER_COMPANY_TOKEN,
    Sandbox,
)
from tests.support import GraphQLClient, running

pytestmark = pytest.mark.anyio

REQUESTS = 300
CONCURRENCY = 60

QUERY = """
query Mixed($mine: ID!, $theirs: ID!) {
  activities(first: 25, userId: 0) {
    nodes { pipedriveId companyId owner { pipedriveId } activityType { pipedriveId } }
  }
  activityTypes(includeInactive: true) { pipedriveId }
  mine: activity(id: $mine) { pipedriveId companyId }
  theirs: activity(id: $theirs) { pipedriveId }
}
"""


@dataclass(frozen=True)
class Caller:
    headers: dict[str, str]
    company: int


OTHER = {DEMO_COMPANY_ID: OTHER_COMPANY_ID, OTHER_COMPANY_ID: DEMO_COMPANY_ID}
CALLERS = [
    Caller({"x-api-token": DEMO_TOKEN}, DEMO_COMPANY_ID),
    Caller({"authorization": f"Bearer {DEMO_OAUTH_TOKEN}"}, DEMO_COMPANY_ID),
    Caller({"x-api-token": DEMO_NONADMIN_TOKEN}, DEMO_COMPANY_ID),
    Caller({"x-api-token": OTHER_COMPANY_TOKEN}, OTHER_COMPANY_ID),
    Caller({"x-api-token": OTHER_COMPANY_NONADMIN_TOKEN}, OTHER_COMPANY_ID),
]


def ids_by_company(sandbox: Sandbox, table: str) -> dict[int, set[int]]:
    owned: dict[int, set[int]] = {DEMO_COMPANY_ID: set(), OTHER_COMPANY_ID: set()}
    for row in sandbox.store.database.rows(f"SELECT id, company_id FROM {table}"):
        owned[row["company_id"]].add(row["id"])
    return owned


def check(body: dict[str, Any], caller: Caller, sandbox_ids: dict[str, dict[int, set[int]]]) -> None:
    assert "errors" not in body, body["errors"]
    data, company = body["data"], caller.company
    for node in data["activities"]["nodes"]:
        assert node["companyId"] == company
        assert node["pipedriveId"] in sandbox_ids["activities"][company]
        assert node["owner"] is None or node["owner"]["pipedriveId"] in sandbox_ids["users"][company]
        assert (
            node["activityType"] is None
            or node["activityType"]["pipedriveId"] in sandbox_ids["activity_types"][company]
        )
    assert {t["pipedriveId"] for t in data["activityTypes"]} <= sandbox_ids["activity_types"][company]
    assert data["mine"]["companyId"] == company
    assert data["theirs"] is None


async def test_no_response_holds_another_companys_data(gql: GraphQLClient, sandbox: Sandbox) -> None:
    sandbox.control.latency_ms = 2  # keeps identical upstream GETs of different tokens in flight together
    owned = {table: ids_by_company(sandbox, table) for table in ("activities", "users", "activity_types")}
    rng = random.Random(7)
    limit = asyncio.Semaphore(CONCURRENCY)

    async def one(caller: Caller) -> None:
        mine = rng.choice(sorted(owned["activities"][caller.company])[:40])
        theirs = rng.choice(sorted(owned["activities"][OTHER[caller.company]])[:40])
        async with limit:
            body = await gql(QUERY, {"mine": str(mine), "theirs": str(theirs)}, headers=caller.headers)
        check(body, caller, owned)

    await asyncio.gather(*(one(CALLERS[i % len(CALLERS)]) for i in range(REQUESTS)))
    assert {r.status for r in sandbox.control.requests} == {200}


async def test_a_cookie_one_tokens_answer_sets_never_reaches_another_tokens_request() -> None:
    sent_cookies: list[str | None] = []

    def upstream(request: httpx.Request) -> httpx.Response:
        sent_cookies.append(request.headers.get("cookie"))
        types = [{"id": 1, "name": "Call", "key_string": "call", "active_flag": True}]
        headers = {"set-cookie": "session=first-token-session; Path=/; Domain=pipedrive.test"}
        return httpx.Response(200, json={"success": True, "data": types}, headers=headers)

    settings = Settings(upstream_url="https://company.pipedrive.test/api")
    async with running(create_app(settings, httpx.MockTransport(upstream))) as client:
        for token in ("a" * 40, "b" * 40):  # activity types are cached per token: one upstream call each
            answer = await client.post(
                "/graphql", json={"query": "{ activityTypes { name } }"}, headers={"x-api-token": token}
            )
            assert answer.json()["data"] == {"activityTypes": [{"name": "Call"}]}
    assert sent_cookies == [None, None]
