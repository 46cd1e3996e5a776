"""The gateway's Prometheus metrics: one registry per app, the hooks that feed it, and `/metrics`.

Every app owns a `GatewayMetrics` (its own `CollectorRegistry`, never the process-global one), so tests
and several apps in one process count separately. Every feeder is handed its hook
(`gateway.observability.Observability`): the GraphQL operation extension (`telemetry`), the request
middleware (`record_http`), the upstream transport (`UpstreamMetrics`, an `UpstreamObserver`), the
loaders (`LoaderMetrics`, a `LoaderObserver`), the activity-types cache (`ObservedTTLCache`), the live
updates (`LiveMetrics`, a `LiveObserver`) and the Redis link (`RedisMetrics`, a `LinkObserver`).

Label values stay bounded and secret-free: endpoints are path templates (`/v1/activities/{id}`), statuses
are numbers, operation names are checked against the GraphQL name syntax and capped in number, and no
label is ever taken from a header.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder
from starlette.requests import Request
from starlette.responses import Response

from gateway.activities.version import Version
from gateway.config import ApiMode
from gateway.live.observer import DropReason, WebhookOutcome
from gateway.loaders.cache import TTLCache
from gateway.upstream.endpoints import Call
from gateway.upstream.errors import UpstreamError, UpstreamHTTPError, UpstreamTimeout, UpstreamUnreachable
from gateway.upstream.webhooks import Action

T = TypeVar("T")

ANONYMOUS = "anonymous"
OTHER_OPERATIONS = "other"
MAX_OPERATION_NAMES = 200  # distinct operation names tracked before the rest count as "other"
_GRAPHQL_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
LAG_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0)
BATCH_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500)


class GatewayMetrics:
    """The metric families of one app, in its own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._operation_names: set[str] = set()
        self._define_graphql()
        self._define_upstream()
        self._define_internals()
        self._define_live()
        self._define_redis()
        self._define_admission()

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
        self.api_version = Gauge(
            "gateway_upstream_api_version",
            "1 for the Pipedrive API the activity operations use now.",
            ["version"],
            registry=r,
        )
        self.api_version_switches = Counter(
            "gateway_upstream_api_version_switches",
            "Moves to another API version (auto mode: v1 retired).",
            ["version"],
            registry=r,
        )
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

    def _define_live(self) -> None:
        r = self.registry
        self.live_subscribers = Gauge(
            "gateway_live_subscribers", "Subscriptions to live updates open now (over WebSocket).", registry=r
        )
        self.webhooks_received = Counter(
            "gateway_webhooks_received",
            "Webhook deliveries by outcome (published, duplicate, ignored, invalid, unauthorized, failed).",
            ["outcome"],
            registry=r,
        )
        self.live_events_published = Counter(
            "gateway_live_events_published", "Events handed to the broker, by action.", ["action"], registry=r
        )
        self.live_events_delivered = Counter(
            "gateway_live_events_delivered",
            "Events queued for a subscriber (one per matching subscriber), by action.",
            ["action"],
            registry=r,
        )
        self.live_events_dropped = Counter(
            "gateway_live_events_dropped",
            "Events that reached no subscriber: a slow subscriber's queue (it was dropped), a full broker backlog.",
            ["reason"],
            registry=r,
        )

    def _define_redis(self) -> None:
        r = self.registry
        self.redis_available = Gauge(
            "gateway_redis_available",
            "1 while the state shared with other instances is in Redis; 0 while this instance works on its own "
            "(GATEWAY_REDIS_URL unset, or Redis unreachable).",
            registry=r,
        )
        self.redis_outages = Counter(
            "gateway_redis_outages",
            "Times this instance lost Redis (or found it away at start) and went on with its own state.",
            registry=r,
        )

    def _define_admission(self) -> None:
        r = self.registry
        self.admission_limit = Gauge(
            "gateway_admission_limit",
            "GraphQL operations over HTTP this process runs at once now; the limit follows the event loop's lag.",
            registry=r,
        )
        self.admission_wait_seconds = Histogram(
            "gateway_admission_wait_seconds",
            "How long an operation waited for its turn to run (0 when it ran at once).",
            buckets=(0.0, *LATENCY_BUCKETS),
            registry=r,
        )
        self.admission_refused = Counter(
            "gateway_admission_refused",
            "Requests answered 503 OVERLOADED after waiting GATEWAY_ADMISSION_MAX_WAIT for their turn.",
            registry=r,
        )
        self.event_loop_lag_seconds = Histogram(
            "gateway_event_loop_lag_seconds",
            "How late the event loop ran a timer, measured every 100 ms: how long ready work waited for the CPU.",
            buckets=LAG_BUCKETS,
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

    def record_http(self, method: str, handler: str, status: int, seconds: float) -> None:
        self.http_requests.labels(method, handler, str(status)).inc()
        self.http_seconds.labels(handler).observe(seconds)

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
        self._m.upstream_requests.labels(call.method, call.endpoint.label, str(status) if status else "none").inc()
        self._m.upstream_seconds.labels(call.method, call.endpoint.label).observe(seconds)

    def on_retry(self, call: Call, error: UpstreamError, wait: float) -> None:
        self._m.upstream_retries.labels(call.method, call.endpoint.label, retry_reason(error)).inc()

    def on_rate_limit_wait(self, seconds: float) -> None:
        self._m.rate_limit_waits.inc()
        self._m.rate_limit_wait_seconds.inc(seconds)

    def on_shared_call(self, call: Call) -> None:
        self._m.shared_calls.labels(call.method, call.endpoint.label).inc()


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


class RedisMetrics:
    """The Redis link's `LinkObserver`: whether Redis is in use, and each outage."""

    def __init__(self, metrics: GatewayMetrics) -> None:
        self._m = metrics

    def on_available(self, available: bool) -> None:
        self._m.redis_available.set(1 if available else 0)
        if not available:
            self._m.redis_outages.inc()


class VersionMetrics:
    """`ApiVersion`'s observer: which API version is in use, and each move to another."""

    def __init__(self, metrics: GatewayMetrics, mode: ApiMode) -> None:
        self._m = metrics
        self._set("v2" if mode == "v2" else "v1")

    def on_switch(self, version: Version) -> None:
        self._m.api_version_switches.labels(version).inc()
        self._set(version)

    def _set(self, version: Version) -> None:
        for known in ("v1", "v2"):
            self._m.api_version.labels(known).set(1 if known == version else 0)


class LoaderMetrics:
    """The loaders' `LoaderObserver`: the size of every batch a loader sends upstream."""

    def __init__(self, metrics: GatewayMetrics) -> None:
        self._m = metrics

    def on_batch(self, loader: str, size: int) -> None:
        self._m.loader_batch_size.labels(loader).observe(size)


class LiveMetrics:
    """The live updates' `LiveObserver`: subscribers, webhooks, events published, delivered, dropped."""

    def __init__(self, metrics: GatewayMetrics) -> None:
        self._m = metrics

    def on_webhook(self, outcome: WebhookOutcome) -> None:
        self._m.webhooks_received.labels(outcome).inc()

    def on_published(self, action: Action) -> None:
        self._m.live_events_published.labels(action).inc()

    def on_delivered(self, action: Action) -> None:
        self._m.live_events_delivered.labels(action).inc()

    def on_dropped(self, reason: DropReason, events: int) -> None:
        self._m.live_events_dropped.labels(reason).inc(events)

    def on_subscribers(self, count: int) -> None:
        self._m.live_subscribers.set(count)


class AdmissionMetrics:
    """The admission's `AdmissionObserver` (`gateway.edge.admission`)."""

    def __init__(self, metrics: GatewayMetrics) -> None:
        self._m = metrics

    def on_limit(self, limit: int) -> None:
        self._m.admission_limit.set(limit)

    def on_admitted(self, waited: float) -> None:
        self._m.admission_wait_seconds.observe(waited)

    def on_refused(self) -> None:
        self._m.admission_refused.inc()

    def on_lag(self, lag: float) -> None:
        self._m.event_loop_lag_seconds.observe(lag)


def metrics_endpoint(metrics: GatewayMetrics) -> Callable[[Request], Awaitable[Response]]:
    """`GET /metrics`: `metrics`' registry in the format the scraper asks for."""

    async def endpoint(request: Request) -> Response:
        body, media_type = metrics.exposition(request.headers.get("accept", ""))
        return Response(body, headers={"content-type": media_type})

    return endpoint
