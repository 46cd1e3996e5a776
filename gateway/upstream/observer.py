"""The transport's metrics hook, injected by the app (`gateway.observability.UpstreamMetrics`)."""

from __future__ import annotations

from typing import Protocol

from .endpoints import Call
from .errors import UpstreamError


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
