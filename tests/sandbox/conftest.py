"""Fixtures for the sandbox tests: a fresh in-memory sandbox per test and clients into it."""

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.sandbox import DEMO_TOKEN, OTHER_COMPANY_TOKEN, SEED_TEST_DAY, Sandbox

BASE_URL = "http://sandbox"
FIELDS_FILE = Path(__file__).parent / "data" / "activity-fields.json"
"""A copy of pipedrive/activity-fields.json, the documented field list."""


def documented_fields(entity: str = "activity") -> list[dict[str, Any]]:
    """The documented fields of "activity" or "activity_type"."""
    fields: list[dict[str, Any]] = json.loads(FIELDS_FILE.read_text())[entity]
    return fields


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox(db_path=":memory:", seed_day=SEED_TEST_DAY)
    yield box
    box.close()


def client_for(sandbox: Sandbox, token: str | None = DEMO_TOKEN) -> httpx.AsyncClient:
    headers = {"x-api-token": token} if token else {}
    return httpx.AsyncClient(transport=sandbox.transport(), base_url=BASE_URL, headers=headers)


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    """Company 1's global admin."""
    async with client_for(sandbox) as http:
        yield http


@pytest.fixture
async def other(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    """Company 2's global admin."""
    async with client_for(sandbox, OTHER_COMPANY_TOKEN) as http:
        yield http


def db_ids(sandbox: Sandbox, where: str, params: tuple[Any, ...] = ()) -> list[int]:
    """Ids of activities matching a SQL condition, straight from the database."""
    rows = sandbox.store.database.rows(f"SELECT id FROM activities WHERE {where} ORDER BY id", params)
    return [row["id"] for row in rows]


async def walk_offset(client: httpx.AsyncClient, params: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """Every activity of GET /v1/activities following next_start; and the number of pages."""
    items: list[dict[str, Any]] = []
    start, pages = 0, 0
    while True:
        response = await client.get("/api/v1/activities", params={**params, "start": start})
        assert response.status_code == 200, response.text
        body = response.json()
        pages += 1
        items.extend(body["data"] or [])
        pagination = body["additional_data"]["pagination"]
        if not pagination["more_items_in_collection"]:
            assert "next_start" not in pagination
            return items, pages
        start = pagination["next_start"]


async def walk_cursor(client: httpx.AsyncClient, params: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """Every activity of GET /v1/activities/collection following next_cursor; and the page count."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    pages = 0
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get("/api/v1/activities/collection", params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        pages += 1
        items.extend(body["data"] or [])
        cursor = body["additional_data"]["next_cursor"]
        if cursor is None:
            return items, pages
