"""Company 2's tokens never see company 1's rows; their ids behave exactly like unknown ids."""

import httpx
import pytest

from gateway.sandbox import OTHER_COMPANY_NONADMIN_TOKEN, Sandbox
from tests.sandbox.conftest import client_for, db_ids, walk_cursor

pytestmark = pytest.mark.anyio
UNKNOWN_ID = 999_999


async def test_lists_hold_only_the_own_company(other: httpx.AsyncClient, sandbox: Sandbox) -> None:
    expected = db_ids(sandbox, "company_id = 2 AND active_flag = 1")
    body = (await other.get("/api/v1/activities", params={"user_id": 0, "limit": 500})).json()
    assert [item["id"] for item in body["data"]] == expected
    assert {item["company_id"] for item in body["data"]} == {2}
    related_users = {int(key) for key in body["related_objects"]["user"]}
    assert related_users <= {6, 7, 8, 9, 10}
    items, _ = await walk_cursor(other, {"limit": 100})
    assert [item["id"] for item in items] == expected


async def test_ids_are_interleaved_across_companies(sandbox: Sandbox) -> None:
    # Otherwise a missing company filter could hide behind disjoint id ranges.
    first, second = db_ids(sandbox, "company_id = 1"), db_ids(sandbox, "company_id = 2")
    assert min(first) < max(second) and min(second) < max(first)


async def test_foreign_ids_look_unknown(other: httpx.AsyncClient, client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    foreign = db_ids(sandbox, "company_id = 1 AND active_flag = 1")[0]
    for method in ("GET", "PUT", "DELETE"):
        body = {"subject": "stolen"} if method == "PUT" else None
        theirs = await other.request(method, f"/api/v1/activities/{foreign}", json=body)
        unknown = await other.request(method, f"/api/v1/activities/{UNKNOWN_ID}", json=body)
        assert theirs.status_code == unknown.status_code == 404
        assert theirs.json() == unknown.json()
    untouched = (await client.get(f"/api/v1/activities/{foreign}")).json()["data"]
    assert untouched["active_flag"] is True and untouched["subject"] != "stolen"


@pytest.mark.parametrize("path", ["/api/v1/persons/1", "/api/v1/organizations/1", "/api/v1/deals/1"])
async def test_foreign_entities_look_unknown(other: httpx.AsyncClient, client: httpx.AsyncClient, path: str) -> None:
    assert (await client.get(path)).status_code == 200
    theirs = await other.get(path)
    unknown = await other.get(path.rsplit("/", 1)[0] + f"/{UNKNOWN_ID}")
    assert theirs.status_code == 404 and theirs.json() == unknown.json()


async def test_foreign_users(other: httpx.AsyncClient) -> None:
    assert [user["id"] for user in (await other.get("/api/v1/users")).json()["data"]] == [6, 7, 8, 9, 10]
    unknown = await other.get(f"/api/v1/users/{UNKNOWN_ID}")
    assert (await other.get("/api/v1/users/1")).json() == unknown.json()


async def test_v2_leaves_foreign_ids_out(other: httpx.AsyncClient, sandbox: Sandbox) -> None:
    mine = db_ids(sandbox, "company_id = 2 AND active_flag = 1")[:3]
    foreign = db_ids(sandbox, "company_id = 1 AND active_flag = 1")[:3]
    ids = ",".join(map(str, sorted(mine + foreign)))
    body = (await other.get("/api/v2/activities", params={"ids": ids})).json()
    assert [item["id"] for item in body["data"]] == mine
    persons = (await other.get("/api/v2/persons", params={"ids": "1,2,41,42"})).json()["data"]
    assert [person["id"] for person in persons] == [41, 42]
    assert (await other.get("/api/v2/organizations", params={"ids": "1,2"})).json()["data"] == []
    assert (await other.get("/api/v2/deals", params={"ids": "1,2"})).json()["data"] == []


async def test_writes_cannot_reach_across(other: httpx.AsyncClient, sandbox: Sandbox) -> None:
    foreign = db_ids(sandbox, "company_id = 1 AND active_flag = 1")[:2]
    body = (await other.delete("/api/v1/activities", params={"ids": ",".join(map(str, foreign))})).json()
    assert body["data"] == {"id": []}
    assert db_ids(sandbox, f"id IN ({foreign[0]}, {foreign[1]}) AND active_flag = 1") == foreign
    for reference in ({"person_id": 1}, {"org_id": 1}, {"deal_id": 1}, {"user_id": 1}):
        assert (await other.post("/api/v1/activities", json=reference)).status_code == 400


async def test_types_and_filters_are_per_company(other: httpx.AsyncClient) -> None:
    types = (await other.get("/api/v1/activityTypes")).json()["data"]
    assert min(item["id"] for item in types) > 8
    assert (await other.get("/api/v1/activities", params={"filter_id": 1})).status_code == 400
    assert (await other.get("/api/v1/activities", params={"filter_id": 4})).status_code == 200


async def test_new_activity_belongs_to_the_callers_company(other: httpx.AsyncClient, client: httpx.AsyncClient) -> None:
    created = (await other.post("/api/v1/activities", json={"person_id": 41})).json()["data"]
    assert created["company_id"] == 2 and created["user_id"] == 6
    assert (await client.get(f"/api/v1/activities/{created['id']}")).status_code == 404


async def test_other_companys_member_is_also_confined(sandbox: Sandbox) -> None:
    async with client_for(sandbox, OTHER_COMPANY_NONADMIN_TOKEN) as member:
        body = (await member.get("/api/v1/activities", params={"limit": 500})).json()
    assert body["data"] and {item["user_id"] for item in body["data"]} == {7}
