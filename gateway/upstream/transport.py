"""The one place that sends HTTP to the upstream: attempts, retries, in-flight sharing, envelopes.

`UpstreamTransport` is app-scoped: it owns the pooled `httpx.AsyncClient` (through the app's
lifespan), the in-flight GET registry and the rate-limit gates (over the app's `SpentWindows`: this
process's own, or those several instances share). `send` returns the decoded JSON
envelope of a `Call` or raises an `UpstreamError`. Tokens travel only in headers; exception texts name
the endpoint template (`GET /v1/activities/{id}`), never a URL or a token.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import time
from typing import Any

import httpx
import orjson

from .credentials import Credentials
from .endpoints import Call, Json
from .errors import (
    OperationAnswered,
    UpstreamBadResponse,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnreachable,
    UpstreamUnsendable,
    error_for_status,
    was_sent,
)
from .ledger import CallLedger
from .observer import NullObserver, UpstreamObserver
from .ratelimit import RateLimitGates, SpentWindows, read_rate_limit, retry_after
from .retry import RetryPolicy


class UpstreamTransport:
    """Sends `Call`s for any credentials; shared by every request of the app."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        retry: RetryPolicy,
        observer: UpstreamObserver | None = None,
        windows: SpentWindows | None = None,
    ) -> None:
        self._http = http
        self._retry = retry
        self._observer: UpstreamObserver = observer or NullObserver()
        self._gates = RateLimitGates(retry, max_wait=retry.settings.max_total_seconds, windows=windows)
        self._in_flight: dict[tuple[str, str, str], asyncio.Future[Json]] = {}

    async def send(self, call: Call, credentials: Credentials, ledger: CallLedger) -> Json:
        """The decoded envelope of `call`; identical GETs in flight for one credential share one request."""
        if call.method != "GET":
            return await self._send_with_retries(call, credentials, ledger)
        key = (credentials.key, call.path, json.dumps(call.params or {}, sort_keys=True))
        shared = self._in_flight.get(key)
        if shared is not None:
            return await self._follow(shared, call, credentials, ledger)
        return await self._lead(key, call, credentials, ledger)

    async def probe(self, call: Call, credentials: Credentials | None) -> int:
        """The status the upstream answers `call` with: one attempt, no retries, no accounting (readiness).
        A failed connection raises httpx's own error, whose class says what failed."""
        headers = credentials.headers() if credentials is not None else {}
        response = await self._http.request(call.method, call.path, params=call.params, headers=headers)
        return response.status_code

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
            if ledger.closed:
                raise OperationAnswered(
                    f"{call.endpoint}: not sent, the operation is answered", endpoint=call.endpoint.label
                )
            await self._gates.wait_turn(credentials, self._observer, deadline, call.endpoint)
            return await self._send_once(call, credentials, ledger, self._attempt_timeout(deadline))

        def on_retry(error: UpstreamError, wait: float) -> None:
            self._observer.on_retry(call, error, wait)

        return await self._retry.run(call.method, attempt, on_retry)

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
        try:
            request = self._http.build_request(
                call.method,
                call.path,
                params=call.params,
                json=call.body,
                headers=credentials.headers(),
                timeout=timeout,
            )
        except (httpx.InvalidURL, UnicodeEncodeError) as exc:  # a client's value too long for a URL, or not text
            raise UpstreamUnsendable(
                f"{call.endpoint}: the request cannot be sent ({exc})", endpoint=call.endpoint.label
            ) from None
        started = time.perf_counter()
        try:
            response = await self._http.send(request)
        except httpx.HTTPError as exc:
            self._observer.on_response(call, 0, time.perf_counter() - started)
            error = _transport_error(call, exc)
            if was_sent(error):
                ledger.unanswered()
            raise error from None
        _release_body_stream(response)
        ledger.answered(call)
        self._observer.on_response(call, response.status_code, time.perf_counter() - started)
        snapshot = read_rate_limit(response.headers)
        if snapshot is not None:
            ledger.see_rate_limit(snapshot)
            self._gates.observe(credentials, snapshot)
        if response.status_code == 429:
            self._gates.refused(credentials, retry_after(response.headers))
        return _decode(call, response)


def _transport_error(call: Call, exc: httpx.HTTPError) -> UpstreamError:
    """httpx's failure as an upstream error; `from None` at the callers keeps the URL out of tracebacks."""
    where, endpoint = str(call.endpoint), call.endpoint.label
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return UpstreamUnreachable(f"{where}: could not connect to the upstream", endpoint=endpoint, sent=False)
    if isinstance(exc, httpx.TimeoutException):
        return UpstreamTimeout(f"{where}: the upstream did not answer in time", endpoint=endpoint)
    return UpstreamUnreachable(
        f"{where}: the connection to the upstream failed ({type(exc).__name__})", endpoint=endpoint, sent=True
    )


def _release_body_stream(response: httpx.Response) -> None:
    """Cut the reference cycle httpx 0.28 makes between a response and its body stream (encode/httpx#3733):
    with it, an answer (165 kB for a page of 100) outlived its call until the collector's next full pass, and
    under load hundreds of them did. The body is read and the stream closed by now; `content` stays."""
    response.stream = httpx.ByteStream(b"")


class NoCookies(http.cookiejar.CookieJar):
    """The upstream HTTP client's cookie jar, which keeps nothing. One client serves every token, and httpx
    keeps the cookies an answer sets and sends them with every later request: a cookie set in one token's
    answer (a session, a load balancer's or a bot filter's) would ride along with another company's calls.
    The REST API needs none."""

    def set_cookie(self, cookie: http.cookiejar.Cookie) -> None:
        return None

    def extract_cookies(self, response: Any, request: Any) -> None:
        return None


def _decode(call: Call, response: httpx.Response) -> Json:
    where = str(call.endpoint)
    body: Any
    try:
        body = orjson.loads(response.content)  # 2.3x the standard library on a page of 100 (README, Benchmarks)
    except orjson.JSONDecodeError:
        body = None
    if response.status_code >= 400:
        message = body.get("error") if isinstance(body, dict) else None
        raise error_for_status(
            response.status_code,
            f"{where}: upstream answered {response.status_code}" + (f": {message}" if message else ""),
            endpoint=call.endpoint.label,
            retry_after=retry_after(response.headers),
            upstream_message=str(message) if message else None,
        )
    if not isinstance(body, dict) or body.get("success") is not True:
        raise UpstreamBadResponse(
            f"{where}: the upstream's answer is not the documented JSON envelope", endpoint=call.endpoint.label
        )
    return body
