"""Fixtures of the tests of several instances: a redis-server of the tests' own (one for the session,
each test under its own key prefix; a test that kills Redis gets one of its own), the standalone sandbox
on a real socket, and `gateway serve` processes pointed at both."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.config import ApiMode
from gateway.sandbox import SEED_TEST_DAY, Sandbox
from gateway.sandbox.server import create_standalone_app
from tests.instances.support import Gateways, Upstream
from tests.redis_server import RedisServer, redis_server_binary
from tests.support import serve_in_thread

BOTH_VERSIONS = pytest.mark.parametrize("api_version", ["v1", "v2"])
"""For behaviour that exists on both Pipedrive API versions: run it on both."""


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(redis_server_binary(), tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server for this test alone (to be killed and started again)."""
    server = RedisServer(redis_server_binary(), tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def prefix() -> str:
    """This test's own keys and channels on the session's Redis."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def api_version() -> ApiMode:
    return "v1"


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    """The standalone sandbox (what `gateway sandbox` serves) on 127.0.0.1 and a free port, in a thread of
    this process: its control (faults, the record of requests) is at hand."""
    sandbox = Sandbox(db_path=":memory:", seed_day=SEED_TEST_DAY)
    with serve_in_thread(create_standalone_app(sandbox)) as url:
        yield Upstream(url, sandbox)
    sandbox.close()


@pytest.fixture
def gateways(upstream: Upstream, tmp_path: Path, api_version: ApiMode) -> Gateways:
    """Starts `gateway serve` processes over `upstream` (stopped at the end of the test)."""
    return Gateways(upstream, tmp_path, api_version)


@pytest.fixture
def pair(gateways: Gateways, redis_server: RedisServer, prefix: str) -> Iterator[tuple[str, str]]:
    """Two instances sharing the session's Redis (under this test's prefix) and the sandbox: A and B."""
    with gateways.start(2, redis_server.url, prefix) as (a, b):
        yield a, b
