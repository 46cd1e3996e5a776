"""Retries end to end, against the sandbox's fault injection: what is retried, how long the gateway
waits, when it gives up, and what the client is told. The clock is fake: nothing really sleeps."""

from __future__ import annotations

import pytest

from gateway.config import ApiMode, RetrySettings, Settings
from gateway.sandbox import Fault, Sandbox
from gateway.sandbox.control import FaultKind
from tests.support import ActivityPaths, FakeClock, GraphQLClient, error_codes

pytestmark = pytest.mark.anyio

PAGE = "{ activities(first: 3, userId: 0) { nodes { pipedriveId subject } } }"  # v2 asks nothing first


def statuses(sandbox: Sandbox, method: str, path: str) -> list[int]:
    return [r.status for r in sandbox.control.requests if r.method == method and r.path == path]


async def test_429_with_retry_after_is_waited_out_then_succeeds(
    gql: GraphQLClient, sandbox: Sandbox, clock: FakeClock, paths: ActivityPaths
) -> None:
    sandbox.control.inject(Fault(kind="status", status=429, retry_after=3, method="GET", path=paths.list))
    body = await gql(PAGE)
    assert "errors" not in body
    assert len(body["data"]["activities"]["nodes"]) == 3
    assert statuses(sandbox, "GET", paths.list) == [429, 200]
    assert clock.slept == [3.0]  # exactly the Retry-After, no backoff on top
    assert body["extensions"]["upstream"]["calls"] == 2


async def test_429_that_persists_is_rate_limited_with_retry_after(
    gql: GraphQLClient, sandbox: Sandbox, clock: FakeClock, paths: ActivityPaths
) -> None:
    sandbox.control.inject(Fault(kind="status", status=429, retry_after=2, times=50, method="GET", path=paths.list))
    body = await gql(PAGE)
    assert error_codes(body) == ["RATE_LIMITED"]
    assert body["errors"][0]["extensions"]["retryAfter"] == 2
    assert statuses(sandbox, "GET", paths.list) == [429] * 4  # the first try and 3 retries
    assert clock.slept == [2.0, 2.0, 2.0]


async def test_retry_after_beyond_the_budget_is_reported_at_once(
    gql: GraphQLClient, sandbox: Sandbox, clock: FakeClock, paths: ActivityPaths
) -> None:
    sandbox.control.inject(Fault(kind="status", status=429, retry_after=3600, method="GET", path=paths.list))
    body = await gql(PAGE)
    assert error_codes(body) == ["RATE_LIMITED"]
    assert body["errors"][0]["extensions"]["retryAfter"] == 3600
    assert statuses(sandbox, "GET", paths.list) == [429]
    assert clock.slept == []  # waiting an hour inside one request helps nobody


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_a_burst_of_gateway_errors_shorter_than_the_budget_is_retried_away(
    gql: GraphQLClient, sandbox: Sandbox, clock: FakeClock, status: int, paths: ActivityPaths
) -> None:
    sandbox.control.inject(Fault(kind="status", status=status, times=2, method="GET", path=paths.list))
    body = await gql(PAGE)
    assert "errors" not in body
    assert statuses(sandbox, "GET", paths.list) == [status, status, 200]
    assert clock.slept == [0.1875, 0.375]  # 0.25 s doubling, jitter pinned at 0.75 of the ceiling
    assert body["extensions"]["upstream"]["calls"] == 3


async def test_a_503_burst_longer_than_the_budget_is_an_upstream_error(
    gql: GraphQLClient, sandbox: Sandbox, clock: FakeClock, paths: ActivityPaths, api_version: ApiMode
) -> None:
    sandbox.control.inject(Fault(kind="status", status=503, times=50, method="GET", path=paths.list))
    body = await gql(PAGE)
    assert error_codes(body) == ["UPSTREAM_ERROR"]
    assert statuses(sandbox, "GET", paths.list) == [503] * 4
    assert clock.slept == [0.1875, 0.375, 0.75]
    assert body["extensions"]["upstream"] == {"calls": 4, "cost": 4 * paths.list_cost, "apiVersion": api_version}


async def test_a_500_is_not_retried(
    gql: GraphQLClient, sandbox: Sandbox, clock: FakeClock, paths: ActivityPaths
) -> None:
    sandbox.control.inject(Fault(kind="status", status=500, times=50, method="GET", path=paths.list))
    body = await gql(PAGE)
    assert error_codes(body) == ["UPSTREAM_ERROR"]
    assert statuses(sandbox, "GET", paths.list) == [500]


async def test_a_malformed_answer_is_an_upstream_error(
    gql: GraphQLClient, sandbox: Sandbox, paths: ActivityPaths
) -> None:
    sandbox.control.inject(Fault(kind="malformed", method="GET", path=paths.list))
    body = await gql(PAGE)
    assert error_codes(body) == ["UPSTREAM_ERROR"]
    assert "could not be read" in body["errors"][0]["message"]
    assert sandbox.control.count("GET", paths.list) == 1


@pytest.mark.parametrize("kind", ["drop", "refuse"])
async def test_broken_connections_on_reads_are_retried(
    gql: GraphQLClient, sandbox: Sandbox, clock: FakeClock, kind: FaultKind, paths: ActivityPaths
) -> None:
    sandbox.control.inject(Fault(kind=kind, times=2, method="GET", path=paths.list))
    body = await gql(PAGE)
    assert "errors" not in body
    assert sandbox.control.count("GET", paths.list) == 3
    assert len(clock.slept) == 2


async def test_connection_failures_that_persist_are_an_upstream_error(
    gql: GraphQLClient, sandbox: Sandbox, paths: ActivityPaths
) -> None:
    sandbox.control.inject(Fault(kind="refuse", times=50, method="GET", path=paths.list))
    body = await gql(PAGE)
    assert error_codes(body) == ["UPSTREAM_ERROR"]
    assert body["errors"][0]["message"] == "The upstream could not be reached."
    assert sandbox.control.count("GET", paths.list) == 4


class TestTightBudget:
    """A budget smaller than the backoff schedule: the total wait stays inside it."""

    @pytest.fixture
    def settings(self, api_version: ApiMode) -> Settings:
        return Settings(
            api_version=api_version,
            retry=RetrySettings(max_retries=10, max_total_seconds=2.0, base_delay=0.5, max_delay=8.0),
        )

    async def test_the_budget_bounds_the_time_spent_waiting(
        self, gql: GraphQLClient, sandbox: Sandbox, clock: FakeClock, paths: ActivityPaths
    ) -> None:
        sandbox.control.inject(Fault(kind="status", status=503, times=50, method="GET", path=paths.list))
        body = await gql(PAGE)
        assert error_codes(body) == ["UPSTREAM_ERROR"]
        assert clock.slept == [0.375, 0.75]  # the next wait, 1.5 s, would end past the 2 s budget
        assert sandbox.control.count("GET", paths.list) == 3


class TestJitter:
    """The waits are spread: with the jitter at its top, each is the full exponential ceiling."""

    @pytest.fixture
    def jitter(self) -> float:
        return 1.0

    async def test_full_jitter_reaches_the_ceiling(
        self, gql: GraphQLClient, sandbox: Sandbox, clock: FakeClock, paths: ActivityPaths
    ) -> None:
        sandbox.control.inject(Fault(kind="status", status=503, times=3, method="GET", path=paths.list))
        assert "errors" not in await gql(PAGE)
        assert clock.slept == [0.25, 0.5, 1.0]


@pytest.mark.parametrize("read_timeout", [0.05])
class TestTimeouts:
    async def test_a_slow_answer_times_out_and_the_read_is_retried(
        self, gql: GraphQLClient, sandbox: Sandbox, paths: ActivityPaths
    ) -> None:
        sandbox.control.inject(Fault(kind="delay", delay_s=5.0, method="GET", path=paths.list))
        body = await gql(PAGE)
        assert "errors" not in body
        assert sandbox.control.count("GET", paths.list) == 2

    async def test_an_upstream_that_never_answers_in_time_is_an_upstream_error(
        self, gql: GraphQLClient, sandbox: Sandbox, paths: ActivityPaths
    ) -> None:
        sandbox.control.inject(Fault(kind="delay", delay_s=5.0, times=50, method="GET", path=paths.list))
        body = await gql(PAGE)
        assert error_codes(body) == ["UPSTREAM_ERROR"]
        assert body["errors"][0]["message"] == "The upstream did not answer in time."
        assert sandbox.control.count("GET", paths.list) == 4
