"""The transport's own guarantees, with httpx's MockTransport: the retry budget bounds every attempt's
timeout, and a shared in-flight GET survives the cancellation of the request that sent it."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from gateway.config import RetrySettings
from gateway.upstream import CallLedger, Credentials, UpstreamTransport
from gateway.upstream.endpoints import ACTIVITY_TYPES
from gateway.upstream.errors import UpstreamServerError
from gateway.upstream.retry import MIN_ATTEMPT_SECONDS, RetryPolicy
from tests.support import FakeClock

pytestmark = pytest.mark.anyio

CALL = ACTIVITY_TYPES.call()
OK = {"success": True, "data": []}


def transport(handler: httpx.MockTransport, policy: RetryPolicy, read: float = 20.0) -> UpstreamTransport:
    http = httpx.AsyncClient(
        transport=handler, base_url="http://upstream.test/api", timeout=httpx.Timeout(5.0, read=read)
    )
    return UpstreamTransport(http, policy)


async def test_attempt_timeouts_shrink_to_what_is_left_of_the_budget() -> None:
    clock = FakeClock()
    seen: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"]["read"])
        clock.now += 10.0  # each attempt takes 10 s before failing
        return httpx.Response(503, json={"success": False, "error": "busy"})

    policy = RetryPolicy(
        RetrySettings(max_retries=5, max_total_seconds=25.0), sleep=clock.sleep, clock=clock, jitter=lambda: 0.0
    )
    with pytest.raises(UpstreamServerError):
        await transport(httpx.MockTransport(handler), policy).send(CALL, Credentials("t"), CallLedger())
    # 20 s configured, then what remains of 25 s after 10 s and a short wait, then the floor.
    assert seen[0] == 20.0
    assert seen[1] == pytest.approx(25.0 - 10.0 - 0.125)
    assert all(timeout >= MIN_ATTEMPT_SECONDS for timeout in seen)
    assert clock.now - 1_000.0 <= 25.0 + 10.0 + 1.0  # ends about when the budget does


class HeldUpstream:
    """An upstream whose answers wait for `release`; it counts what it was sent."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.sent = 0
        self.transport = transport(httpx.MockTransport(self._handle), RetryPolicy())

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        await self.release.wait()
        return httpx.Response(200, json=OK)

    async def leader_and_follower(self, follower_ledger: CallLedger) -> tuple[asyncio.Task[Any], asyncio.Task[Any]]:
        """The same GET sent twice with one token, the second while the first is in flight."""
        credentials = Credentials("same token")
        leader = asyncio.create_task(self.transport.send(CALL, credentials, CallLedger()))
        await asyncio.sleep(0.01)
        follower = asyncio.create_task(self.transport.send(CALL, credentials, follower_ledger))
        await asyncio.sleep(0.01)
        return leader, follower


async def test_a_shared_get_outlives_the_cancelled_request_that_sent_it() -> None:
    upstream, follower_ledger = HeldUpstream(), CallLedger()
    leader, follower = await upstream.leader_and_follower(follower_ledger)
    leader.cancel()  # its client went away
    await asyncio.sleep(0.01)
    upstream.release.set()
    assert await asyncio.wait_for(follower, 1.0) == OK
    assert leader.cancelled()
    assert upstream.sent == 2 and follower_ledger.calls == 1  # the follower sent the call itself


async def test_a_cancelled_follower_does_not_disturb_the_shared_get() -> None:
    upstream = HeldUpstream()
    leader, follower = await upstream.leader_and_follower(CallLedger())
    follower.cancel()
    upstream.release.set()
    assert await asyncio.wait_for(leader, 1.0) == OK
    with pytest.raises(asyncio.CancelledError):
        await follower
    assert upstream.sent == 1


async def test_identical_gets_of_different_tokens_are_never_shared() -> None:
    tokens: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        token = request.headers.get("x-api-token") or request.headers["authorization"]
        tokens.append(token)
        await asyncio.sleep(0.01)  # all three are in flight together
        return httpx.Response(200, json={"success": True, "data": [token]})

    upstream = transport(httpx.MockTransport(handler), RetryPolicy())
    callers = [Credentials("a"), Credentials("b"), Credentials("a", "bearer")]
    answers = await asyncio.gather(*(upstream.send(CALL, c, CallLedger()) for c in callers))
    assert [a["data"] for a in answers] == [["a"], ["b"], ["Bearer a"]]
    assert len(tokens) == 3
