"""The one place that sends HTTP to the upstream: envelopes, error classes, retries, accounting.

`UpstreamTransport` is app-scoped (it owns the pooled `httpx.AsyncClient` through the app's lifespan,
the in-flight GET registry and the rate-limit gates). `Call` describes one request; `send` returns the
decoded JSON envelope or raises an `UpstreamError`. Tokens travel only in headers; exception texts name
the endpoint template (`GET /v1/activities/{id}`), never a URL or a token.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import httpx

from .errors import (
    UpstreamBadResponse,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnreachable,
    error_for_status,
)
from .retry import RetryPolicy

Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Credentials:
    """A token and how it travels: `x-api-token` (API token) or `Authorization: Bearer` (OAuth)."""

    token: str = field(repr=False)
    kind: Literal["api_token", "bearer"] = "api_token"

    def headers(self) -> dict[str, str]:
        if self.kind == "bearer":
            return {"Authorization": f"Bearer {self.token}"}
        return {"x-api-token": self.token}

    @property
    def key(self) -> str:
        """A stable, non-reversible key for caches and in-flight sharing: never the token itself."""
        return hashlib.sha256(f"{self.kind}:{self.token}".encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Call:
    """One upstream request. `endpoint` is the path template used for errors, costs and metrics."""

    method: str
    endpoint: str
    path: str
    cost: int
    params: Mapping[str, str] | None = None
    body: Json | None = None


@dataclass(slots=True)
class RateLimitSnapshot:
    limit: int | None
    remaining: int
    reset: float | None


@dataclass
class CallLedger:
    """What one GraphQL operation spent upstream: the contract's `extensions.upstream`."""

    calls: int = 0
    cost: int = 0
    rate_limit: RateLimitSnapshot | None = None

    def record(self, call: Call) -> None:
        self.calls += 1
        self.cost += call.cost

    def see_rate_limit(self, snapshot: RateLimitSnapshot) -> None:
        if self.rate_limit is None or snapshot.remaining < self.rate_limit.remaining:
            self.rate_limit = snapshot

    def as_extension(self) -> Json:
        report: Json = {"calls": self.calls, "cost": self.cost}
        if self.rate_limit is not None:
            report["rateLimit"] = {
                "limit": self.rate_limit.limit,
                "remaining": self.rate_limit.remaining,
                "reset": self.rate_limit.reset,
            }
        return report


class UpstreamObserver(Protocol):
    """Hooks for metrics; every method must be cheap and must not raise."""

    def on_response(self, call: Call, status: int, seconds: float) -> None: ...

    def on_retry(self, call: Call, error: UpstreamError, wait: float) -> None: ...

    def on_rate_limit_wait(self, seconds: float) -> None: ...

    def on_shared_call(self, call: Call) -> None: ...


class NullObserver:
    def on_response(self, call: Call, status: int, seconds: float) -> None:
        pass

    def on_retry(self, call: Call, error: UpstreamError, wait: float) -> None:
        pass

    def on_rate_limit_wait(self, seconds: float) -> None:
        pass

    def on_shared_call(self, call: Call) -> None:
        pass


class RateLimitGates:
    """Per-credential burst windows: when the upstream says none remain, wait for the reset."""

    def __init__(self, policy: RetryPolicy, max_wait: float) -> None:
        self._policy = policy
        self._max_wait = max_wait
        self._blocked_until: dict[str, float] = {}

    async def wait_turn(self, credentials: Credentials, observer: UpstreamObserver, deadline: float) -> None:
        """Sleep until the credential's window resets, but not past `deadline` (the retry budget's end)."""
        until = self._blocked_until.get(credentials.key)
        if until is None:
            return
        now = self._policy.clock()
        if until <= now:
            self._blocked_until.pop(credentials.key, None)
            return
        wait = min(until, deadline) - now
        if wait <= 0:
            return
        wait = min(wait, self._max_wait)
        observer.on_rate_limit_wait(wait)
        await self._policy.sleep(wait)

    def observe(self, credentials: Credentials, snapshot: RateLimitSnapshot) -> None:
        if snapshot.remaining <= 0 and snapshot.reset:
            self._blocked_until[credentials.key] = self._policy.clock() + snapshot.reset


def read_rate_limit(headers: httpx.Headers) -> RateLimitSnapshot | None:
    remaining = headers.get("x-ratelimit-remaining")
    if remaining is None:
        return None
    try:
        limit = headers.get("x-ratelimit-limit")
        reset = headers.get("x-ratelimit-reset")
        return RateLimitSnapshot(
            limit=int(limit) if limit is not None else None,
            remaining=int(remaining),
            reset=float(reset) if reset is not None else None,
        )
    except ValueError:
        return None


def _retry_after(headers: httpx.Headers) -> float | None:
    raw = headers.get("retry-after")
    try:
        return max(0.0, float(raw)) if raw is not None else None
    except ValueError:
        return None


class UpstreamTransport:
    """Sends `Call`s for any credentials; shared by every request of the app."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        retry: RetryPolicy,
        observer: UpstreamObserver | None = None,
    ) -> None:
        self._http = http
        self._retry = retry
        self._observer: UpstreamObserver = observer or NullObserver()
        self._gates = RateLimitGates(retry, max_wait=retry.settings.max_total_seconds)
        self._in_flight: dict[tuple[str, str, str], asyncio.Future[Json]] = {}

    @property
    def http(self) -> httpx.AsyncClient:
        return self._http

    async def send(self, call: Call, credentials: Credentials, ledger: CallLedger) -> Json:
        """The decoded envelope of `call`; identical GETs in flight for one credential share one request."""
        if call.method != "GET":
            return await self._send_with_retries(call, credentials, ledger)
        key = (credentials.key, call.path, json.dumps(call.params or {}, sort_keys=True))
        shared = self._in_flight.get(key)
        if shared is not None:
            return await self._follow(shared, call, credentials, ledger)
        return await self._lead(key, call, credentials, ledger)

    async def _lead(self, key: tuple[str, str, str], call: Call, credentials: Credentials, ledger: CallLedger) -> Json:
        future: asyncio.Future[Json] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            result = await self._send_with_retries(call, credentials, ledger)
            future.set_result(result)
            return result
        except asyncio.CancelledError:
            future.cancel()  # the followers were not cancelled: they send the call anew
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: nobody else may be waiting
            raise
        finally:
            del self._in_flight[key]

    async def _follow(
        self, shared: asyncio.Future[Json], call: Call, credentials: Credentials, ledger: CallLedger
    ) -> Json:
        self._observer.on_shared_call(call)
        try:
            return await asyncio.shield(shared)
        except asyncio.CancelledError:
            if not shared.cancelled():
                raise  # this request itself was cancelled
            # The request sending it was cancelled (its client went away), not this one.
            return await self.send(call, credentials, ledger)

    async def _send_with_retries(self, call: Call, credentials: Credentials, ledger: CallLedger) -> Json:
        async def attempt(deadline: float) -> Json:
            await self._gates.wait_turn(credentials, self._observer, deadline)
            return await self._send_once(call, credentials, ledger, self._attempt_timeout(deadline))

        def on_retry(error: UpstreamError, wait: float) -> None:
            self._observer.on_retry(call, error, wait)

        result = await self._retry.run(call.method, attempt, on_retry)
        return result  # type: ignore[return-value]

    def _attempt_timeout(self, deadline: float) -> httpx.Timeout:
        """The client's timeouts, each cut so that the attempt ends about when the retry budget does."""
        configured, bound = self._http.timeout, self._retry.attempt_timeout
        return httpx.Timeout(
            connect=bound(configured.connect, deadline),
            read=bound(configured.read, deadline),
            write=bound(configured.write, deadline),
            pool=bound(configured.pool, deadline),
        )

    async def _send_once(
        self, call: Call, credentials: Credentials, ledger: CallLedger, timeout: httpx.Timeout
    ) -> Json:
        request = self._http.build_request(
            call.method,
            call.path,
            params=call.params,
            json=call.body,
            headers=credentials.headers(),
            timeout=timeout,
        )
        ledger.record(call)
        started = time.perf_counter()
        try:
            response = await self._http.send(request)
        except httpx.HTTPError as exc:
            self._observer.on_response(call, 0, time.perf_counter() - started)
            raise _transport_error(call, exc) from None
        self._observer.on_response(call, response.status_code, time.perf_counter() - started)
        snapshot = read_rate_limit(response.headers)
        if snapshot is not None:
            ledger.see_rate_limit(snapshot)
            self._gates.observe(credentials, snapshot)
        return _decode(call, response)


def _transport_error(call: Call, exc: httpx.HTTPError) -> UpstreamError:
    """httpx's failure as an upstream error; `from None` above keeps the URL out of tracebacks."""
    where = f"{call.method} {call.endpoint}"
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return UpstreamUnreachable(f"{where}: could not connect to the upstream", endpoint=call.endpoint, sent=False)
    if isinstance(exc, httpx.TimeoutException):
        return UpstreamTimeout(f"{where}: the upstream did not answer in time", endpoint=call.endpoint)
    return UpstreamUnreachable(
        f"{where}: the connection to the upstream failed ({type(exc).__name__})",
        endpoint=call.endpoint,
        sent=True,
    )


def _decode(call: Call, response: httpx.Response) -> Json:
    where = f"{call.method} {call.endpoint}"
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code >= 400:
        message = body.get("error") if isinstance(body, dict) else None
        return _raise(
            error_for_status(
                response.status_code,
                f"{where}: upstream answered {response.status_code}" + (f": {message}" if message else ""),
                endpoint=call.endpoint,
                retry_after=_retry_after(response.headers),
            )
        )
    if not isinstance(body, dict) or body.get("success") is not True:
        raise UpstreamBadResponse(
            f"{where}: the upstream's answer is not the documented JSON envelope", endpoint=call.endpoint
        )
    return body


def _raise(error: UpstreamError) -> Json:
    raise error
