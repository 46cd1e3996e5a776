"""Shared pytest set-up: asyncio for every async test (aiodataloader binds the running loop), the
gateway wired in-process to a fresh in-memory sandbox on the Pipedrive API version `api_version` says
(v1 by default; a folder whose tests run on both versions overrides it with a parametrised fixture),
and the gateway installed from its wheel."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from gateway.app import create_app
from gateway.config import ApiMode, Settings
from gateway.sandbox import DEMO_TOKEN, OTHER_COMPANY_TOKEN, SEED_DAY_ENV, SEED_TEST_DAY, Sandbox
from tests.installed import Installation, install
from tests.support import ACTIVITY_PATHS, ActivityPaths, GraphQLClient, gateway_process, running, sandbox_rest

# The demo data's dates are the day a database is made; the tests' expectations were written for one
# day, which every sandbox they start pins, in-process (the fixture) or in a process (this variable).
os.environ.setdefault(SEED_DAY_ENV, SEED_TEST_DAY.isoformat())


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    sandbox = Sandbox(db_path=":memory:", seed_day=SEED_TEST_DAY)
    yield sandbox
    sandbox.close()


@pytest.fixture
def api_version() -> ApiMode:
    return "v1"


@pytest.fixture
def settings(api_version: ApiMode) -> Settings:
    return Settings(api_version=api_version)


@pytest.fixture
def paths(api_version: ApiMode) -> ActivityPaths:
    """The upstream paths the activity operations call on this version."""
    return ACTIVITY_PATHS[api_version]


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


@pytest.fixture(scope="session")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    """The sdist and wheel built from this tree, the wheel installed into a fresh virtual environment."""
    return install(tmp_path_factory.mktemp("installed"))


@pytest.fixture(scope="session")
def installed_gateway(installation: Installation) -> Iterator[str]:
    """`gateway serve` of that installation, run outside the source tree on the embedded sandbox."""
    log: Path = installation.home / "gateway.log"
    with log.open("w") as sink:
        argv = [str(installation.bin / "gateway"), "serve"]
        with gateway_process(argv, cwd=installation.home, env=installation.env(), log=sink) as url:
            yield url
