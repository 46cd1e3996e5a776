"""What one GraphQL operation spent upstream: the contract's `extensions.upstream`."""

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

    def record(self, call: Call) -> None:
        self.calls += 1
        self.cost += call.cost

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
