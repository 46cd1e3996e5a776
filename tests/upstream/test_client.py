"""The upstream client alone, against httpx.MockTransport handlers: auth, errors, retries, sharing."""

from __future__ import annotations

import asyncio
import gc
import json
from collections.abc import Callable
from typing import Literal

import httpx
import pytest

from gateway.config import RetrySettings
from gateway.upstream import ActivityListQuery, CallLedger, Credentials, PipedriveClient, UpstreamTransport
from gateway.upstream.errors import (
    UpstreamBadResponse,
    UpstreamForbidden,
    UpstreamRateLimited,
    UpstreamRejected,
    UpstreamServerError,
    UpstreamTimeout,
    UpstreamUnauthorized,
    UpstreamUnreachable,
)
from gateway.upstream.retry import RetryPolicy
from tests.support import FakeClock

pytestmark = pytest.mark.anyio

SECRET = "s3cret-token-value"
Handler = Callable[[httpx.Request], httpx.Response]


def answering(status: int) -> Handler:
    return lambda _request: httpx.Response(status)


def envelope(data: object, **extra: object) -> dict[str, object]:
    return {"success": True, "data": data, **extra}


def make_client(
    handler: Handler, clock: FakeClock | None = None, kind: Literal["api_token", "bearer"] = "api_token"
) -> tuple[PipedriveClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def recording(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    clock = clock or FakeClock()
    policy = RetryPolicy(RetrySettings(), sleep=clock.sleep, clock=clock, jitter=lambda: 0.0)
    http = httpx.AsyncClient(base_url="https://example.test/api", transport=httpx.MockTransport(recording))
    transport = UpstreamTransport(http, policy)
    return PipedriveClient(transport, Credentials(SECRET, kind), CallLedger()), seen


def activity(i: int) -> dict[str, object]:
    return {
        "id": i,
        "subject": f"A{i}",
        "type": "call",
        "done": 0,
        "due_date": "",
        "due_time": "",
        "user_id": 1,
        "add_time": "2025-02-20 08:01:12",
        "update_time": "2025-02-20 08:01:12",
        "active_flag": True,
    }


async def test_token_travels_in_the_api_token_header_never_in_the_url() -> None:
    client, seen = make_client(lambda r: httpx.Response(200, json=envelope([activity(1)])))
    page = await client.list_activities(ActivityListQuery(user_id=0, done=False), start=0, limit=10)
    request = seen[0]
    assert request.headers["x-api-token"] == SECRET
    assert SECRET not in str(request.url)
    assert request.url.path == "/api/v1/activities"
    assert dict(request.url.params) == {"user_id": "0", "done": "0", "start": "0", "limit": "10"}
    assert page.items[0].id == 1 and page.items[0].done is False
    assert page.items[0].due_date is None and page.items[0].due_time is None  # "" means unset


async def test_an_answer_is_freed_once_read_not_left_to_the_cycle_collector() -> None:
    """httpx ties a response to its body stream in a reference cycle; the transport cuts it, so an answer's
    body goes as soon as the call is done rather than at the collector's next pass."""
    client, seen = make_client(lambda r: httpx.Response(200, json=envelope([activity(i) for i in range(100)])))
    gc.collect()
    gc.disable()
    try:
        page = await client.list_activities(ActivityListQuery(user_id=0, done=False), start=0, limit=100)
        left = [o for o in gc.get_objects() if isinstance(o, httpx.Response)]
    finally:
        gc.enable()
    assert len(seen) == 1 and len(page.items) == 100
    assert left == []


async def test_oauth_token_travels_as_bearer() -> None:
    client, seen = make_client(lambda r: httpx.Response(200, json=envelope([])), kind="bearer")
    await client.activity_types()
    assert seen[0].headers["authorization"] == f"Bearer {SECRET}"
    assert "x-api-token" not in seen[0].headers


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, UpstreamRejected),
        (401, UpstreamUnauthorized),
        (403, UpstreamForbidden),
        (422, UpstreamRejected),
        (500, UpstreamServerError),
    ],
)
async def test_error_statuses_become_their_classes_without_the_token(status: int, error_class: type[Exception]) -> None:
    body = {"success": False, "error": "nope", "error_info": "x", "data": None}
    client, seen = make_client(lambda r: httpx.Response(status, json=body))
    with pytest.raises(error_class) as caught:
        await client.activity_types()
    assert SECRET not in str(caught.value) and "example.test" not in str(caught.value)
    assert len(seen) == 1  # none of these is retried


async def test_not_found_is_none_for_a_single_activity() -> None:
    client, _ = make_client(lambda r: httpx.Response(404, json={"success": False, "error": "not found"}))
    assert await client.get_activity(7) is None


async def test_rate_limited_read_honours_retry_after_then_succeeds() -> None:
    answers = iter(
        [
            httpx.Response(429, headers={"retry-after": "2"}, json={"success": False, "error": "slow"}),
            httpx.Response(200, json=envelope([])),
        ]
    )
    clock = FakeClock()
    client, seen = make_client(lambda r: next(answers), clock)
    await client.activity_types()
    assert len(seen) == 2 and clock.slept == [2.0]
    assert client.ledger.calls == 2 and client.ledger.cost == 40


async def test_rate_limit_that_persists_is_reported_with_retry_after() -> None:
    client, seen = make_client(lambda r: httpx.Response(429, headers={"retry-after": "1"}, json={"success": False}))
    with pytest.raises(UpstreamRateLimited) as caught:
        await client.activity_types()
    assert caught.value.retry_after == 1.0
    assert len(seen) == 4  # the first try and three retries


async def test_server_errors_on_reads_are_retried_with_backoff() -> None:
    answers = iter([httpx.Response(503), httpx.Response(502), httpx.Response(200, json=envelope([]))])
    clock = FakeClock()
    client, seen = make_client(lambda r: next(answers), clock)
    await client.activity_types()
    assert len(seen) == 3
    assert clock.slept == [0.125, 0.25]  # base 0.25 doubling, jitter pinned to its lower half


def raising(exc: Exception) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


async def test_timeouts_and_broken_connections_have_their_classes() -> None:
    client, seen = make_client(raising(httpx.ReadTimeout("slow")))
    with pytest.raises(UpstreamTimeout):
        await client.activity_types()
    assert len(seen) == 4
    client, _ = make_client(raising(httpx.ConnectError("refused")))
    with pytest.raises(UpstreamUnreachable) as caught:
        await client.activity_types()
    assert caught.value.sent is False


async def test_unreadable_body_is_a_bad_response() -> None:
    client, _ = make_client(lambda r: httpx.Response(200, content=b"<html>oops"))
    with pytest.raises(UpstreamBadResponse):
        await client.activity_types()


async def test_post_is_not_retried_when_the_upstream_may_have_acted() -> None:
    for status in (500, 503):
        client, seen = make_client(answering(status))
        with pytest.raises(UpstreamServerError):
            await client.add_activity({"subject": "x"})
        assert len(seen) == 1
    client, seen = make_client(raising(httpx.RemoteProtocolError("dropped")))
    with pytest.raises(UpstreamUnreachable) as caught:
        await client.add_activity({"subject": "x"})
    assert caught.value.sent is True and len(seen) == 1


async def test_post_is_retried_when_the_upstream_cannot_have_acted() -> None:
    answers = iter(
        [
            httpx.Response(429, json={"success": False}),
            httpx.Response(
                201, json=envelope(activity(9), additional_data={"more_activities_scheduled_in_context": True})
            ),
        ]
    )
    client, seen = make_client(lambda r: next(answers))
    result = await client.add_activity({"subject": "x"})
    assert len(seen) == 2 and result.activity.id == 9 and result.more_activities_scheduled_in_context is True
    assert json.loads(seen[1].content) == {"subject": "x"}


async def test_identical_gets_in_flight_share_one_request() -> None:
    release = asyncio.Event()
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        await release.wait()
        return httpx.Response(200, json=envelope([]))

    http = httpx.AsyncClient(base_url="https://example.test/api", transport=httpx.MockTransport(handler))
    transport = UpstreamTransport(http, RetryPolicy())
    a = PipedriveClient(transport, Credentials(SECRET), CallLedger())
    b = PipedriveClient(transport, Credentials(SECRET), CallLedger())
    other = PipedriveClient(transport, Credentials("another-token"), CallLedger())
    tasks = [asyncio.create_task(c.activity_types()) for c in (a, b, other)]
    await asyncio.sleep(0.01)
    release.set()
    await asyncio.gather(*tasks)
    assert len(seen) == 2  # one per token, never shared across tokens
    assert a.ledger.calls + b.ledger.calls == 1


async def test_rate_limit_headers_reach_the_ledger_and_gate_the_next_call() -> None:
    headers = {"x-ratelimit-limit": "40", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "2"}
    clock = FakeClock()
    client, seen = make_client(lambda r: httpx.Response(200, headers=headers, json=envelope([])), clock)
    await client.activity_types()
    assert client.ledger.as_extension()["rateLimit"] == {"limit": 40, "remaining": 0, "reset": 2.0}
    await client.users()
    assert clock.slept == [2.0]  # waited for the window instead of firing a request bound to fail


def test_unset_text_dates_and_times_are_null_but_required_text_is_kept() -> None:
    from gateway.upstream.activities import parse_v1_activity

    record = parse_v1_activity(
        activity(3)
        | {
            "note": "",
            "location": "",
            "marked_as_done_time": "",
            "duration": "",
            "subject": "",
            "busy_flag": None,
            "done": 1,
        }
    )
    assert (record.note, record.location, record.marked_as_done_time, record.duration) == (None, None, None, None)
    assert record.subject == "" and record.done is True and record.busy_flag is None
    assert record.has("note") and not record.has("attendees")  # present-but-empty is not missing
