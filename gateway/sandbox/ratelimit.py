"""Rate limiting as the token-based upstream does it (REFERENCE §6.2).

Two limits apply to every authenticated request: a burst limit per token over a rolling
2-second window, and a daily token budget per company that each request spends by its
endpoint's documented cost. Both are checked before the request is handled; a request over
either is answered 429 with `Retry-After` and spends nothing.

Every answer carries `x-ratelimit-limit`, `x-ratelimit-remaining`, `x-ratelimit-reset` (seconds
until the burst window frees a slot: a duration, not an epoch) and
`x-daily-ratelimit-token-limit` / `x-daily-ratelimit-token-remaining` (observed upstream,
UNCONFIRMED in the docs, as is `Retry-After`). The budget renews every 86 400 s of the injected
clock (at multiples of a day: the real API resets at midnight when the clock is wall time).

Requests whose credential fails (missing, unknown, wrong kind) all count against one shared
anonymous burst window, never a token's or a company's: they spend no daily tokens (their daily
headers show the full budget), and past the burst limit they are answered 429 instead of 401
(UNCONFIRMED upstream, where no 401 has been seen with these headers). A request that is not
served (410 of a retired route, 404/405 of an unknown path or method) counts and spends nothing
but still carries its caller's current headers.
"""

import math
from collections import deque
from collections.abc import Callable

from gateway.sandbox.errors import ApiError, rate_limited

BURST_WINDOW_S = 2.0
DAY_S = 86_400.0
DEFAULT_BURST_LIMIT = 100_000
"""Requests per token per window: far above the real 20-480, so benchmarks never hit it."""
DEFAULT_DAILY_TOKEN_BUDGET = 100_000_000
"""Tokens per company per day: far above real budgets, for the same reason."""

Clock = Callable[[], float]
ANONYMOUS = None
"""The window key of requests without a valid credential."""


class RateLimiter:
    """Burst windows per token and daily budgets per company, on an injectable clock."""

    def __init__(self, burst_limit: int, daily_token_budget: int, clock: Clock) -> None:
        self.burst_limit = burst_limit
        self.daily_token_budget = daily_token_budget
        self._clock = clock
        self._windows: dict[str | None, deque[float]] = {}
        self._spent: dict[int, tuple[int, int]] = {}

    def spend(self, token: str | None, company_id: int | None, cost: int) -> dict[str, str]:
        """Count one request costing `cost`; its headers, or ApiError 429 when over a limit.

        `token` None is the anonymous window; `company_id` None has no budget (cost must be 0).
        """
        now = self._clock()
        window = self._window(token, now)
        day = int(now // DAY_S)
        spent = self._spent_today(company_id, day)
        if len(window) >= self.burst_limit:
            raise self._refusal(self._burst_reset(window, now), window, now, spent)
        if spent + cost > self.daily_token_budget:
            raise self._refusal(math.ceil((day + 1) * DAY_S - now), window, now, spent)
        window.append(now)
        if company_id is not None:
            self._spent[company_id] = (day, spent + cost)
        return self._headers(window, now, spent + cost)

    def spend_anonymous(self) -> dict[str, str]:
        """Count one request without a valid credential in the anonymous window; headers, or 429."""
        return self.spend(ANONYMOUS, None, 0)

    def peek(self, token: str | None, company_id: int | None) -> dict[str, str]:
        """The current headers of a token and company (None: anonymous), counting and spending nothing."""
        now = self._clock()
        return self._headers(self._window(token, now), now, self._spent_today(company_id, int(now // DAY_S)))

    def reset(self) -> None:
        """Forget every window and all spending."""
        self._windows.clear()
        self._spent.clear()

    def _window(self, token: str | None, now: float) -> deque[float]:
        window = self._windows.setdefault(token, deque())
        while window and window[0] <= now - BURST_WINDOW_S:
            window.popleft()
        return window

    def _spent_today(self, company_id: int | None, day: int) -> int:
        if company_id is None:
            return 0
        spent_day, spent = self._spent.get(company_id, (day, 0))
        return spent if spent_day == day else 0

    def _refusal(self, retry_after: int, window: deque[float], now: float, spent: int) -> ApiError:
        error = rate_limited(max(retry_after, 1))
        error.headers.update(self._headers(window, now, spent))
        return error

    def _burst_reset(self, window: deque[float], now: float) -> int:
        if not window:
            return math.ceil(BURST_WINDOW_S)
        return max(math.ceil(window[0] + BURST_WINDOW_S - now), 1)

    def _headers(self, window: deque[float], now: float, spent: int) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(self.burst_limit),
            "x-ratelimit-remaining": str(max(self.burst_limit - len(window), 0)),
            "x-ratelimit-reset": str(self._burst_reset(window, now)),
            "x-daily-ratelimit-token-limit": str(self.daily_token_budget),
            "x-daily-ratelimit-token-remaining": str(max(self.daily_token_budget - spent, 0)),
        }
