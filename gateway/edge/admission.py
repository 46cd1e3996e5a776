"""Admission: GraphQL operations over HTTP run at most `limit` at a time, the others wait their turn in
arrival order; the limit follows the event loop's lag.

One process runs every operation on one event loop. Past what its CPU can do, starting more operations
makes none of them faster: they interleave, each answer's reads and conversions wait behind everyone
else's, and the slowest requests take many times the median (64 connections on the 2-core bench
machine, a page of 100: p50 0.8 s, p99 4.2 s). Queued in arrival order instead, each request waits
about as long as the others, and fewer interleaved operations cost less CPU each (p99 0.9 s, 55 -> 86
requests a second; README, Benchmarks). A fixed limit
would cap a slow upstream's concurrency (8 operations at 200 ms each is 40 requests a second on an idle
CPU), so the limit adapts, additive increase and multiplicative decrease as in TCP's congestion
control. Ten times an interval (`interval_seconds`, 0.1 s) the watch measures how late a timer fires;
when the median of those lags is over `target_lag_seconds` while the process used most of a CPU, the
limit shrinks by a tenth; otherwise, if it was reached (someone waited), it grows by one. An idle or
half-idle CPU never lowers it; a saturated one finds how many operations it can run without
stretching them all.

A request that waited `max_wait_seconds` is answered 503 `OVERLOADED` with `Retry-After`, never
executed. WebSocket subscriptions, probes, metrics and webhooks are not admitted here: they are
long-lived, or cheap, or must answer while the process is busy.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import statistics
import time
from collections import deque
from collections.abc import AsyncIterator
from typing import Protocol

from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.config import AdmissionSettings
from gateway.edge.refusals import request_error_response
from gateway.errors import OVERLOADED

SAMPLES = 10
"""Lag samples per adjustment."""
BUSY = 0.9
"""The share of one CPU from which the process counts as busy (its event loop runs on one)."""
DECREASE = 0.9
"""The limit's factor when the loop is late in a busy process."""
RETRY_AFTER_SECONDS = 1


class AdmissionObserver(Protocol):
    """What the metrics learn of admission (`gateway.observability.metrics.AdmissionMetrics`)."""

    def on_limit(self, limit: int) -> None: ...

    def on_admitted(self, waited: float) -> None: ...

    def on_refused(self) -> None: ...

    def on_lag(self, lag: float) -> None: ...


class Overloaded(Exception):
    """The request waited `max_wait` without being admitted."""


class Admission:
    """The limit, the operations in flight and the queue of one process (its one event loop)."""

    def __init__(self, settings: AdmissionSettings, observer: AdmissionObserver) -> None:
        self.settings = settings
        self.limit = min(settings.initial_limit, settings.max_limit)
        self.in_flight = 0
        self._observer = observer
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._reached = False
        observer.on_limit(self.limit)

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    @contextlib.asynccontextmanager
    async def admitted(self) -> AsyncIterator[None]:
        """Run the body in its turn; raises `Overloaded` after `max_wait_seconds` without one."""
        await self._enter()
        try:
            yield
        finally:
            self._leave()

    async def _enter(self) -> None:
        if self.in_flight < self.limit and not self._waiting:
            self.in_flight += 1
            self._observer.on_admitted(0.0)
            return
        self._reached = True
        started = time.monotonic()
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        try:
            await asyncio.wait_for(asyncio.shield(turn), self.settings.max_wait_seconds)
        except TimeoutError:
            if not turn.done():  # else admitted at the last moment: it runs
                self._withdraw(turn)
                self._observer.on_refused()
                raise Overloaded from None
        except BaseException:  # cancelled while waiting: a turn it was given passes on
            if turn.done():
                self._leave()
            else:
                self._withdraw(turn)
            raise
        self._observer.on_admitted(time.monotonic() - started)

    def _withdraw(self, turn: asyncio.Future[None]) -> None:
        turn.cancel()
        with contextlib.suppress(ValueError):
            self._waiting.remove(turn)

    def _leave(self) -> None:
        self.in_flight -= 1
        self._admit_waiting()

    def _admit_waiting(self) -> None:
        while self._waiting and self.in_flight < self.limit:
            turn = self._waiting.popleft()
            if not turn.done():
                self.in_flight += 1
                turn.set_result(None)

    def adjust(self, lag: float, busy: float) -> None:
        """One step of the limit, for the loop's median lag and the share of one CPU the process used over
        the last interval. Only a late loop in a busy process lowers it: with the CPU partly idle, late
        timers are long callbacks, and fewer operations would leave the CPU idler still."""
        settings = self.settings
        self._observer.on_lag(lag)
        if lag > settings.target_lag_seconds and busy >= BUSY:
            self.limit = max(settings.min_limit, math.floor(self.limit * DECREASE))
        elif self._reached or self._waiting:
            self.limit = min(settings.max_limit, self.limit + 1)
        self._reached = False
        self._observer.on_limit(self.limit)
        self._admit_waiting()

    @contextlib.asynccontextmanager
    async def watching(self) -> AsyncIterator[None]:
        """The lag watch (`watch`) running in the background for as long as the body runs."""
        watch = asyncio.create_task(self.watch(), name="gateway-admission-watch")
        try:
            yield
        finally:
            watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watch

    async def watch(self) -> None:
        """Sample the loop's lag `SAMPLES` times an interval and adjust the limit by their median, until
        cancelled. The median, not the worst: one long callback (a big page filled in one go, a garbage
        collection) delays one sample; a loop with more ready work than it can run delays them all."""
        loop = asyncio.get_running_loop()
        period = self.settings.interval_seconds / SAMPLES
        lags: list[float] = []
        wall, cpu = loop.time(), time.process_time()
        while True:
            started = loop.time()
            await asyncio.sleep(period)
            now = loop.time()
            lags.append(max(0.0, now - started - period))
            if len(lags) == SAMPLES:
                used = time.process_time()
                self.adjust(statistics.median(lags), (used - cpu) / max(now - wall, 1e-9))
                lags.clear()
                wall, cpu = now, used


class Admitted:
    """ASGI: HTTP requests to the wrapped app pass through `admission`; anything else goes straight on."""

    def __init__(self, app: ASGIApp, admission: Admission) -> None:
        self.app = app
        self._admission = admission

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            async with self._admission.admitted():
                await self.app(scope, receive, send)
        except Overloaded:
            response = request_error_response(
                503,
                "The gateway is overloaded: the request waited too long for its turn and was not run. "
                f"Try again in {RETRY_AFTER_SECONDS} s.",
                code=OVERLOADED,
                headers={"retry-after": str(RETRY_AFTER_SECONDS)},
                extensions={"retryAfter": RETRY_AFTER_SECONDS},
            )
            await response(scope, receive, send)
