"""Every filter of GET /v1/activities and /v1/activities/collection, against the database."""

from typing import Any

import httpx
import pytest

from gateway.sandbox import DEMO_NONADMIN_TOKEN, Sandbox
from tests.sandbox.conftest import client_for, db_ids

pytestmark = pytest.mark.anyio
ACTIVE_1 = "company_id = 1 AND active_flag = 1"


async def list_ids(client: httpx.AsyncClient, **params: Any) -> list[int]:
    response = await client.get("/api/v1/activities", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    assert response.json()["additional_data"]["pagination"]["more_items_in_collection"] is False
    return [item["id"] for item in response.json()["data"] or []]


async def collection_ids(client: httpx.AsyncClient, **params: Any) -> list[int]:
    response = await client.get("/api/v1/activities/collection", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    assert response.json()["additional_data"]["next_cursor"] is None
    return [item["id"] for item in response.json()["data"] or []]


async def test_user_id_omitted_is_the_callers_own(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    expected = db_ids(sandbox, f"{ACTIVE_1} AND user_id = 1")
    assert expected and await list_ids(client) == expected
    async with client_for(sandbox, DEMO_NONADMIN_TOKEN) as member:
        assert await list_ids(member) == db_ids(sandbox, f"{ACTIVE_1} AND user_id = 2")


async def test_user_id_zero_is_everyone_and_a_number_is_that_user(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    assert await list_ids(client, user_id=0) == db_ids(sandbox, ACTIVE_1)
    expected = db_ids(sandbox, f"{ACTIVE_1} AND user_id = 3")
    assert expected and await list_ids(client, user_id=3) == expected


async def test_type_filter(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    expected = db_ids(sandbox, f"{ACTIVE_1} AND type IN ('call', 'meeting')")
    assert expected and await list_ids(client, user_id=0, type="call,meeting") == expected
    assert await list_ids(client, user_id=0, type="fax") == db_ids(sandbox, f"{ACTIVE_1} AND type = 'fax'")


@pytest.mark.parametrize(("value", "done"), [("0", 0), ("1", 1)])
async def test_done_filter(client: httpx.AsyncClient, sandbox: Sandbox, value: str, done: int) -> None:
    expected = db_ids(sandbox, f"{ACTIVE_1} AND done = ?", (done,))
    assert expected and await list_ids(client, user_id=0, done=value) == expected


async def test_date_range_on_due_date(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    expected = db_ids(sandbox, f"{ACTIVE_1} AND due_date BETWEEN '2024-12-01' AND '2025-01-31'")
    got = await list_ids(client, user_id=0, start_date="2024-12-01", end_date="2025-01-31")
    assert expected and got == expected
    after = db_ids(sandbox, f"{ACTIVE_1} AND due_date >= '2025-02-01'")
    assert after and await list_ids(client, user_id=0, start_date="2025-02-01") == after
    before = db_ids(sandbox, f"{ACTIVE_1} AND due_date <= '2024-10-01'")
    assert before and await list_ids(client, user_id=0, end_date="2024-10-01") == before


async def test_combined_filters(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    condition = "user_id = 1 AND done = 0 AND type = 'call' AND due_date >= '2025-01-06'"
    expected = db_ids(sandbox, f"{ACTIVE_1} AND {condition}")
    assert expected
    assert await list_ids(client, done=0, type="call", start_date="2025-01-06") == expected


async def test_saved_filters(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    open_calls = db_ids(sandbox, f"{ACTIVE_1} AND type IN ('call', 'meeting') AND done = 0")
    assert open_calls and await list_ids(client, filter_id=1) == open_calls
    assert await list_ids(client, filter_id=2) == db_ids(sandbox, f"{ACTIVE_1} AND done = 1")
    assert await list_ids(client, filter_id=3) == db_ids(sandbox, f"{ACTIVE_1} AND user_id = 1")


async def test_saved_filter_narrows_a_user_id(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    expected = db_ids(sandbox, f"{ACTIVE_1} AND done = 1 AND user_id = 4")
    assert expected and await list_ids(client, filter_id=2, user_id=4) == expected
    assert await list_ids(client, filter_id=3, user_id=4) == []


async def test_collection_user_done_type(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    assert await collection_ids(client) == db_ids(sandbox, ACTIVE_1)
    assert await collection_ids(client, user_id=3) == db_ids(sandbox, f"{ACTIVE_1} AND user_id = 3")
    assert await collection_ids(client, done="true") == db_ids(sandbox, f"{ACTIVE_1} AND done = 1")
    assert await collection_ids(client, done="false") == db_ids(sandbox, f"{ACTIVE_1} AND done = 0")
    expected = db_ids(sandbox, f"{ACTIVE_1} AND type IN ('task', 'email')")
    assert expected and await collection_ids(client, type="task,email") == expected


@pytest.mark.parametrize(
    ("since", "until"),
    [
        ("2024-11-01 00:00:00", "2024-12-15 12:00:00"),
        ("2024-11-01T00:00:00Z", "2024-12-15T12:00:00Z"),
        ("2024-11-01T02:00:00+02:00", "2024-12-15T07:00:00-05:00"),
    ],
)
async def test_collection_since_until(client: httpx.AsyncClient, sandbox: Sandbox, since: str, until: str) -> None:
    between = "update_time BETWEEN '2024-11-01 00:00:00' AND '2024-12-15 12:00:00'"
    expected = db_ids(sandbox, f"{ACTIVE_1} AND {between}")
    assert expected and await collection_ids(client, since=since, until=until) == expected


async def test_collection_since_alone(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    expected = db_ids(sandbox, f"{ACTIVE_1} AND update_time >= '2025-01-01 00:00:00'")
    assert expected and await collection_ids(client, since="2025-01-01") == expected
