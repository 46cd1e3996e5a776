"""The upstream's rate-limit signals: what its headers say, and the per-credential gates that make
later calls wait for a spent burst window to reset instead of provoking a 429.

A window is known to be spent when the upstream says none remain (`x-ratelimit-remaining: 0`, for
`x-ratelimit-reset` seconds) or answers 429 with `Retry-After`. Where that knowledge lives is
`SpentWindows`: this process's own (`LocalWindows`), or one shared by several instances
(`gateway.shared.windows`). Asking it is on every call's way, so it answers from memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import httpx

from .credentials import Credentials
from .endpoints import Endpoint
from .errors import UpstreamRateLimited
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


class Windows:
    """When each spent window ends, by key, on `clock`; an ended one is forgotten when next asked."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._ends: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self._ends)

    def ends(self, key: str) -> float | None:
        end = self._ends.get(key)
        if end is not None and end <= self._clock():
            del self._ends[key]
            return None
        return end

    def spend(self, key: str, seconds: float) -> bool:
        """The window of `key` is spent for `seconds` from now; whether that is news (it ends later)."""
        end = self._clock() + seconds
        known = self.ends(key)
        if known is not None and known >= end:
            return False
        self._ends[key] = end
        return True


class SpentWindows(Protocol):
    """Which credentials' windows are known to be spent, until when (on the retry policy's clock)."""

    def ends(self, credentials: Credentials) -> float | None: ...

    def spend(self, credentials: Credentials, seconds: float) -> None: ...


class LocalWindows:
    """The spent windows this process learnt itself."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._windows = Windows(clock)

    def ends(self, credentials: Credentials) -> float | None:
        return self._windows.ends(credentials.key) if self._windows else None

    def spend(self, credentials: Credentials, seconds: float) -> None:
        self._windows.spend(credentials.key, seconds)


class RateLimitGates:
    """Per-credential burst windows: while one is known to be spent, calls with it wait for the reset."""

    def __init__(self, policy: RetryPolicy, max_wait: float, windows: SpentWindows | None = None) -> None:
        self._policy = policy
        self._max_wait = max_wait
        self._windows: SpentWindows = windows or LocalWindows(policy.clock)

    async def wait_turn(
        self, credentials: Credentials, observer: UpstreamObserver, deadline: float, endpoint: Endpoint
    ) -> None:
        """Sleep until the credential's window resets. A window that ends past `deadline` (the retry
        budget's end) is `UpstreamRateLimited` at once: nothing is sent while it is known to be spent."""
        until = self._windows.ends(credentials)
        if until is None:
            return
        now = self._policy.clock()
        if until > deadline:
            raise UpstreamRateLimited(
                f"{endpoint}: not sent, the token's rate-limit window is spent",
                endpoint=endpoint.label,
                retry_after=round(until - now, 3),
            )
        wait = min(until - now, self._max_wait)
        if wait <= 0:
            return
        observer.on_rate_limit_wait(wait)
        await self._policy.sleep(wait)

    def observe(self, credentials: Credentials, snapshot: RateLimitSnapshot) -> None:
        if snapshot.remaining <= 0 and snapshot.reset:
            self._windows.spend(credentials, snapshot.reset)

    def refused(self, credentials: Credentials, retry_after: float | None) -> None:
        """The upstream answered 429: the window is spent for `Retry-After` seconds, when it said."""
        if retry_after:
            self._windows.spend(credentials, retry_after)
