"""The gateway over an in-memory sandbox with a fake clock: retries and rate-limit waits advance the
clock instead of sleeping, and the sandbox's rate limiter reads the same clock. Every test that uses
the gateway runs on API v1 and on v2."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from gateway.app import create_app
from gateway.config import ApiMode, Settings, Timeouts
from gateway.sandbox import SEED_TEST_DAY, Sandbox
from gateway.sandbox.ratelimit import DEFAULT_BURST_LIMIT
from gateway.upstream.retry import RetryPolicy
from tests.support import API_VERSIONS, FakeClock, GraphQLClient, running


@pytest.fixture(params=API_VERSIONS)
def api_version(request: pytest.FixtureRequest) -> ApiMode:
    mode: ApiMode = request.param
    return mode


@pytest.fixture
def read_timeout() -> float | None:
    """Override to give the gateway a short upstream read timeout, in seconds (None: the default)."""
    return None


@pytest.fixture
def settings(api_version: ApiMode, read_timeout: float | None) -> Settings:
    if read_timeout is None:
        return Settings(api_version=api_version)
    return Settings(api_version=api_version, timeouts=Timeouts(read=read_timeout))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def burst_limit() -> int | None:
    """Override to give the sandbox a small burst limit (None: the sandbox's default)."""
    return None


@pytest.fixture
def sandbox(clock: FakeClock, burst_limit: int | None) -> Iterator[Sandbox]:
    sandbox = Sandbox(
        db_path=":memory:", clock=clock, burst_limit=burst_limit or DEFAULT_BURST_LIMIT, seed_day=SEED_TEST_DAY
    )
    yield sandbox
    sandbox.close()


@pytest.fixture
def jitter() -> float:
    """The retry jitter, pinned: backoff waits are `ceiling * (0.5 + jitter / 2)`."""
    return 0.5


@pytest.fixture
def retry_policy(settings: Settings, clock: FakeClock, jitter: float) -> RetryPolicy:
    return RetryPolicy(settings.retry, sleep=clock.sleep, clock=clock, jitter=lambda: jitter)


@pytest.fixture
async def http(sandbox: Sandbox, settings: Settings, retry_policy: RetryPolicy) -> AsyncIterator[httpx.AsyncClient]:
    async with running(create_app(settings, sandbox=sandbox, retry_policy=retry_policy)) as client:
        yield client


@pytest.fixture
def gql(http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(http)
