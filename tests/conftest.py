"""Shared pytest set-up: asyncio for every async test (aiodataloader binds the running loop), and the
gateway wired in-process to a fresh in-memory sandbox, on the Pipedrive API version `api_version` says
(v1 by default; a folder whose tests run on both versions overrides it with a parametrised fixture)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from gateway.app import create_app
from gateway.config import ApiMode, Settings
from gateway.sandbox import DEMO_TOKEN, OTHER_COMPANY_TOKEN, Sandbox
from tests.support import GraphQLClient, running, sandbox_rest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    sandbox = Sandbox(db_path=":memory:")
    yield sandbox
    sandbox.close()


@pytest.fixture
def api_version() -> ApiMode:
    return "v1"


@pytest.fixture
def settings(api_version: ApiMode) -> Settings:
    return Settings(api_version=api_version)


@pytest.fixture
async def http(sandbox: Sandbox, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running(create_app(settings, sandbox=sandbox)) as client:
        yield client


@pytest.fixture
def gql(http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(http)


@pytest.fixture
async def rest(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    """The demo company's REST API on the sandbox, asked directly."""
    async with sandbox_rest(sandbox, DEMO_TOKEN) as client:
        yield client


@pytest.fixture
async def other_rest(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    """The other company's REST API (disjoint data), asked directly."""
    async with sandbox_rest(sandbox, OTHER_COMPANY_TOKEN) as client:
        yield client
