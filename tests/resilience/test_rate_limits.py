"""Client-side rate-limit awareness against a sandbox with a burst limit of 2 requests per 2 s: once
the upstream says none remain, the gateway waits for the window to reset instead of firing a
request bound to be refused; the figures reach `extensions.upstream.rateLimit`."""

from __future__ import annotations

import asyncio

import pytest

from gateway.sandbox import OTHER_COMPANY_TOKEN, Sandbox
from gateway.sandbox.control import Fault
from tests.support import ActivityPaths, FakeClock, GraphQLClient, error_codes

pytestmark = pytest.mark.anyio

ONE = "{ activities(first: 1, userId: 0) { nodes { subject } } }"  # every user's: one call on v1 and v2


@pytest.fixture
def burst_limit() -> int:
    return 2


async def test_an_exhausted_window_is_waited_out_instead_of_refused(
    gql: GraphQLClient, sandbox: Sandbox, clock: FakeClock
) -> None:
    first = await gql(ONE)
    assert first["extensions"]["upstream"]["rateLimit"] == {"limit": 2, "remaining": 1, "reset": 2.0}
    second = await gql(ONE)
    assert second["extensions"]["upstream"]["rateLimit"]["remaining"] == 0
    assert clock.slept == []
    third = await gql(ONE)
    assert "errors" not in third
    assert clock.slept == [2.0]  # waited for the reset the upstream announced
    assert [r.status for r in sandbox.control.requests] == [200, 200, 200]  # no 429 was ever provoked
    assert third["extensions"]["upstream"]["rateLimit"]["remaining"] == 1


async def test_the_wait_is_per_token(gql: GraphQLClient, sandbox: Sandbox, clock: FakeClock) -> None:
    await gql(ONE)
    await gql(ONE)
    other = await gql(ONE, headers={"x-api-token": OTHER_COMPANY_TOKEN})
    assert "errors" not in other
    assert clock.slept == []  # another token's window is its own


async def test_a_burst_beyond_the_window_is_retried_after_retry_after(
    gql: GraphQLClient, sandbox: Sandbox, clock: FakeClock
) -> None:
    """Three requests in flight at once, before any answer could close the window: the upstream
    refuses the third (429, Retry-After 2), which is sent again once the window has moved on."""
    sandbox.control.latency_ms = 5  # the three are all on their way before the first answer
    pages = [
        f"{{ activities(first: {size}, userId: 0) {{ nodes {{ subject }} }} }}" for size in (1, 2, 3)
    ]  # not shared
    bodies = await asyncio.gather(*(gql(page) for page in pages))
    assert all("errors" not in body for body in bodies)
    assert sorted(r.status for r in sandbox.control.requests) == [200, 200, 200, 429]
    assert clock.slept == [2.0]
    assert sum(body["extensions"]["upstream"]["calls"] for body in bodies) == 4


async def test_a_429_spends_the_window_for_every_call_with_that_token(
    gql: GraphQLClient, sandbox: Sandbox, clock: FakeClock, paths: ActivityPaths
) -> None:
    """A 429 whose Retry-After ends past the retry budget is reported at once; the calls that come
    after it with the same token are reported too, without being sent, until the window resets."""
    sandbox.control.inject(Fault("status", status=429, retry_after=60, path=paths.list))
    refused = await gql(ONE)
    assert error_codes(refused) == ["RATE_LIMITED"]
    assert refused["errors"][0]["extensions"]["retryAfter"] == 60
    later = await gql(ONE)
    assert error_codes(later) == ["RATE_LIMITED"]
    assert later["errors"][0]["extensions"]["retryAfter"] == 60  # what is left of the window
    assert later["extensions"]["upstream"] == {"calls": 0, "cost": 0}  # nothing sent into a spent window
    other = await gql(ONE, headers={"x-api-token": OTHER_COMPANY_TOKEN})
    assert "errors" not in other  # another token's window is its own
    await clock.sleep(60)
    after = await gql(ONE)
    assert "errors" not in after
    assert [r.status for r in sandbox.control.requests] == [429, 200, 200]
