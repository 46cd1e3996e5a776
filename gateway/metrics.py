"""The gateway's Prometheus metrics: one registry per app, the hooks that feed it, and `/metrics`.

Every app owns a `GatewayMetrics` (its own `CollectorRegistry`, never the process-global one), so tests
and several apps in one process count separately. It is fed from four places: the GraphQL operation
extension (`gateway.operation_telemetry`), the upstream transport (`UpstreamMetrics`, an
`UpstreamObserver`), the activity loaders (`record_loader_batch`, which finds the serving app's metrics
through a context variable the request middleware sets) and the activity-types cache (`ObservedTTLCache`).

Label values stay bounded and secret-free: endpoints are path templates (`/v1/activities/{id}`), statuses
are numbers, operation names are checked against the GraphQL name syntax and capped in number, and no
label is ever taken from a header.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Generic, TypeVar

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import choose_encoder
from starlette.requests import Request
from starlette.responses import Response

from gateway.cache import TTLCache
from gateway.upstream.errors import UpstreamError, UpstreamHTTPError, UpstreamTimeout, UpstreamUnreachable
from gateway.upstream.transport import Call

T = TypeVar("T")

ANONYMOUS = "anonymous"
OTHER_OPERATIONS = "other"
MAX_OPERATION_NAMES = 200  # distinct operation names tracked before the rest count as "other"
_GRAPHQL_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
BATCH_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500)


class GatewayMetrics:
    """The metric families of one app, in its own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._operation_names: set[str] = set()
        self._define_graphql()
        self._define_upstream()
        self._define_internals()

    def _define_graphql(self) -> None:
        r = self.registry
        self.http_requests = Counter(
            "gateway_http_requests",
            "HTTP requests by method, handler and status.",
            ["method", "handler", "status"],
            registry=r,
        )
        self.http_seconds = Histogram(
            "gateway_http_request_duration_seconds",
            "Time to answer an HTTP request, by handler.",
            ["handler"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.operations = Counter(
            "gateway_graphql_operations",
            "GraphQL operations by operation name and outcome (ok, or the extensions.code of the first error).",
            ["operation", "outcome"],
            registry=r,
        )
        self.operation_seconds = Histogram(
            "gateway_graphql_operation_duration_seconds",
            "Time to execute a GraphQL operation.",
            ["operation"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )

    def _define_upstream(self) -> None:
        r = self.registry
        self.upstream_requests = Counter(
            "gateway_upstream_requests",
            "Upstream HTTP requests by endpoint template and status (none: no answer).",
            ["method", "endpoint", "status"],
            registry=r,
        )
        self.upstream_seconds = Histogram(
            "gateway_upstream_request_duration_seconds",
            "Time an upstream request took.",
            ["method", "endpoint"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.upstream_retries = Counter(
            "gateway_upstream_retries",
            "Upstream requests sent again, by the failure that caused it.",
            ["method", "endpoint", "reason"],
            registry=r,
        )
        self.rate_limit_waits = Counter(
            "gateway_upstream_rate_limit_waits",
            "Times a request waited for the upstream's rate-limit window to reset.",
            registry=r,
        )
        self.rate_limit_wait_seconds = Counter(
            "gateway_upstream_rate_limit_wait_seconds", "Time spent waiting for rate-limit windows.", registry=r
        )
        self.shared_calls = Counter(
            "gateway_upstream_shared_calls",
            "GETs answered by an identical request already in flight.",
            ["method", "endpoint"],
            registry=r,
        )

    def _define_internals(self) -> None:
        r = self.registry
        self.loader_batch_size = Histogram(
            "gateway_loader_batch_size",
            "Keys per batch a data loader sent upstream.",
            ["loader"],
            buckets=BATCH_BUCKETS,
            registry=r,
        )
        self.cache_lookups = Counter(
            "gateway_cache_lookups",
            "App-scoped cache lookups by result (hit or miss).",
            ["cache", "result"],
            registry=r,
        )

    def operation_label(self, name: str | None) -> str:
        """A bounded label for a client-chosen operation name."""
        if not name:
            return ANONYMOUS
        if not _GRAPHQL_NAME.fullmatch(name):
            return OTHER_OPERATIONS
        if name not in self._operation_names:
            if len(self._operation_names) >= MAX_OPERATION_NAMES:
                return OTHER_OPERATIONS
            self._operation_names.add(name)
        return name

    def record_operation(self, name: str | None, outcome: str, seconds: float) -> None:
        label = self.operation_label(name)
        self.operations.labels(label, outcome).inc()
        self.operation_seconds.labels(label).observe(seconds)

    def record_cache_lookup(self, cache: str, hit: bool) -> None:
        self.cache_lookups.labels(cache, "hit" if hit else "miss").inc()

    def exposition(self, accept: str = "") -> tuple[bytes, str]:
        """The registry in the format `accept` asks for (OpenMetrics or Prometheus text), and its media type."""
        encode, media_type = choose_encoder(accept)
        return encode(self.registry), media_type


def retry_reason(error: UpstreamError) -> str:
    """A short, bounded label for why a request was retried."""
    if isinstance(error, UpstreamHTTPError):
        return str(error.status)
    if isinstance(error, UpstreamTimeout):
        return "timeout"
    if isinstance(error, UpstreamUnreachable):
        return "unreachable"
    return "bad_response"


class UpstreamMetrics:
    """The transport's `UpstreamObserver`: upstream calls, retries, rate-limit waits, shared calls."""

    def __init__(self, metrics: GatewayMetrics) -> None:
        self._m = metrics

    def on_response(self, call: Call, status: int, seconds: float) -> None:
        self._m.upstream_requests.labels(call.method, call.endpoint, str(status) if status else "none").inc()
        self._m.upstream_seconds.labels(call.method, call.endpoint).observe(seconds)

    def on_retry(self, call: Call, error: UpstreamError, wait: float) -> None:
        self._m.upstream_retries.labels(call.method, call.endpoint, retry_reason(error)).inc()

    def on_rate_limit_wait(self, seconds: float) -> None:
        self._m.rate_limit_waits.inc()
        self._m.rate_limit_wait_seconds.inc(seconds)

    def on_shared_call(self, call: Call) -> None:
        self._m.shared_calls.labels(call.method, call.endpoint).inc()


class ObservedTTLCache(TTLCache[T], Generic[T]):
    """A `TTLCache` that counts its hits and misses under `name`."""

    def __init__(self, name: str, ttl: float, metrics: GatewayMetrics) -> None:
        super().__init__(ttl)
        self._name = name
        self._metrics = metrics

    def get(self, key: str) -> T | None:
        value = super().get(key)
        self._metrics.record_cache_lookup(self._name, value is not None)
        return value


# Loaders are built per request, deep below the app, and know nothing of it: the request middleware
# makes the serving app's metrics current for the request, and batch functions report through it.
_current: ContextVar[GatewayMetrics | None] = ContextVar("gateway_metrics", default=None)


@contextlib.contextmanager
def serving(metrics: GatewayMetrics) -> Iterator[None]:
    """Make `metrics` the current app's for the duration of one request."""
    token = _current.set(metrics)
    try:
        yield
    finally:
        _current.reset(token)


def record_loader_batch(loader: str, size: int) -> None:
    """Count one batch of `size` keys sent upstream by `loader` (a no-op outside a request)."""
    metrics = _current.get()
    if metrics is not None:
        metrics.loader_batch_size.labels(loader).observe(size)


async def metrics_endpoint(request: Request) -> Response:
    """`GET /metrics`: the app's registry in Prometheus text format."""
    metrics: GatewayMetrics = request.app.state.metrics
    body, media_type = metrics.exposition(request.headers.get("accept", ""))
    return Response(body, headers={"content-type": media_type})
