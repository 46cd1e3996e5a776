"""Both paginations walked to the end: each activity exactly once, counts matching the database."""

import math

import httpx
import pytest

from gateway.sandbox import Sandbox
from tests.sandbox.conftest import db_ids, walk_cursor, walk_offset

pytestmark = pytest.mark.anyio


async def test_offset_walk_sees_everything_once(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    expected = db_ids(sandbox, "company_id = 1 AND active_flag = 1")
    items, pages = await walk_offset(client, {"user_id": 0, "limit": 37})
    ids = [item["id"] for item in items]
    assert len(expected) >= 300
    assert ids == expected and len(set(ids)) == len(ids)
    assert pages == math.ceil(len(expected) / 37)


async def test_offset_walk_with_a_filter(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    expected = db_ids(sandbox, "company_id = 1 AND active_flag = 1 AND done = 0")
    items, _ = await walk_offset(client, {"user_id": 0, "done": 0, "limit": 25})
    assert [item["id"] for item in items] == expected


async def test_cursor_walk_sees_everything_once(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    expected = db_ids(sandbox, "company_id = 1 AND active_flag = 1")
    items, pages = await walk_cursor(client, {"limit": 50})
    ids = [item["id"] for item in items]
    assert ids == expected and len(set(ids)) == len(ids)
    assert pages == math.ceil(len(expected) / 50)


async def test_cursor_walk_with_filters(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    expected = db_ids(sandbox, "company_id = 1 AND active_flag = 1 AND done = 1 AND type = 'call'")
    items, _ = await walk_cursor(client, {"limit": 10, "done": "true", "type": "call"})
    assert [item["id"] for item in items] == expected


async def test_default_page_size_is_100(client: httpx.AsyncClient) -> None:
    listed = (await client.get("/api/v1/activities", params={"user_id": 0})).json()
    assert len(listed["data"]) == 100
    assert listed["additional_data"]["pagination"] == {
        "start": 0,
        "limit": 100,
        "more_items_in_collection": True,
        "next_start": 100,
    }
    collected = (await client.get("/api/v1/activities/collection")).json()
    assert len(collected["data"]) == 100 and collected["additional_data"]["next_cursor"]


async def test_maximum_page_size_is_500(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    everything = db_ids(sandbox, "company_id = 1 AND active_flag = 1")
    listed = (await client.get("/api/v1/activities", params={"user_id": 0, "limit": 500})).json()
    assert len(listed["data"]) == len(everything)
    assert listed["additional_data"]["pagination"]["more_items_in_collection"] is False


async def test_exact_last_page_has_no_next(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    total = len(db_ids(sandbox, "company_id = 1 AND active_flag = 1"))
    params = {"user_id": 0, "start": total - 10, "limit": 10}
    body = (await client.get("/api/v1/activities", params=params)).json()
    assert len(body["data"]) == 10
    assert body["additional_data"]["pagination"] == {
        "start": total - 10,
        "limit": 10,
        "more_items_in_collection": False,
    }


async def test_start_past_the_end_is_empty(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/v1/activities", params={"user_id": 0, "start": 5000})).json()
    assert body["data"] is None


async def test_writes_between_pages_do_not_repeat_items(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    first = (await client.get("/api/v1/activities/collection", params={"limit": 100})).json()
    seen = [item["id"] for item in first["data"]]
    await client.put(f"/api/v1/activities/{seen[0]}", json={"subject": "Edited mid-walk"})
    await client.post("/api/v1/activities", json={"subject": "Added mid-walk"})
    rest, _ = await walk_cursor(client, {"limit": 100, "cursor": first["additional_data"]["next_cursor"]})
    ids = seen + [item["id"] for item in rest]
    assert ids == db_ids(sandbox, "company_id = 1 AND active_flag = 1")
