"""`GET /api/v2/activities`: filters, sorts, keyset cursors, include_fields, errors and cost."""

import base64
import itertools
import json
from typing import Any

import httpx
import pytest

from gateway.sandbox import Sandbox
from tests.sandbox.conftest import db_ids
from tests.sandbox.test_errors import assert_v2_bad_request

pytestmark = pytest.mark.anyio
PATH = "/api/v2/activities"
COMPANY = "company_id = 1 AND active_flag = 1"
SORTS = ("id", "update_time", "add_time", "due_date")
MAX_PAGES = 800


def expected_order(sandbox: Sandbox, sort_by: str, direction: str) -> list[int]:
    """The company's active activities in the documented order: ties by id, undated last ascending."""
    rows = sandbox.store.database.rows(f"SELECT id, {sort_by} AS key FROM activities WHERE {COMPANY}")
    ordered = sorted(rows, key=lambda row: (row["key"] is None, row["key"] or "", row["id"]))
    ids = [row["id"] for row in ordered]
    return ids[::-1] if direction == "desc" else ids


def encode(raw: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")


async def walk(
    client: httpx.AsyncClient, params: dict[str, str], limits: list[int]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Every item following next_cursor, page sizes taken in turn from `limits`; and the cursors."""
    items: list[dict[str, Any]] = []
    cursors: list[str] = []
    cursor: str | None = None
    for page, limit in enumerate(itertools.cycle(limits)):
        assert page < MAX_PAGES, "the cursors do not reach the end"
        query = {**params, "limit": str(limit), **({"cursor": cursor} if cursor else {})}
        response = await client.get(PATH, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["data"]) <= limit
        items.extend(body["data"])
        cursor = body["additional_data"]["next_cursor"]
        if cursor is None:
            return items, cursors
        assert len(body["data"]) == limit
        cursors.append(cursor)
    raise AssertionError("unreachable")


async def listed_ids(client: httpx.AsyncClient, **params: str) -> list[int]:
    items, _ = await walk(client, params, [500])
    return [item["id"] for item in items]


@pytest.mark.parametrize(("sort_by", "direction"), list(itertools.product(SORTS, ("asc", "desc"))))
async def test_walks_see_everything_once_in_order(
    client: httpx.AsyncClient, sandbox: Sandbox, sort_by: str, direction: str
) -> None:
    expected = expected_order(sandbox, sort_by, direction)
    items, cursors = await walk(client, {"sort_by": sort_by, "sort_direction": direction}, [37, 5, 120, 1, 64])
    assert [item["id"] for item in items] == expected
    assert len(expected) > 300 and len(set(cursors)) == len(cursors)


async def test_the_default_is_id_ascending_by_pages_of_100(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    body = (await client.get(PATH)).json()
    assert [item["id"] for item in body["data"]] == db_ids(sandbox, COMPANY)[:100]
    explicit = (await client.get(PATH, params={"sort_by": "id", "sort_direction": "asc", "limit": "100"})).json()
    assert explicit == body and isinstance(body["additional_data"]["next_cursor"], str)


@pytest.mark.parametrize("sort_by", SORTS)
async def test_the_same_next_item_gives_the_same_cursor_whatever_the_page_size(
    client: httpx.AsyncClient, sort_by: str
) -> None:
    _, by_tens = await walk(client, {"sort_by": sort_by, "sort_direction": "desc"}, [10])
    _, by_fives = await walk(client, {"sort_by": sort_by, "sort_direction": "desc"}, [5])
    assert by_tens == by_fives[1::2]


async def test_undated_activities_come_last_ascending_and_first_descending(client: httpx.AsyncClient) -> None:
    ascending, _ = await walk(client, {"sort_by": "due_date"}, [500])
    descending, _ = await walk(client, {"sort_by": "due_date", "sort_direction": "desc"}, [500])
    undated = sum(1 for item in ascending if item["due_date"] is None)
    assert undated > 0
    assert all(item["due_date"] is None for item in ascending[-undated:])
    assert all(item["due_date"] is None for item in descending[:undated])
    dated = [item["due_date"] for item in ascending[:-undated]]
    assert dated == sorted(dated) and None not in dated


async def test_ties_are_ordered_by_id_in_the_sort_direction(client: httpx.AsyncClient) -> None:
    for direction in ("asc", "desc"):
        items, _ = await walk(client, {"sort_by": "due_date", "sort_direction": direction}, [500])
        groups = [[item["id"] for item in group] for _, group in itertools.groupby(items, lambda i: i["due_date"])]
        tied = [ids for ids in groups if len(ids) > 1]
        assert tied and all(ids == sorted(ids, reverse=direction == "desc") for ids in tied)


@pytest.mark.parametrize(
    ("param", "column"),
    [("owner_id", "user_id"), ("deal_id", "deal_id"), ("person_id", "person_id"), ("org_id", "org_id")],
)
async def test_filters_by_link(client: httpx.AsyncClient, sandbox: Sandbox, param: str, column: str) -> None:
    value = sandbox.store.database.scalar(
        f"SELECT {column} FROM activities WHERE {COMPANY} AND {column} IS NOT NULL "
        f"GROUP BY {column} ORDER BY COUNT(*) DESC LIMIT 1"
    )
    expected = db_ids(sandbox, f"{COMPANY} AND {column} = ?", (value,))
    assert len(expected) > 1
    assert await listed_ids(client, **{param: str(value)}) == expected


async def test_person_id_is_the_primary_participant(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    row = sandbox.store.database.row(
        f"SELECT id, participants FROM activities WHERE {COMPANY} AND json_array_length(participants) > 1"
    )
    assert row is not None
    other = next(p["person_id"] for p in json.loads(row["participants"]) if not p["primary_flag"])
    listed = await listed_ids(client, person_id=str(other))
    assert listed == db_ids(sandbox, f"{COMPANY} AND person_id = ?", (other,))
    assert row["id"] not in listed


async def test_filters_by_lead(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    lead = sandbox.store.database.scalar(f"SELECT lead_id FROM activities WHERE {COMPANY} AND lead_id IS NOT NULL")
    assert await listed_ids(client, lead_id=lead) == db_ids(sandbox, f"{COMPANY} AND lead_id = ?", (lead,))
    assert await listed_ids(client, lead_id="not-a-lead") == []


@pytest.mark.parametrize(("value", "done"), [("true", 1), ("false", 0)])
async def test_filters_by_done(client: httpx.AsyncClient, sandbox: Sandbox, value: str, done: int) -> None:
    expected = db_ids(sandbox, f"{COMPANY} AND done = ?", (done,))
    assert await listed_ids(client, done=value) == expected and expected


async def test_updated_since_is_inclusive_and_updated_until_exclusive(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    moment = sandbox.store.database.scalar(
        f"SELECT update_time FROM activities WHERE {COMPANY} ORDER BY update_time LIMIT 1 OFFSET 150"
    )
    since = db_ids(sandbox, f"{COMPANY} AND update_time >= ?", (moment,))
    until = db_ids(sandbox, f"{COMPANY} AND update_time < ?", (moment,))
    rfc3339 = moment.replace(" ", "T") + "Z"
    assert await listed_ids(client, updated_since=rfc3339) == since
    assert await listed_ids(client, updated_until=rfc3339) == until
    assert sorted(since + until) == db_ids(sandbox, COMPANY)
    hour, rest = int(moment[11:13]), moment[13:]
    if hour < 22:
        shifted = f"{moment[:10]}T{hour + 2:02d}{rest}+02:00"
        assert await listed_ids(client, updated_since=shifted) == since
    window = await listed_ids(client, updated_since=rfc3339, updated_until=rfc3339)
    assert window == []


async def test_filter_id_uses_the_saved_filter_and_ignores_the_direct_filters(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    open_calls = db_ids(sandbox, f"{COMPANY} AND done = 0 AND type IN ('call', 'meeting')")
    assert await listed_ids(client, filter_id="1") == open_calls
    ignored = {"owner_id": "4", "deal_id": "1", "person_id": "2", "org_id": "3", "lead_id": "x", "ids": "1,2"}
    assert await listed_ids(client, filter_id="1", **ignored) == open_calls
    done_since = db_ids(sandbox, f"{COMPANY} AND done = 1 AND user_id = 1")
    assert await listed_ids(client, filter_id="3", done="true") == done_since
    assert_v2_bad_request(await client.get(PATH, params={"filter_id": "4"}))


async def test_ids_leave_out_unknown_foreign_and_deleted(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    mine = db_ids(sandbox, COMPANY)[:3]
    foreign = db_ids(sandbox, "company_id = 2")[:2]
    deleted = db_ids(sandbox, "company_id = 1 AND active_flag = 0")[:2]
    ids = ",".join(map(str, [999_999, *foreign, *deleted, *reversed(mine)]))
    assert await listed_ids(client, ids=ids) == mine
    assert await listed_ids(client, ids=ids, sort_direction="desc") == mine[::-1]
    assert await listed_ids(client, ids=ids, owner_id="999") == []


async def test_deleted_activities_are_not_listed(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    listed = set(await listed_ids(client))
    assert listed == set(db_ids(sandbox, COMPANY))
    assert not listed & set(db_ids(sandbox, "active_flag = 0"))


async def test_empty_answer(client: httpx.AsyncClient) -> None:
    response = await client.get(PATH, params={"owner_id": "999"})
    assert response.json() == {"success": True, "data": [], "additional_data": {"next_cursor": None}}


async def test_attendees_only_when_included(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    ids = ",".join(map(str, db_ids(sandbox, f"{COMPANY} AND attendees IS NOT NULL")[:5]))
    plain = (await client.get(PATH, params={"ids": ids})).json()["data"]
    included = (await client.get(PATH, params={"ids": ids, "include_fields": "attendees"})).json()["data"]
    assert len(plain) == len(included) == 5
    assert all("attendees" not in item for item in plain)
    assert all(item["attendees"] for item in included)
    assert [{k: v for k, v in item.items() if k != "attendees"} for item in included] == plain
    assert_v2_bad_request(await client.get(PATH, params={"include_fields": "attendees,notes"}))


@pytest.mark.parametrize(
    "params",
    [
        {"sort_by": "subject"},
        {"sort_direction": "down"},
        {"limit": "0"},
        {"limit": "501"},
        {"done": "maybe"},
        {"owner_id": "me"},
        {"updated_since": "2025-01-01"},
        {"updated_since": "2025-01-01 10:20:00"},
        {"updated_until": "2025-13-01T10:20:00Z"},
        {"filter_id": "x"},
        {"ids": ",".join(str(n) for n in range(1, 102))},
        {"cursor": "not-a-cursor"},
        {"cursor": encode({"after_id": 5})},
        {"cursor": encode({"field": "id", "fieldValue": "7", "sortDirection": "asc", "id": 7})},
        {
            "cursor": encode({"field": "due_date", "fieldValue": 7, "sortDirection": "asc", "id": 7}),
            "sort_by": "due_date",
        },
    ],
)
async def test_malformed_parameters(client: httpx.AsyncClient, params: dict[str, str]) -> None:
    assert_v2_bad_request(await client.get(PATH, params=params))


@pytest.mark.parametrize(
    ("made_for", "used_with"),
    [
        ({"sort_by": "due_date"}, {"sort_by": "add_time"}),
        ({"sort_by": "due_date"}, {"sort_by": "due_date", "sort_direction": "desc"}),
        ({}, {"sort_direction": "desc"}),
        ({"sort_by": "update_time", "sort_direction": "desc"}, {}),
    ],
)
async def test_a_cursor_made_for_another_order_is_refused(
    client: httpx.AsyncClient, made_for: dict[str, str], used_with: dict[str, str]
) -> None:
    cursor = (await client.get(PATH, params={**made_for, "limit": "3"})).json()["additional_data"]["next_cursor"]
    assert (await client.get(PATH, params={**made_for, "cursor": cursor})).status_code == 200
    assert_v2_bad_request(await client.get(PATH, params={**used_with, "cursor": cursor}))


async def test_companies_see_only_their_own(other: httpx.AsyncClient, sandbox: Sandbox) -> None:
    assert await listed_ids(other) == db_ids(sandbox, "company_id = 2 AND active_flag = 1")


async def test_costs_ten_tokens(client: httpx.AsyncClient) -> None:
    first = await client.get(PATH, params={"limit": "1"})
    second = await client.get(PATH, params={"limit": "500", "sort_by": "due_date"})
    spent = int(first.headers["x-daily-ratelimit-token-remaining"]) - int(
        second.headers["x-daily-ratelimit-token-remaining"]
    )
    assert spent == 10
