"""The upstream's rate-limit signals: what its headers say, and the per-credential gates that make
later calls wait for a spent burst window to reset instead of provoking a 429."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from .credentials import Credentials
from .observer import UpstreamObserver
from .retry import RetryPolicy


@dataclass(slots=True)
class RateLimitSnapshot:
    limit: int | None
    remaining: int
    reset: float | None


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


def retry_after(headers: httpx.Headers) -> float | None:
    """`Retry-After` in seconds (the upstream sends a number), None when absent or unreadable."""
    raw = headers.get("retry-after")
    try:
        return max(0.0, float(raw)) if raw is not None else None
    except ValueError:
        return None


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
