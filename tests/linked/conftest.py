"""Fixtures for the linked-object tests: the sandbox's REST API asked directly, per token."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.sandbox import DEMO_TOKEN, OTHER_COMPANY_TOKEN, Sandbox


@pytest.fixture
async def rest(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    """The demo company's REST API: what the gateway's answers are checked against."""
    async with httpx.AsyncClient(
        transport=sandbox.transport(), base_url="http://sandbox", headers={"x-api-token": DEMO_TOKEN}
    ) as client:
        yield client


@pytest.fixture
async def other_rest(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    """The other company's REST API (disjoint data)."""
    async with httpx.AsyncClient(
        transport=sandbox.transport(), base_url="http://sandbox", headers={"x-api-token": OTHER_COMPANY_TOKEN}
    ) as client:
        yield client
