"""Admission: operations over HTTP past the limit wait their turn in arrival order; one that waits too long
is answered 503 OVERLOADED and never runs; the limit shrinks only when the loop is late in a busy process."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.app import create_app
from gateway.config import AdmissionSettings, Settings, SettingsError
from gateway.edge.admission import Admission, Overloaded
from gateway.sandbox import DEMO_TOKEN, Sandbox
from tests.ops.conftest import sample
from tests.support import error_codes, running

pytestmark = pytest.mark.anyio

NO_ADJUSTING = 3600.0
"""An interval no test reaches: the limit stays where the test put it."""
TYPES = {"query": "query Types { activityTypes { name } }"}


class Observed:
    def __init__(self) -> None:
        self.limits: list[int] = []
        self.waits: list[float] = []
        self.refused = 0

    def on_limit(self, limit: int) -> None:
        self.limits.append(limit)

    def on_admitted(self, waited: float) -> None:
        self.waits.append(waited)

    def on_refused(self) -> None:
        self.refused += 1

    def on_lag(self, lag: float) -> None:
        pass


def admission(limit: int, max_wait: float = 5.0, *, max_limit: int = 1000) -> Admission:
    settings = AdmissionSettings(
        initial_limit=limit,
        min_limit=1,
        max_limit=max_limit,
        max_wait_seconds=max_wait,
        target_lag_seconds=0.005,
        interval_seconds=NO_ADJUSTING,
    )
    return Admission(settings, Observed())


async def test_past_the_limit_operations_run_in_arrival_order() -> None:
    gate = admission(limit=2)
    release = asyncio.Event()
    started: list[int] = []

    async def operation(n: int) -> None:
        async with gate.admitted():
            started.append(n)
            assert gate.in_flight <= 2
            await release.wait()

    tasks = []
    for n in range(6):
        tasks.append(asyncio.create_task(operation(n)))
        await asyncio.sleep(0)
    await asyncio.sleep(0.01)
    assert started == [0, 1] and gate.waiting == 4
    release.set()
    await asyncio.gather(*tasks)
    assert started == [0, 1, 2, 3, 4, 5]
    assert gate.in_flight == 0 and gate.waiting == 0


async def test_a_request_that_waits_too_long_is_refused_and_leaves_the_queue() -> None:
    gate = admission(limit=1, max_wait=0.05)
    async with gate.admitted():
        with pytest.raises(Overloaded):
            async with gate.admitted():
                pytest.fail("ran without a turn")
        assert gate.waiting == 0 and gate.in_flight == 1
    assert gate.in_flight == 0
    async with gate.admitted():  # the slot is free again
        assert gate.in_flight == 1


async def test_a_cancelled_waiter_gives_its_turn_to_the_next() -> None:
    gate = admission(limit=1)
    ran: list[str] = []

    async def operation(name: str) -> None:
        async with gate.admitted():
            ran.append(name)

    async with gate.admitted():
        first = asyncio.create_task(operation("cancelled"))
        second = asyncio.create_task(operation("next"))
        await asyncio.sleep(0.01)
        first.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await first
    await second
    assert ran == ["next"] and gate.in_flight == 0 and gate.waiting == 0


@pytest.mark.parametrize(
    ("lag", "busy", "reached", "expected"),
    [
        (0.050, 1.0, True, 18),  # late and busy: a tenth less
        (0.050, 0.5, True, 21),  # late but half idle (long callbacks): no less, and it was reached
        (0.001, 1.0, True, 21),  # on time and reached: one more
        (0.001, 1.0, False, 20),  # on time, never reached: stays
    ],
)
async def test_the_limit_follows_lag_only_in_a_busy_process(
    lag: float, busy: float, reached: bool, expected: int
) -> None:
    gate = admission(limit=20)
    if reached:
        gate._reached = True
    gate.adjust(lag, busy)
    assert gate.limit == expected


async def test_the_limit_stays_within_its_bounds() -> None:
    gate = admission(limit=3, max_limit=4)
    for _ in range(20):
        gate.adjust(1.0, 1.0)
    assert gate.limit == 1  # min_limit
    for _ in range(20):
        gate._reached = True
        gate.adjust(0.0, 0.0)
    assert gate.limit == 4


def test_admission_settings_are_read_and_checked() -> None:
    settings = Settings.from_env(
        {
            "GATEWAY_ADMISSION_TARGET_LAG": "0.01",
            "GATEWAY_ADMISSION_MAX_WAIT": "3",
            "GATEWAY_MAX_OPERATIONS_IN_FLIGHT": "40",
        }
    )
    assert settings.admission == AdmissionSettings(target_lag_seconds=0.01, max_wait_seconds=3, max_limit=40)
    assert not Settings.from_env({"GATEWAY_ADMISSION": "off"}).admission.enabled
    with pytest.raises(SettingsError, match="GATEWAY_MAX_OPERATIONS_IN_FLIGHT"):
        Settings.from_env({"GATEWAY_MAX_OPERATIONS_IN_FLIGHT": "1"})


class HeldUpstream(httpx.AsyncBaseTransport):
    """The sandbox's transport, holding every request until released; records the paths asked."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._inner = sandbox.transport()
        self.paths: list[str] = []
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        self.entered.set()
        await self.release.wait()
        return await self._inner.handle_async_request(request)


@pytest.fixture
def upstream(sandbox: Sandbox) -> HeldUpstream:
    return HeldUpstream(sandbox)


@pytest.fixture
async def http(upstream: HeldUpstream) -> AsyncIterator[httpx.AsyncClient]:
    limits = AdmissionSettings(initial_limit=1, min_limit=1, max_wait_seconds=0.1, interval_seconds=NO_ADJUSTING)
    settings = Settings(upstream_url="http://sandbox.internal/api", api_token=DEMO_TOKEN, admission=limits)
    async with running(create_app(settings, upstream)) as client:
        yield client


async def test_over_http_a_request_past_its_wait_is_503_overloaded_and_never_runs(
    http: httpx.AsyncClient, upstream: HeldUpstream
) -> None:
    first = asyncio.create_task(http.post("/graphql", json=TYPES))
    await upstream.entered.wait()  # the first holds the one slot, waiting on its upstream call
    refused = await http.post("/graphql", json=TYPES)
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "1"
    body = refused.json()
    assert error_codes(body) == ["OVERLOADED"]
    assert body["errors"][0]["extensions"]["retryAfter"] == 1
    assert body["extensions"]["upstream"] == {"calls": 0, "cost": 0}
    assert "data" not in body
    assert upstream.paths == ["/api/v1/activityTypes"]  # only the first's call: the refused one never ran

    health = await http.get("/healthz")  # probes and metrics do not queue behind operations
    metrics = await http.get("/metrics")
    assert health.status_code == 200 and metrics.status_code == 200
    assert sample(metrics.text, "gateway_admission_refused_total") == 1
    assert sample(metrics.text, "gateway_admission_limit") == 1

    upstream.release.set()
    answered = await first
    assert answered.status_code == 200 and "errors" not in answered.json()
    after = await http.post("/graphql", json=TYPES)  # its slot was given back
    assert after.status_code == 200 and "errors" not in after.json()


async def test_over_http_a_queued_request_runs_when_the_slot_frees(
    http: httpx.AsyncClient, upstream: HeldUpstream
) -> None:
    first = asyncio.create_task(http.post("/graphql", json=TYPES))
    await upstream.entered.wait()
    second = asyncio.create_task(http.post("/graphql", json={"query": "query Me { __typename }"}))
    await asyncio.sleep(0.02)
    assert not second.done()  # waiting its turn, not refused yet
    upstream.release.set()
    assert (await first).status_code == 200
    assert (await second).json()["data"] == {"__typename": "Query"}
