"""A write refreshes the request's loaders: reads that follow it in the same request see the write.

One `Context` is what one HTTP request gets (its loaders cache by id); here the same context serves a
read, then a write, then the read again, as the operations of one request would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import strawberry

from gateway.activities import ApiVersion
from gateway.config import ApiMode, Settings
from gateway.context import Context
from gateway.loaders import NullLoaderObserver, SharedCaches
from gateway.loaders.cache import TTLCache
from gateway.sandbox import DEMO_TOKEN, Sandbox
from gateway.schema import build_schema
from gateway.upstream import Credentials, UpstreamTransport
from gateway.upstream.retry import RetryPolicy

from .support import live_ids

pytestmark = pytest.mark.anyio

READ = "query($id: ID!) { activity(id: $id) { subject note dueTime } }"
UPDATE = """
mutation($id: ID!) { updateActivity(input: {id: $id, subject: "Fresh", note: "<p>fresh</p>"}) { activity { subject } } }
"""
DELETE = "mutation($id: ID!) { deleteActivity(input: {id: $id}) { deletedActivityId } }"


@pytest.fixture
async def context(sandbox: Sandbox, api_version: ApiMode) -> AsyncIterator[Context]:
    async with httpx.AsyncClient(transport=sandbox.transport(), base_url="http://sandbox/api") as http:
        yield Context(
            settings=Settings(api_version=api_version),
            credentials=Credentials(DEMO_TOKEN),
            transport=UpstreamTransport(http, RetryPolicy()),
            request_id="test",
            shared=SharedCaches(activity_types=TTLCache(300.0), me=TTLCache(300.0)),
            loader_observer=NullLoaderObserver(),
            api_version=ApiVersion(api_version),
        )


async def run(schema: strawberry.Schema, context: Context, query: str, activity_id: int) -> dict[str, Any]:
    result = await schema.execute(query, variable_values={"id": str(activity_id)}, context_value=context)
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


async def test_a_read_after_an_update_in_the_same_request_sees_the_update(
    context: Context, sandbox: Sandbox, rest: httpx.AsyncClient
) -> None:
    schema = build_schema()
    activity_id = min(await live_ids(rest))
    before = (await run(schema, context, READ, activity_id))["activity"]
    assert before["subject"] != "Fresh"
    await run(schema, context, UPDATE, activity_id)
    sandbox.control.clear()
    after = (await run(schema, context, READ, activity_id))["activity"]
    assert before["note"] != "<p>fresh</p>"
    assert after == {"subject": "Fresh", "note": "<p>fresh</p>", "dueTime": before["dueTime"]}
    assert sandbox.control.count() == 0  # answered from the write's own answer, not fetched again


async def test_a_read_after_a_delete_in_the_same_request_does_not_find_it(
    context: Context, rest: httpx.AsyncClient
) -> None:
    schema = build_schema()
    activity_id = min(await live_ids(rest))
    assert (await run(schema, context, READ, activity_id))["activity"] is not None
    await run(schema, context, DELETE, activity_id)
    assert (await run(schema, context, READ, activity_id))["activity"] is None
