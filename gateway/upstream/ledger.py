"""What one GraphQL operation spent upstream: the contract's `extensions.upstream`.

`calls` counts the HTTP requests sent upstream; `cost` is the rate-limit budget they spent, which only
a request the upstream answered (with any status, 429 and 5xx included) spends. So a request sent but
never answered (timed out, connection dropped) is a call without cost, and one whose connection failed
before it was sent (refused, connect or pool timeout) is neither: it never reached the upstream.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .endpoints import Call
from .ratelimit import RateLimitSnapshot


@dataclass
class CallLedger:
    calls: int = 0
    cost: int = 0
    rate_limit: RateLimitSnapshot | None = None
    api_version: str | None = None
    """The API the activity operations used ("v1" or "v2"); None when none was needed."""
    closed: bool = False
    """The operation is answered: no further call is sent for it (see `OperationAnswered`)."""

    def close(self) -> None:
        self.closed = True

    def answered(self, call: Call) -> None:
        """`call` was sent and answered: a call, and its cost."""
        self.calls += 1
        self.cost += call.cost

    def unanswered(self) -> None:
        """A call was sent but never answered: it counts, but no budget is known to be spent."""
        self.calls += 1

    def see_rate_limit(self, snapshot: RateLimitSnapshot) -> None:
        if self.rate_limit is None or snapshot.remaining < self.rate_limit.remaining:
            self.rate_limit = snapshot

    def as_extension(self) -> dict[str, Any]:
        report: dict[str, Any] = {"calls": self.calls, "cost": self.cost}
        if self.api_version is not None:
            report["apiVersion"] = self.api_version
        if self.rate_limit is not None:
            report["rateLimit"] = {
                "limit": self.rate_limit.limit,
                "remaining": self.rate_limit.remaining,
                "reset": self.rate_limit.reset,
            }
        return report
