"""When and how long to wait before trying an upstream request again.

Reads and deletes are idempotent: they are retried on 429, 502, 503, 504, timeouts and connection
failures. POST and PUT are retried only when the upstream cannot have acted on them: a 429 (refused
before any work) or a connection that failed before the request was sent. The clock, the sleep and
the randomness are parameters so tests never sleep for real.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from gateway.config import RetrySettings

from .errors import (
    UpstreamError,
    UpstreamHTTPError,
    UpstreamRateLimited,
    UpstreamTimeout,
    UpstreamUnreachable,
    may_have_acted,
    was_sent,
)

T = TypeVar("T")

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "DELETE"})
MIN_ATTEMPT_SECONDS = 1.0
"""The shortest timeout an attempt gets, even at the end of the budget: less would only fail."""


@dataclass(frozen=True)
class RetryPolicy:
    settings: RetrySettings = field(default_factory=RetrySettings)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    clock: Callable[[], float] = time.monotonic
    jitter: Callable[[], float] = random.random

    def should_retry(self, method: str, error: UpstreamError) -> bool:
        """Whether `error` leaves the request safe and worth sending again."""
        if isinstance(error, UpstreamRateLimited):
            return True
        if not was_sent(error):
            return True
        if method not in IDEMPOTENT_METHODS:
            return False
        if isinstance(error, UpstreamHTTPError):
            return error.status in RETRYABLE_STATUSES
        return isinstance(error, (UpstreamTimeout, UpstreamUnreachable))

    def delay(self, attempt: int, error: UpstreamError) -> float:
        """Seconds to wait before retry number `attempt` (1-based): Retry-After, else jittered backoff.

        A Retry-After is taken as it is: when it ends past the budget, `run` gives up at once rather
        than wait part of it and ask again in vain.
        """
        if isinstance(error, UpstreamRateLimited) and error.retry_after is not None:
            return error.retry_after
        ceiling = min(self.settings.max_delay, self.settings.base_delay * 2.0 ** (attempt - 1))
        return ceiling * (0.5 + self.jitter() / 2.0)

    def attempt_timeout(self, configured: float | None, deadline: float) -> float:
        """The timeout of one attempt: the configured one, shortened so the attempt ends near `deadline`."""
        left = max(deadline - self.clock(), MIN_ATTEMPT_SECONDS)
        return left if configured is None else min(configured, left)

    async def run(
        self,
        method: str,
        attempt_once: Callable[[float], Awaitable[T]],
        on_retry: Callable[[UpstreamError, float], None] = lambda error, wait: None,
    ) -> T:
        """Call `attempt_once(deadline)` until it succeeds, a failure is final, or the budget is spent.

        `deadline` is when the budget ends, on `clock`: an attempt bounds its own timeout by it, so
        the whole call takes about `max_total_seconds` at most, attempts and waits together.
        """
        deadline = self.clock() + self.settings.max_total_seconds
        attempt = 0
        acted = False
        while True:
            try:
                return await attempt_once(deadline)
            except UpstreamError as error:
                error.earlier_attempt_may_have_acted = acted
                attempt += 1
                if attempt > self.settings.max_retries or not self.should_retry(method, error):
                    raise
                wait = self.delay(attempt, error)
                if self.clock() + wait > deadline:
                    raise
                acted = acted or may_have_acted(error)
                on_retry(error, wait)
                await self.sleep(wait)
